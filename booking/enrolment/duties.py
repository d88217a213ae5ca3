"""The enrolment engine's periodic duties: let overdue offers, approvals and reserved seats
go and fill the places they free (`run_duties`), and queue reminders (enrolment.reminders).

Both are idempotent, so a leader that dies halfway and a successor that runs the same work
again change nothing twice. `register(app)` hands them to notifications, whose worker runs
them on every tick of the leader (notifications.duties); `flask run-duties` runs the first.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from booking.core.db import atomic
from booking.enrolment.organiser import process_session, sessions_due
from booking.enrolment.reminders import reminders_duty
from booking.notifications.registry import register_duty


def run_duties() -> dict:
    """One transaction per session, so a lock is never held for more than one session."""
    totals = {"sessions": 0, "expired": 0, "released": 0, "promoted": 0}
    for session_id in sessions_due():
        counts = atomic(process_session, session_id)
        totals["sessions"] += 1
        for key, value in counts.items():
            totals[key] += value
    return totals


def engine_duty(now: datetime | None = None) -> dict:
    """The tick's run of `run_duties` (which decides what is overdue by the clock itself)."""
    return run_duties()


def register(app: Flask) -> None:
    # In this order: places freed by expiry are filled before reminders are queued, as the
    # worker's log line lists them (sessions, expired, released, promoted, reminders).
    register_duty(app, "enrolment", engine_duty)
    register_duty(app, "reminders", reminders_duty)
