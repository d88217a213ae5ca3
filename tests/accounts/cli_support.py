"""Support for the command-line tests: run a command as `flask --app booking ...` would, and
read back only what it committed (through a fresh session)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from booking.accounts.models import Organisation, Team, User
from booking.extensions import db


class Cli:
    def __init__(self, app):
        self.runner = app.test_cli_runner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = None):
        result = self.runner.invoke(args=list(args), input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # a traceback is a failure, whatever the exit status
        if code is not None:
            assert result.exit_code == code, (result.exit_code, result.output)
        # Forget the shared session: what the tests read next is what was committed.
        db.session.remove()
        return result


def write_file(folder: Path, text: str | bytes, name: str = "people.csv") -> str:
    """Write a str as UTF-8 exactly as given (newlines untouched), or bytes as they are."""
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


def users() -> dict[str, User]:
    return {u.email: u for u in db.session.scalars(select(User))}


def teams() -> dict[tuple[str, str], Team]:
    return {(t.organisation.name, t.name): t for t in db.session.scalars(select(Team))}


def organisations() -> list[str]:
    return sorted(db.session.scalars(select(Organisation.name)))
