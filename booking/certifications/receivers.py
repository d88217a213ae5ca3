"""Certifications' receivers of attendance's signals, connected by create_app. They run in
the sender's transaction and under its session lock (booking/attendance/signals.py), so an
award commits or rolls back with the attendance that earned it."""

from __future__ import annotations

from booking.attendance.signals import attendance_changed
from booking.certifications import services


def _attendance_changed(session_id, enrolment_ids, actor=None, now=None, **_kw) -> None:
    services.evaluate(session_id, enrolment_ids, actor=actor, now=now)


def connect() -> None:
    attendance_changed.connect(_attendance_changed)
