"""Participants' and team leaders' enrolment pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("enrolment", __name__)
