"""Attendance's receivers of the signals of the features below it, connected by create_app."""

from __future__ import annotations

from booking.attendance import services
from booking.core.db import atomic
from booking.enrolment.join_links import join_link_opened


def _join_link_opened(enrolment, at, **_kw) -> None:
    """Sent by the join page outside any transaction: this is its own unit of work."""
    atomic(services.record_online, enrolment.id, at)


def connect() -> None:
    join_link_opened.connect(_join_link_opened)
