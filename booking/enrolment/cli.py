"""`flask --app booking run-duties`: let overdue offers, approvals and reservations go."""

from __future__ import annotations

import click
from flask import Flask

from booking.enrolment.duties import run_duties


def register(app: Flask) -> None:
    @app.cli.command("run-duties")
    def run_duties_command():
        """Expire unanswered offers and approvals, release unused reservations, promote."""
        totals = run_duties()
        click.echo(
            "sessions {sessions}, expired {expired}, released {released}, "
            "promoted {promoted}".format(**totals)
        )
