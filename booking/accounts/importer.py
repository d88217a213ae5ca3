"""Importing people from a CSV file (an HR export), usable from the CLI or any other caller.

Reading and applying are separate steps: `read_csv_file`/`parse_csv` check the file as a whole
(encoding, separator, header) and raise `ImportFileError` before anything is written;
`apply_rows` then saves row by row, each in its own savepoint, so a bad row is reported and
skipped while the good ones stay in the caller's one transaction. The caller commits (or rolls
back for a dry run).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError, IntegrityError

from booking.accounts import onboarding, people, services
from booking.accounts.models import Organisation, User
from booking.core.errors import ValidationError
from booking.core.models import audit
from booking.extensions import db

COLUMNS = ("email", "name", "organisation", "team", "role", "education_level")
NAME_MAX = 200  # organisations.name and teams.name are VARCHAR(200)


class ImportFileError(Exception):
    """The file as a whole cannot be used (unreadable, not UTF-8, no usable header)."""


@dataclass(frozen=True)
class Row:
    line: int  # physical line where the record starts; the header is line 1
    values: dict[str, str]  # the known columns, trimmed
    problems: dict[str, str] = field(default_factory=dict)  # found while parsing


@dataclass
class ParsedFile:
    rows: list[Row]
    warnings: list[str]
    delimiter: str


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass
class Saved:
    user: User
    outcome: str  # 'created', 'updated' or 'unchanged'
    new_organisation: str | None = None
    new_team: str | None = None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    new_teams: list[str] = field(default_factory=list)  # "Team (Organisation)"
    outcomes: list[tuple[int, str, str]] = field(default_factory=list)  # line, email, outcome
    invited: int = 0  # invitations sent to created people (apply_rows(invite=True))

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )


# -- reading --------------------------------------------------------------------------------------


def read_csv_file(path: str | Path) -> ParsedFile:
    """Read and parse a file; every reason it cannot be used becomes an ImportFileError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(
            str(
                _l(
                    "cannot read %(path)s: %(reason)s",
                    path=str(path),
                    reason=error.strerror or error,
                )
            )
        )
    return parse_csv(data, source=str(path))


def parse_csv(data: bytes, *, source: str = "the file") -> ParsedFile:
    """Decode (UTF-8, BOM optional), pick the separator from the header, map the columns."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            str(
                _l(
                    "%(source)s is not UTF-8 text (byte 0x%(byte)02x on line %(line)d); "
                    "save it as 'CSV UTF-8'",
                    source=source,
                    byte=data[error.start],
                    line=line,
                )
            )
        )
    if not text.strip():
        raise ImportFileError(
            str(
                _l(
                    "%(source)s is empty: expected a header row naming the columns %(columns)s",
                    source=source,
                    columns=", ".join(COLUMNS),
                )
            )
        )
    if "\x00" in text:  # UTF-16 without a byte order mark decodes as UTF-8 with NULs
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFileError(
            str(
                _l(
                    "%(source)s contains NUL characters (line %(line)d), so it is not a text file; "
                    "save it as 'CSV UTF-8'",
                    source=source,
                    line=line,
                )
            )
        )
    delimiter = _delimiter(text)
    # strict: an unclosed quote is an error at its line, not the rest of the file in one field
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = _records(reader, source)
    header_line, header = next(((n, r) for n, r in records if any(c.strip() for c in r)), (0, []))
    if not header:
        raise ImportFileError(str(_l("%(source)s has no header row", source=source)))
    index, warnings = _map_header(header, header_line)
    rows = []
    for line, record in records:
        if not any(value.strip() for value in record):
            continue  # blank lines and Excel's trailing ";;;;;" rows
        values = {name: (record[i].strip() if i < len(record) else "") for name, i in index.items()}
        problems = {}
        if len(record) > len(header) and any(v.strip() for v in record[len(header) :]):
            problems["row"] = str(
                _l(
                    "%(found)d fields where the header has %(expected)d; "
                    "does a value contain the separator without quotes?",
                    found=len(record),
                    expected=len(header),
                )
            )
        rows.append(Row(line=line, values=values, problems=problems))
    return ParsedFile(rows=rows, warnings=warnings, delimiter=delimiter)


def _delimiter(text: str) -> str:
    """Dutch Excel writes semicolons, most other tools commas: the header line tells which."""
    header = next(line for line in text.splitlines() if line.strip())
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _records(reader, source: str):
    """Yield (line where the record starts, fields); quoted newlines are counted correctly."""
    end = 0
    try:
        for record in reader:
            yield end + 1, record
            end = reader.line_num
    except csv.Error as error:
        raise ImportFileError(
            str(
                _l(
                    "%(source)s, line %(line)d: cannot be read as CSV: "
                    "%(reason)s (a quote that is never closed?)",
                    source=source,
                    line=end + 1,
                    reason=error,
                )
            )
        )


def _map_header(header: list[str], line: int) -> tuple[dict[str, int], list[str]]:
    index: dict[str, int] = {}
    warnings = []
    for position, raw in enumerate(header):
        key = "_".join(raw.strip().lower().replace("-", " ").split())
        if not key:
            continue
        if key in COLUMNS:
            if key in index:
                raise ImportFileError(
                    str(
                        _l(
                            "the header (line %(line)d) names column %(column)s twice",
                            line=line,
                            column=key,
                        )
                    )
                )
            index[key] = position
        else:
            warnings.append(
                str(
                    _l(
                        "ignoring column %(column)r: not one of %(columns)s",
                        column=raw.strip(),
                        columns=", ".join(COLUMNS),
                    )
                )
            )
    missing = [name for name in COLUMNS if name not in index]
    if missing:
        raise ImportFileError(
            str(
                _l(
                    "the header (line %(line)d) lacks the column(s) %(missing)s; "
                    "it needs %(columns)s and has %(found)s",
                    line=line,
                    missing=", ".join(missing),
                    columns=", ".join(COLUMNS),
                    found=", ".join(h.strip() for h in header) or "-",
                )
            )
        )
    return index, warnings


# -- applying -------------------------------------------------------------------------------------


def apply_rows(
    rows: Iterable[Row],
    *,
    create_organisations: bool = False,
    on_row: Callable[[], None] | None = None,
    actor: User | None = None,
    invite: bool = False,
) -> ImportReport:
    """Save every good row and report the bad ones; nothing is committed here. Every person
    created or changed is audited under `actor` (None on the command line). With `invite`,
    every person the file creates is sent an invitation to choose a password (in the same
    transaction: a rolled-back import sends nothing).

    A person may appear once per file: a later row with the same address is rejected, naming the
    earlier line, instead of silently overwriting it.
    """
    report = ImportReport()
    first_line: dict[str, int] = {}
    for row in rows:
        errors = dict(row.problems)
        email = ""
        try:
            email = services.normalise_email(row.values["email"])
        except ValidationError as error:
            errors["email"] = str(error.message)
        if email and email in first_line:
            errors["email"] = str(_l("duplicate of line %(line)d", line=first_line[email]))
        elif email:
            first_line[email] = row.line
        _apply_row(row, errors, create_organisations, report, actor, invite)
        if on_row is not None:
            on_row()
    return report


def _apply_row(
    row: Row,
    errors: dict,
    create_organisations: bool,
    report: ImportReport,
    actor: User | None,
    invite: bool,
) -> None:
    values = row.values
    try:
        saved = save_named_person(
            email=values["email"],
            name=values["name"],
            role=values["role"],
            organisation=values["organisation"],
            team=values["team"],
            education_level=values["education_level"],
            create_organisations=create_organisations,
            errors=errors,
            actor=actor,
        )
    except ValidationError as error:
        _reject(report, row.line, error.fields or {"row": error.message})
        return
    except (IntegrityError, DataError) as error:  # e.g. the same person added meanwhile
        reason = type(getattr(error, "orig", None) or error).__name__
        _reject(
            report,
            row.line,
            {"row": _l("the database refused this row (%(reason)s)", reason=reason)},
        )
        return
    setattr(report, saved.outcome, getattr(report, saved.outcome) + 1)
    report.outcomes.append((row.line, saved.user.email, saved.outcome))
    if invite and saved.outcome == "created":
        onboarding.send_invitation(saved.user, sender=actor)
        report.invited += 1
    if saved.new_organisation:
        report.new_organisations.append(saved.new_organisation)
    if saved.new_team:
        report.new_teams.append(saved.new_team)


def _reject(report: ImportReport, line: int, errors: dict) -> None:
    report.rejected += 1
    order = {name: i for i, name in enumerate(("row", *COLUMNS))}
    for name in sorted(errors, key=lambda f: order.get(f, len(order))):
        report.problems.append(RowProblem(line, name, str(errors[name])))


def save_named_person(
    *,
    email: str,
    name: str,
    role: str,
    organisation: str | None,
    team: str | None,
    education_level: str | None,
    create_organisations: bool = False,
    errors: dict | None = None,
    actor: User | None = None,
) -> Saved:
    """services.save_person for data that names its organisation and team (a file, the CLI).

    Resolves the names (creating the team, and the organisation when asked), reports every
    problem of the person at once as one ValidationError (adding to `errors` found earlier), and
    runs in a savepoint, so a refused person leaves no team or organisation behind. A new
    person goes through `people.person_created`, a changed one is audited.
    """
    errors = dict(errors or {})
    name = " ".join((name or "").split())  # a line break typed in an Excel cell is a space
    role = (role or "").strip().lower()
    level = (education_level or "").strip().lower() or None
    org_name = " ".join((organisation or "").split())
    team_name = " ".join((team or "").split())
    with db.session.begin_nested():
        org, new_org = _organisation(org_name, create_organisations, errors, actor)
        team_obj, new_team = None, False
        if len(team_name) > NAME_MAX:
            errors.setdefault("team", _l("Use at most %(n)d characters.", n=NAME_MAX))
        elif team_name and org is not None:
            new_team = services.team_by_name(org, team_name) is None
            team_obj = services.get_or_create_team(org, team_name)
            if new_team:
                audit(
                    actor,
                    "team.created",
                    team_obj,
                    after={"name": team_obj.name, "organisation_id": org.id},
                )
        elif team_name and not org_name:
            errors.setdefault("team", _l("A team needs an organisation."))
        try:
            services.check_person(
                email=email,
                name=name,
                role=role,
                organisation=org,
                team=team_obj,
                education_level=level,
            )
        except ValidationError as error:
            for key, message in error.fields.items():
                # Skip what only follows from a name that could not be resolved (said already).
                unresolved = (key == "organisation" and org_name) or (
                    key == "team" and team_name and team_obj is None
                )
                if key not in errors and not unresolved:
                    errors[key] = message
        if errors:
            raise ValidationError(next(iter(errors.values())), fields=errors)
        existing = services.user_by_email(email)
        before = people.snapshot(existing) if existing is not None else None
        user, outcome = services.save_person(
            email=email,
            name=name,
            role=role,
            organisation=org,
            team=team_obj,
            education_level=level,
        )
        if outcome == "created":
            people.person_created(user, actor=actor)
        elif outcome == "updated":
            people.person_updated(user, before, actor=actor)
    return Saved(
        user,
        outcome,
        new_organisation=org.name if new_org else None,
        new_team=f"{team_obj.name} ({org.name})" if new_team else None,
    )


def _organisation(
    name: str, create: bool, errors: dict, actor: User | None
) -> tuple[Organisation | None, bool]:
    if not name:
        return None, False
    if len(name) > NAME_MAX:
        errors.setdefault("organisation", _l("Use at most %(n)d characters.", n=NAME_MAX))
        return None, False
    found = services.organisation_by_name(name)
    if found is not None:
        return found, False
    if not create:
        errors.setdefault("organisation", _l("unknown organisation %(name)s", name=name))
        return None, False
    created = Organisation(name=name)
    db.session.add(created)
    db.session.flush()
    audit(actor, "organisation.created", created, after={"name": name})
    return created, True
