"""`flask --app booking retention [--dry-run]`: anonymise what is past its organisation's
retention now (all of it, not a batch like the duty), or say what would be."""

from __future__ import annotations

import click
from flask import Flask

from booking.core.db import atomic
from booking.privacy import retention


def register(app: Flask) -> None:
    @app.cli.command("retention")
    @click.option("--dry-run", is_flag=True, help="Only report what would be anonymised.")
    def retention_command(dry_run: bool):
        """Anonymise enrolment and attendance details past their retention period."""
        plans = retention.plan()
        for plan in plans:
            click.echo(
                f"{plan.name or '(no organisation)'}: {plan.months} months "
                f"(before {plan.cutoff:%Y-%m-%d}): people {plan.people}, "
                f"enrolments {plan.enrolments}, attendance records {plan.attendance_records}, "
                f"event registrations {plan.event_registrations}, "
                f"career conversations {plan.career_conversations}"
            )
        if dry_run:
            click.echo("dry run: nothing changed")
            return
        counts = atomic(retention.run, None, None)
        click.echo(
            "anonymised: people {people}, enrolments {enrolments}, attendance records "
            "{attendance_records}, event registrations {event_registrations}, career "
            "conversations {career_conversations}".format(**counts)
        )
