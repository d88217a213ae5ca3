"""Command-line tools for people: import from CSV, create users, invitations, set passwords,
API tokens.

Each command is one unit of work (`booking.core.db.atomic`): it commits once at the end, or
rolls back when it fails. Messages go
to stderr, results to stdout; exit status 1 means a refused person or row, 2 an unusable file.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click
from flask import Flask
from flask_babel import force_locale

from booking.accounts import importer, onboarding, second_factor, services
from booking.accounts.models import EducationLevel, Role
from booking.core.db import atomic
from booking.core.errors import ValidationError
from booking.extensions import db

CLI_LOCALE = "en"


def _in_english(command):
    """Service messages are lazy Flask-Babel strings, and the locale selector looks at the
    request (none on the command line): fix the locale for the whole command."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with force_locale(CLI_LOCALE):
            return command(*args, **kwargs)

    return wrapper


def _fail(message: str, status: int = 1) -> None:
    db.session.rollback()
    click.echo(message, err=True)
    raise click.exceptions.Exit(status)


def _echo_errors(error: ValidationError) -> None:
    fields = error.fields or {"error": error.message}
    for name, message in fields.items():
        click.echo(f"{name}: {message}", err=True)


def _person(email: str):
    user = services.user_by_email(email)
    if user is None:
        _fail(f"No person with e-mail address {email.strip()!r}.")
    return user


def register(app: Flask) -> None:
    @app.cli.command("import-users")
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option(
        "--create-organisations",
        is_flag=True,
        help="Create organisations the file names that do not exist yet.",
    )
    @click.option("--dry-run", is_flag=True, help="Check and report, but write nothing.")
    @click.option(
        "--no-invite",
        is_flag=True,
        help="Send the people the file creates no invitation to choose a password.",
    )
    @_in_english
    def import_users(
        file: Path, create_organisations: bool, dry_run: bool, no_invite: bool
    ) -> None:
        """Create or update people from a CSV file (UTF-8; comma or semicolon separated).

        Columns (header row, any order): email, name, organisation, team, role,
        education_level. Running the same file again changes nothing. Bad rows are reported
        as 'line N: field: message' and skipped; the good rows are imported. Every person the
        file creates gets an invitation mail to choose a password (not with --no-invite, nor
        in a dry run). Exit status 1 when a row was rejected, 2 when the file cannot be used.
        """
        try:
            parsed = importer.read_csv_file(file)
        except importer.ImportFileError as error:
            _fail(f"Error: {error}", 2)
        for warning in parsed.warnings:
            click.echo(f"warning: {warning}", err=True)
        with click.progressbar(
            length=len(parsed.rows), label="Importing people", file=sys.stderr
        ) as bar:
            apply = functools.partial(
                importer.apply_rows,
                parsed.rows,
                create_organisations=create_organisations,
                on_row=lambda: bar.update(1),
                invite=not (no_invite or dry_run),
            )
            if dry_run:
                report = apply()
                db.session.rollback()
            else:
                report = atomic(apply, attempts=1)  # one pass over the file, one commit
        for problem in report.problems:
            click.echo(str(problem), err=True)
        for name in report.new_organisations:
            click.echo(f"new organisation: {name}")
        for name in report.new_teams:
            click.echo(f"new team: {name}")
        if dry_run:
            click.echo("Dry run: nothing was written.")
        if report.invited:
            click.echo(f"invitations sent: {report.invited}")
        click.echo(report.summary())
        if report.rejected:
            raise click.exceptions.Exit(1)

    @app.cli.command("create-token")
    @click.argument("email")
    @click.option(
        "--name", default="API", show_default=True, help="A label to recognise the token by."
    )
    @click.option(
        "--days",
        default=services.TOKEN_DEFAULT_DAYS,
        show_default=True,
        type=click.IntRange(1, services.TOKEN_MAX_DAYS),
        help="How many days the token works.",
    )
    @_in_english
    def create_token(email: str, name: str, days: int) -> None:
        """Print a new API token for a person (shown once, on the last line of the output)."""
        user = _person(email)
        token, plain = atomic(services.create_api_token, user, name, days=days)
        if not user.active:
            click.echo(
                "warning: this person is inactive; the token works only once they are "
                "active again.",
                err=True,
            )
        click.echo(
            f"API token {token.name!r} (id {token.id}) for {user.email}, valid until "
            f"{token.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only this once:"
        )
        click.echo(plain)

    @app.cli.command("reset-second-factor")
    @click.argument("email")
    @_in_english
    def reset_second_factor(email: str) -> None:
        """Forget a person's authenticator app and recovery codes (they lost both).

        Their log-in sessions end; a role that requires two-step verification sets it up
        again at the next log-in, anyone else logs in with the password alone.
        """
        user = _person(email)

        def work():
            second_factor.remove(user)
            services.end_all_sessions(user)

        atomic(work)
        click.echo(f"Two-step verification reset for {user.email}.")

    @app.cli.command("set-password")
    @click.argument("email")
    @click.option(
        "--password-stdin",
        is_flag=True,
        help="Read the password from the first line of standard input.",
    )
    @_in_english
    def set_password(email: str, password_stdin: bool) -> None:
        """Set a person's password (ends their existing log-in sessions)."""
        user = _person(email)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        try:
            atomic(services.set_password, user, password)
        except ValidationError as error:
            _fail(f"Password refused: {error.message}")
        click.echo(f"Password set for {user.email}.")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", required=True, help="Full name.")
    @click.option(
        "--role", required=True, type=click.Choice([r.value for r in Role], case_sensitive=False)
    )
    @click.option("--organisation", default="", help="Name of an existing organisation.")
    @click.option("--team", default="", help="Team within the organisation (created if new).")
    @click.option(
        "--education-level",
        default="",
        type=click.Choice(["", *(level.value for level in EducationLevel)], case_sensitive=False),
    )
    @click.option(
        "--password-stdin",
        is_flag=True,
        help="Set the password from the first line of standard input (then no invitation).",
    )
    @click.option(
        "--no-invite", is_flag=True, help="Send a new person no invitation to choose a password."
    )
    @_in_english
    def create_user(
        email: str,
        name: str,
        role: str,
        organisation: str,
        team: str,
        education_level: str,
        password_stdin: bool,
        no_invite: bool,
    ) -> None:
        """Create or update one person (for example the first administrator).

        A new person gets an invitation mail to choose a password, unless --no-invite or
        --password-stdin is given.
        """
        password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None

        def work():
            saved = importer.save_named_person(
                email=email,
                name=name,
                role=role,
                organisation=organisation,
                team=team,
                education_level=education_level,
            )
            invited = None
            if password is not None:
                services.set_password(saved.user, password)
            elif not no_invite and saved.outcome == "created":
                invited = onboarding.send_invitation(saved.user)
            return saved, invited

        try:
            saved, invited = atomic(work)
        except ValidationError as error:
            _echo_errors(error)
            raise click.exceptions.Exit(1)
        user = saved.user
        if saved.new_team:
            click.echo(f"new team: {saved.new_team}")
        where = ", ".join(
            p
            for p in (
                user.organisation.name if user.organisation else "",
                user.team.name if user.team else "",
            )
            if p
        )
        click.echo(
            f"{saved.outcome} {user.email}: {user.name}, {user.role}"
            + (f" ({where})" if where else "")
        )
        if password is not None:
            click.echo(f"Password set for {user.email}.")
        elif invited is not None:
            click.echo(
                f"Invitation sent to {user.email}: a link to choose a password, "
                f"valid until {invited.expires_at:%Y-%m-%d %H:%M} UTC."
            )
        elif not user.password_hash:
            click.echo(
                f"No password yet: flask --app booking invite {user.email} "
                f"(or set-password {user.email})"
            )

    @app.cli.command("invite")
    @click.argument("email")
    @_in_english
    def invite(email: str) -> None:
        """Send a person an invitation to choose a password (again): a new link, valid
        INVITATION_DAYS days; the previous unused one stops working."""
        user = _person(email)
        try:
            token = atomic(onboarding.send_invitation, user)
        except ValidationError as error:
            _fail(f"No invitation sent: {error.message}")
        click.echo(
            f"Invitation sent to {user.email}: a link to choose a password, "
            f"valid until {token.expires_at:%Y-%m-%d %H:%M} UTC."
        )
