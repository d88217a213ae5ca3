"""`flask --app booking set-advisor EMAIL`: mark someone (an organiser, say) as a career
advisor, or change their profile; `--remove` takes the mark away. One unit of work."""

from __future__ import annotations

import click
from flask import Flask
from flask_babel import force_locale

from booking.accounts.models import Role, User
from booking.advising import advisors
from booking.core.db import atomic
from booking.core.errors import DomainError
from booking.extensions import db

SYSTEM = User(id=None, email="cli@localhost", name="command line", role=Role.ADMIN)


def register(app: Flask) -> None:
    @app.cli.command("set-advisor")
    @click.argument("email")
    @click.option("--meeting-url", default=None, help="Meeting link of online conversations.")
    @click.option("--location", default="", help="Where the advisor usually is.")
    @click.option("--bio", default="", help="A few lines about the advisor.")
    @click.option("--remove", is_flag=True, help="No longer an advisor (slots stay).")
    def set_advisor(email: str, meeting_url, location: str, bio: str, remove: bool) -> None:
        """Mark a person as a career advisor (or change their profile)."""
        with force_locale("en"):
            try:
                if remove:
                    atomic(advisors.retire_advisor, email, actor=SYSTEM)
                    click.echo(f"{email.strip().lower()} is no longer a career advisor.")
                    return
                data = advisors.ProfileData(meeting_url, bio, location)
                atomic(advisors.set_advisor, email, data, actor=SYSTEM)
            except DomainError as error:
                db.session.rollback()
                for name, message in (error.fields or {"error": error.message}).items():
                    click.echo(f"{name}: {message}", err=True)
                raise click.exceptions.Exit(1)
        click.echo(f"{email.strip().lower()} is a career advisor.")
