"""Organisers' pages for a session's people: roster, moves, reservations, cancellation."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("enrolment_manage", __name__)
