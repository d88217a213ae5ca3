"""`flask --app booking run-duties`: let overdue offers, approvals and reservations go."""

from __future__ import annotations

import click
from flask import Flask

from booking.core.db import atomic
from booking.enrolment.organiser import process_session, sessions_due


def run_duties() -> dict:
    """One transaction per session, so a lock is never held for more than one session."""
    totals = {"sessions": 0, "expired": 0, "released": 0, "promoted": 0}
    for session_id in sessions_due():
        counts = atomic(process_session, session_id)
        totals["sessions"] += 1
        for key, value in counts.items():
            totals[key] += value
    return totals


def register(app: Flask) -> None:
    @app.cli.command("run-duties")
    def run_duties_command():
        """Expire unanswered offers and approvals, release unused reservations, promote."""
        totals = run_duties()
        click.echo(
            "sessions {sessions}, expired {expired}, released {released}, "
            "promoted {promoted}".format(**totals)
        )
