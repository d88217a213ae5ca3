"""People: administrators list, create and change them (role, organisation, team, education
level, language, active); HR contacts read their own organisation's people (another's
person is a 404). The rules are `booking.accounts.people`'; this module only translates
shapes. (`/people/{email}/certifications` is certifications'.)"""

from __future__ import annotations

from flask import url_for
from pydantic import Field, StrictBool, model_validator

from booking.accounts import people, queries
from booking.accounts.models import EducationLevel, Language, Role, User
from booking.accounts.services import user_by_email
from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import (
    Email,
    Id,
    Input,
    Output,
    Page,
    PageQuery,
    QueryId,
    QueryText,
    Text,
)
from booking.core.db import atomic
from booking.core.errors import ValidationError
from booking.extensions import db

TAG = "people"
READERS = "`forbidden`: administrators, and HR contacts for their own organisation, only."
WRITERS = "`not_admin`: administrators only."
PERSON_404 = "`person_not_found` (also someone of another organisation, for HR)."

# The services' field names as this API calls them.
_FIELD_NAMES = {"organisation": "organisation_id", "team": "team_id"}


class PersonIn(Input):
    email: Email
    name: Text = Field(max_length=200)
    role: Role = Role.PARTICIPANT
    organisation_id: Id | None = Field(
        None, description="Needed for participants, team leaders and HR contacts."
    )
    team_id: Id | None = Field(
        None, description="Of the organisation; a team leader leads this team."
    )
    education_level: EducationLevel | None = None
    language: Language = Language.NL


class PersonPatch(Input):
    """Only the fields given change. A new `organisation_id` without `team_id` leaves the
    old team. `active: false` ends the person's log-in sessions; they cannot log in and
    their tokens stop working until `active: true`."""

    name: Text | None = Field(None, max_length=200)
    role: Role | None = None
    organisation_id: Id | None = None
    team_id: Id | None = None
    education_level: EducationLevel | None = None
    language: Language | None = None
    active: StrictBool | None = None

    @model_validator(mode="after")
    def _not_null(self):
        for name in ("name", "role", "language", "active"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        return self


class PersonOut(Output):
    id: int
    email: str
    name: str
    role: Role
    organisation_id: int | None
    organisation: str | None = Field(description="Its name.")
    team_id: int | None
    team: str | None = Field(description="Its name.")
    education_level: EducationLevel | None
    language: Language
    active: bool
    password_set: bool = Field(description="False until the person has chosen a password.")


class PeopleQuery(PageQuery):
    q: QueryText | None = Field(None, description="Part of the name or e-mail address.")
    organisation: QueryId | None = Field(None, description="For HR: their own only.")
    team: QueryId | None = None
    role: Role | None = None
    active: bool | None = None


class PeopleList(Page):
    items: list[PersonOut]


def person_out(user: User) -> PersonOut:
    return PersonOut(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        organisation_id=user.organisation_id,
        organisation=user.organisation.name if user.organisation else None,
        team_id=user.team_id,
        team=user.team.name if user.team else None,
        education_level=user.education_level,
        language=user.language,
        active=user.active,
        password_set=bool(user.password_hash),
    )


def _renamed(error):
    error.fields = {_FIELD_NAMES.get(k, k): v for k, v in error.fields.items()}
    return error


@api(
    bp,
    "/people",
    "GET",
    summary="People",
    tag=TAG,
    auth="token",
    query=PeopleQuery,
    response=PeopleList,
    errors={403: READERS, 404: "`organisation_not_found`: HR asked for another organisation."},
)
def list_people(user, query: PeopleQuery):
    """By name, with filters; HR contacts see their own organisation's people only."""
    scope = people.people_scope(user, query.organisation)
    result = queries.people_page(
        queries.PeopleFilter(
            q=query.q or "",
            organisation_id=scope,
            team_id=query.team,
            role=query.role,
            active=query.active,
        ),
        page=query.page,
        per_page=query.per_page,
    )
    return reply(
        PeopleList(
            items=[person_out(p) for p in result.people],
            page=query.page,
            per_page=query.per_page,
            has_more=result.has_more,
            total=result.total,
        )
    )


@api(
    bp,
    "/people",
    "POST",
    summary="Add a person",
    tag=TAG,
    auth="admin",
    body=PersonIn,
    response=PersonOut,
    status=201,
    errors={
        403: WRITERS,
        422: "`email_taken` (change that person instead), `validation_failed` with `fields` "
        "(an address, a role that needs an organisation or a team, a team of another "
        "organisation, an unknown organisation or team), or an invalid body.",
    },
)
def create_person(user, body: PersonIn):
    """The person has no password yet."""
    data = people.PersonData(
        email=body.email,
        name=body.name,
        role=body.role,
        organisation_id=body.organisation_id,
        team_id=body.team_id,
        education_level=body.education_level,
        language=body.language,
    )
    try:
        new_id = atomic(lambda: people.create_person(data, actor=user).id)
    except ValidationError as error:
        raise _renamed(error)
    person = db.session.get(User, new_id)
    return reply(person_out(person), 201, location=url_for("api.get_person", email=person.email))


@api(
    bp,
    "/people/<email>",
    "GET",
    summary="One person",
    tag=TAG,
    auth="token",
    response=PersonOut,
    errors={403: READERS, 404: PERSON_404},
)
def get_person(user, email: str):
    """By e-mail address, in any case."""
    return reply(person_out(people.readable_person(user, user_by_email(email))))


@api(
    bp,
    "/people/<email>",
    "PATCH",
    summary="Change a person",
    tag=TAG,
    auth="admin",
    body=PersonPatch,
    response=PersonOut,
    errors={
        403: WRITERS,
        404: "`person_not_found`.",
        422: "`validation_failed` with `fields` (as for creating; an administrator's own "
        "`role` or `active`), or an invalid body.",
    },
)
def patch_person(user, email: str, body: PersonPatch):
    """Make someone a team leader (`role` and `team_id`), an HR contact (`role` and
    `organisation_id`), a career advisor, an organiser; deactivate or reactivate them."""
    changes = {name: getattr(body, name) for name in body.model_fields_set}

    def work() -> int:
        person = people.readable_person(user, user_by_email(email))
        return people.update_person(person, changes, actor=user).id

    try:
        person_id = atomic(work)
    except ValidationError as error:
        raise _renamed(error)
    return reply(person_out(db.session.get(User, person_id)))
