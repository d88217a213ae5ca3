"""Administrators' rules for organisations, teams and people, and who may read them.

The pages (`admin_views`), the API (`api.organisations`, `api.people`) and the CSV import
(`importer`) all call these, so they refuse the same things. Every change is audited with its
before and after. Administrators write; HR contacts read their own organisation only, and
another organisation's people are "not found" to them (invariant 7).

A new person is born in `person_created`, whichever way they came in (page, API, CSV upload,
`import-users`, `create-user`): the one place that welcomes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from booking.accounts import onboarding, services
from booking.accounts.models import Organisation, PeopleImport, Role, Team, User
from booking.accounts.signals import role_changed
from booking.core.db import utcnow
from booking.core.errors import Conflict, NotFound, PermissionDenied, ValidationError, collect
from booking.core.models import audit
from booking.extensions import db

NAME_MAX = 200
PERSON_FIELDS = (
    "name",
    "role",
    "organisation_id",
    "team_id",
    "education_level",
    "language",
    "active",
)


# -- who may -------------------------------------------------------------------------------------


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == Role.ADMIN


def require_admin(actor: User | None) -> None:
    if not is_admin(actor):
        raise PermissionDenied(_l("Only administrators may do this."), code="not_admin")


def _reader_only(actor: User | None) -> None:
    if actor is None or actor.role not in (Role.ADMIN, Role.HR):
        raise PermissionDenied(
            _l("Only administrators and HR contacts may see this."), code="forbidden"
        )


def _no_organisation() -> NotFound:
    message = _l("No such organisation.")
    return NotFound(message, code="organisation_not_found", fields={"organisation": message})


def _no_person() -> NotFound:
    return NotFound(_l("No such person."), code="person_not_found")


def readable_organisation(actor: User | None, organisation_id: int | None) -> Organisation:
    """An organisation the reader may see: any for administrators, their own for HR (another
    one is not found, so its existence is not revealed); others are refused."""
    _reader_only(actor)
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or (actor.role == Role.HR and organisation.id != actor.organisation_id):
        raise _no_organisation()
    return organisation


def people_scope(actor: User | None, organisation_id: int | None) -> int | None:
    """The organisation a list of people is limited to: the asked one for administrators
    (None: everyone), always their own for HR."""
    _reader_only(actor)
    if actor.role == Role.HR:
        if organisation_id is not None and organisation_id != actor.organisation_id:
            raise _no_organisation()
        if actor.organisation_id is None:
            raise _no_organisation()
        return actor.organisation_id
    return organisation_id


def readable_person(actor: User | None, person: User | None) -> User:
    """A person the reader may see: anyone for administrators, their organisation's people
    for HR; another organisation's person is not found."""
    _reader_only(actor)
    if person is None or (
        actor.role == Role.HR
        and (actor.organisation_id is None or person.organisation_id != actor.organisation_id)
    ):
        raise _no_person()
    return person


# -- names ---------------------------------------------------------------------------------------


def _clean_name(raw: str | None, field: str = "name") -> str:
    name = " ".join((raw or "").split())
    if not name:
        message = _l("Enter a name.")
    elif len(name) > NAME_MAX:
        message = _l("Use at most %(n)d characters.", n=NAME_MAX)
    else:
        return name
    raise ValidationError(message, fields={field: message})


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise _no_organisation()
    return organisation


def _team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        message = _l("No such team.")
        raise NotFound(message, code="team_not_found", fields={"team": message})
    return team


# -- organisations -------------------------------------------------------------------------------


def _check_organisation_name(name: str, organisation_id: int | None) -> None:
    other = services.organisation_by_name(name)
    if other is not None and other.id != organisation_id:
        message = _l("There is an organisation with this name already.")
        raise ValidationError(message, code="name_taken", fields={"name": message})


def create_organisation(name: str, *, actor: User) -> Organisation:
    """A new member organisation; names are unique (whatever their case)."""
    require_admin(actor)
    name = _clean_name(name)
    _check_organisation_name(name, None)
    organisation = Organisation(name=name)
    db.session.add(organisation)
    db.session.flush()
    audit(actor, "organisation.created", organisation, after={"name": name})
    return organisation


def rename_organisation(organisation_id: int, name: str, *, actor: User) -> Organisation:
    """Organisations are renamed, never removed: their people's history stays theirs."""
    require_admin(actor)
    organisation = _organisation(organisation_id)
    name = _clean_name(name)
    _check_organisation_name(name, organisation.id)
    if organisation.name != name:
        before = {"name": organisation.name}
        organisation.name = name
        db.session.flush()
        audit(actor, "organisation.renamed", organisation, before=before, after={"name": name})
    return organisation


# -- teams ---------------------------------------------------------------------------------------


def _check_team_name(organisation: Organisation, name: str, team_id: int | None) -> None:
    other = services.team_by_name(organisation, name)
    if other is not None and other.id != team_id:
        message = _l("This organisation has a team with this name already.")
        raise ValidationError(message, code="name_taken", fields={"name": message})


def create_team(organisation_id: int, name: str, *, actor: User) -> Team:
    require_admin(actor)
    organisation = _organisation(organisation_id)
    name = _clean_name(name)
    _check_team_name(organisation, name, None)
    team = Team(organisation=organisation, name=name)
    db.session.add(team)
    db.session.flush()
    audit(actor, "team.created", team, after={"name": name, "organisation_id": organisation.id})
    return team


def rename_team(team_id: int, name: str, *, actor: User) -> Team:
    require_admin(actor)
    team = _team(team_id)
    name = _clean_name(name)
    _check_team_name(team.organisation, name, team.id)
    if team.name != name:
        before = {"name": team.name}
        team.name = name
        db.session.flush()
        audit(actor, "team.renamed", team, before=before, after={"name": name})
    return team


def _references(table_name: str, row_id: int) -> list[str]:
    """The other tables whose rows name this row (found in the metadata, so that accounts
    need not know the features above it that point at a team)."""
    found = []
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == table_name and table.name != table_name:
                count = db.session.scalar(
                    select(func.count()).select_from(table).where(key.parent == row_id)
                )
                if count:
                    found.append(table.name)
    return found


def remove_team(team_id: int, *, actor: User) -> None:
    """Only an empty team goes: no members, and nothing else (a closed session, an in-company
    request) that names it."""
    require_admin(actor)
    team = _team(team_id)
    used = _references("teams", team.id)
    if "users" in used:
        raise Conflict(
            _l("Only an empty team can be removed: move its members to another team first."),
            code="team_not_empty",
        )
    if used:
        raise Conflict(
            _l("This team is named by sessions or requests, so it cannot be removed."),
            code="team_in_use",
        )
    audit(
        actor,
        "team.removed",
        team,
        before={"name": team.name, "organisation_id": team.organisation_id},
    )
    db.session.delete(team)
    db.session.flush()


# -- people --------------------------------------------------------------------------------------


def snapshot(user: User) -> dict:
    """A person as the audit log records them."""
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "organisation_id": user.organisation_id,
        "team_id": user.team_id,
        "education_level": user.education_level,
        "language": user.language,
        "active": user.active,
    }


@dataclass
class PersonData:
    email: str
    name: str
    role: str
    organisation_id: int | None = None
    team_id: int | None = None
    education_level: str | None = None
    language: str | None = None


def _resolve(organisation_id: int | None, team_id: int | None, errors: dict):
    """The organisation and team named by id; a team alone names its organisation too."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and organisation is None:
        errors["organisation"] = _l("No such organisation.")
    team = db.session.get(Team, team_id) if team_id else None
    if team_id and team is None:
        errors["team"] = _l("No such team.")
    if team is not None and organisation is None and not organisation_id:
        organisation = team.organisation
    return organisation, team


def _checked(values: dict, errors: dict) -> tuple[str, Organisation | None, Team | None]:
    organisation, team = _resolve(values["organisation_id"], values["team_id"], errors)
    try:
        email = services.check_person(
            email=values["email"],
            name=values["name"],
            role=values["role"],
            organisation=organisation,
            team=team,
            education_level=values["education_level"] or None,
            language=values["language"] or None,
        )
    except ValidationError as error:
        for key, message in error.fields.items():
            errors.setdefault(key, message)
        email = ""
    collect(errors)
    return email, organisation, team


def person_created(user: User, *, actor: User | None, invite: bool = False) -> None:
    """A person came into being (the pages, the API, a CSV file, the command line): audited
    here; with `invite`, mailed a link to choose a password (`onboarding.send_invitation`).
    The import and `create-user` send theirs themselves, as their options say."""
    audit(actor, "person.created", user, after=snapshot(user))
    if invite:
        onboarding.send_invitation(user, sender=actor)


def person_updated(user: User, before: dict, *, actor: User | None) -> None:
    """Audit what changed of a person, and tell the features above accounts of a new role."""
    after = snapshot(user)
    changed = [key for key in after if before.get(key) != after[key]]
    if not changed:
        return
    audit(
        actor,
        "person.updated",
        user,
        before={key: before.get(key) for key in changed},
        after={key: after[key] for key in changed},
    )
    if "role" in changed:
        role_changed.send(user, before=before.get("role"), actor=actor)


def create_person(data: PersonData, *, actor: User) -> User:
    """A new person (no password yet). An address in use is refused: change that person."""
    require_admin(actor)
    values = {
        "email": data.email,
        "name": data.name,
        "role": data.role,
        "organisation_id": data.organisation_id,
        "team_id": data.team_id,
        "education_level": data.education_level,
        "language": data.language,
    }
    errors: dict = {}
    email, organisation, team = _checked(values, errors)
    if services.user_by_email(email) is not None:
        message = _l("Someone has this e-mail address already.")
        raise ValidationError(message, code="email_taken", fields={"email": message})
    user, _outcome = services.save_person(
        email=email,
        name=data.name,
        role=data.role,
        organisation=organisation,
        team=team,
        education_level=data.education_level or None,
        language=data.language or None,
    )
    person_created(user, actor=actor, invite=True)
    return user


def person(person_id: int) -> User:
    found = db.session.get(User, person_id)
    if found is None:
        raise _no_person()
    return found


def update_person(user: User, changes: dict, *, actor: User) -> User:
    """Change some of a person's `PERSON_FIELDS` (the others stay). A new organisation
    without a team named leaves the old organisation's team. Administrators cannot take their
    own role or access away, so there is always one left to put things right."""
    require_admin(actor)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not a person's field: {sorted(unknown)}")
    before = snapshot(user)
    values = {**before, **changes}
    moved = values["organisation_id"] != before["organisation_id"]
    if moved and "team_id" not in changes:
        values["team_id"] = None
    errors: dict = {}
    if user.id == actor.id and values["role"] != Role.ADMIN:
        errors["role"] = _l("You cannot take away your own administrator role.")
    if user.id == actor.id and values["active"] is False:
        errors["active"] = _l("You cannot deactivate yourself.")
    _email, organisation, team = _checked(values, errors)
    user.name = values["name"].strip()
    user.role = values["role"]
    user.organisation = organisation
    user.team = team
    user.education_level = values["education_level"] or None
    user.language = values["language"] or user.language
    if values["active"] != user.active:
        user.active = bool(values["active"])
        if not user.active:
            services.end_all_sessions(user)  # every log-in session ends; tokens stop working
    db.session.flush()
    person_updated(user, before, actor=actor)
    return user


def set_active(user: User, active: bool, *, actor: User) -> User:
    """An inactive person cannot log in and their sessions end; reactivating brings them back
    with everything they had."""
    return update_person(user, {"active": bool(active)}, actor=actor)


# -- CSV uploads ---------------------------------------------------------------------------------


def keep_for() -> timedelta:
    return timedelta(minutes=current_app.config["PEOPLE_IMPORT_KEEP_MINUTES"])


def keep_upload(filename: str, content: bytes, create_organisations: bool, *, actor: User):
    """Keep an uploaded file for its import; older uploads are purged on the way."""
    require_admin(actor)
    purge_uploads(utcnow())
    upload = PeopleImport(
        uploaded_by_id=actor.id,
        filename=(filename or "upload.csv")[:255],
        content=content,
        create_organisations=create_organisations,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def upload_of(upload_id: int, *, actor: User, now: datetime | None = None) -> PeopleImport:
    """The administrator's own upload, while it is kept; anyone else's is not found."""
    require_admin(actor)
    upload = db.session.get(PeopleImport, upload_id)
    now = now or utcnow()
    if upload is None or upload.uploaded_by_id != actor.id or upload.created_at < now - keep_for():
        raise NotFound(
            _l("This upload is no longer kept: choose the file again."), code="upload_not_found"
        )
    return upload


def forget_upload(upload: PeopleImport) -> None:
    db.session.delete(upload)


def purge_uploads(now: datetime) -> int:
    """Remove uploads older than PEOPLE_IMPORT_KEEP_MINUTES (also a periodic duty)."""
    result = db.session.execute(
        delete(PeopleImport).where(PeopleImport.created_at < now - keep_for())
    )
    return result.rowcount or 0
