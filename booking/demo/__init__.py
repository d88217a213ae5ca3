"""Demo data from the seed articles: a regional centre for Schiedam, Vlaardingen and Maassluis.

Dates are relative to today, so a fresh `make run` always shows a catalogue with coming sessions.
"""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from booking.accounts import second_factor
from booking.accounts.models import User
from booking.core.db import atomic
from booking.demo.advising import seed_advising
from booking.demo.attendance import seed_history
from booking.demo.catalogue import seed_catalogue
from booking.demo.certifications import seed_certifications
from booking.demo.enrolments import seed_enrolments
from booking.demo.evaluations import seed_evaluations
from booking.demo.events import seed_events
from booking.demo.people import DEMO_LOGINS, DEMO_PASSWORD, seed_people
from booking.demo.webinars import seed_webinars
from booking.extensions import db

__all__ = ["DEMO_PASSWORD", "register", "seed_demo"]


def seed_demo() -> bool:
    """Create the demo data once; returns False when it is already there."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_LOGINS[0][0])):
        return False
    organisations = seed_people()
    seed_catalogue(organisations)
    seed_enrolments()
    seed_events()
    seed_webinars()
    history = seed_history()
    seed_certifications()
    seed_advising()
    seed_evaluations(history)
    return True


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Fill an empty database with the demo centre, people and catalogue."""
        if atomic(seed_demo, attempts=1):
            click.echo(f"Demo data created. Every demo log-in uses the password {DEMO_PASSWORD}")
            roles = sorted(second_factor.required_roles())
            if roles:
                click.echo(
                    f"The roles {', '.join(roles)} set up two-step verification with an "
                    "authenticator app at their first log-in (TOTP_REQUIRED_ROLES= turns it off)."
                )
        else:
            click.echo("Demo data already present; nothing changed.")
