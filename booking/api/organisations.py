"""Organisations and their teams: administrators create and rename them and add teams; HR
contacts read their own organisation (another one is a 404). The rules are
`booking.accounts.people`'; this module only translates shapes."""

from __future__ import annotations

from flask import url_for
from pydantic import Field

from booking.accounts import people, queries
from booking.accounts.models import Organisation
from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Input, Output, Page, PageQuery, Text
from booking.core.db import atomic
from booking.extensions import db

TAG = "organisations"
READERS = "`forbidden`: administrators, and HR contacts for their own organisation, only."
WRITERS = "`not_admin`: administrators only."


class OrganisationIn(Input):
    name: Text = Field(max_length=200, description="Unique, whatever its case.")


class TeamIn(Input):
    name: Text = Field(max_length=200, description="Unique within the organisation.")


class TeamOut(Output):
    id: int
    name: str
    members: int = Field(description="People in the team (active or not).")


class TeamList(Output):
    items: list[TeamOut]


class OrganisationOut(Output):
    id: int
    name: str
    people: int = Field(description="Active people of the organisation.")
    teams: list[TeamOut]


class OrganisationList(Page):
    items: list[OrganisationOut]


def _team_outs(rows) -> list[TeamOut]:
    return [TeamOut(id=team.id, name=team.name, members=members) for team, members in rows]


def _teams(organisation_id: int) -> list[TeamOut]:
    return _team_outs(queries.teams_with_counts(organisation_id))


def organisation_out(organisation: Organisation, active: int | None = None, teams=None):
    if active is None:
        active = queries.active_people(organisation.id)
    return OrganisationOut(
        id=organisation.id,
        name=organisation.name,
        people=active,
        teams=_teams(organisation.id) if teams is None else _team_outs(teams),
    )


@api(
    bp,
    "/organisations",
    "GET",
    summary="Organisations",
    tag=TAG,
    auth="token",
    query=PageQuery,
    response=OrganisationList,
    errors={403: READERS},
)
def list_organisations(user, query: PageQuery):
    """Every member organisation by name, with its teams, for administrators; an HR
    contact's own organisation only."""
    scope = people.people_scope(user, None)
    rows = [
        (organisation, active)
        for organisation, _teams_count, active in queries.organisations_with_counts()
        if scope is None or organisation.id == scope
    ]
    chunk = rows[query.offset : query.offset + query.per_page]
    teams = queries.teams_of(o.id for o, _active in chunk)
    return reply(
        OrganisationList(
            items=[organisation_out(o, active, teams.get(o.id, [])) for o, active in chunk],
            page=query.page,
            per_page=query.per_page,
            has_more=query.offset + query.per_page < len(rows),
            total=len(rows),
        )
    )


@api(
    bp,
    "/organisations",
    "POST",
    summary="Add an organisation",
    tag=TAG,
    auth="admin",
    body=OrganisationIn,
    response=OrganisationOut,
    status=201,
    errors={
        403: WRITERS,
        422: "`name_taken` (an organisation has this name), `validation_failed` (an empty "
        "name), or an invalid body.",
    },
)
def create_organisation(user, body: OrganisationIn):
    new_id = atomic(lambda: people.create_organisation(body.name, actor=user).id)
    organisation = db.session.get(Organisation, new_id)
    return reply(
        organisation_out(organisation),
        201,
        location=url_for("api.get_organisation", organisation_id=new_id),
    )


@api(
    bp,
    "/organisations/<int:organisation_id>",
    "GET",
    summary="One organisation",
    tag=TAG,
    auth="token",
    response=OrganisationOut,
    errors={403: READERS, 404: "`organisation_not_found` (also another one's, for HR)."},
)
def get_organisation(user, organisation_id: int):
    """With its teams and their number of members."""
    organisation = people.readable_organisation(user, organisation_id)
    return reply(organisation_out(organisation))


@api(
    bp,
    "/organisations/<int:organisation_id>",
    "PATCH",
    summary="Rename an organisation",
    tag=TAG,
    auth="admin",
    body=OrganisationIn,
    response=OrganisationOut,
    errors={
        403: WRITERS,
        404: "`organisation_not_found`.",
        422: "`name_taken`, `validation_failed`, or an invalid body.",
    },
)
def patch_organisation(user, organisation_id: int, body: OrganisationIn):
    """Organisations are renamed, never removed: their people's history stays theirs."""
    atomic(people.rename_organisation, organisation_id, body.name, actor=user)
    return reply(organisation_out(db.session.get(Organisation, organisation_id)))


@api(
    bp,
    "/organisations/<int:organisation_id>/teams",
    "GET",
    summary="An organisation's teams",
    tag=TAG,
    auth="token",
    response=TeamList,
    errors={403: READERS, 404: "`organisation_not_found` (also another one's, for HR)."},
)
def list_teams(user, organisation_id: int):
    """By name, with their number of members."""
    organisation = people.readable_organisation(user, organisation_id)
    return reply(TeamList(items=_teams(organisation.id)))


@api(
    bp,
    "/organisations/<int:organisation_id>/teams",
    "POST",
    summary="Add a team",
    tag=TAG,
    auth="admin",
    body=TeamIn,
    response=TeamOut,
    status=201,
    errors={
        403: WRITERS,
        404: "`organisation_not_found`.",
        422: "`name_taken` (the organisation has a team with this name), "
        "`validation_failed`, or an invalid body.",
    },
)
def create_team(user, organisation_id: int, body: TeamIn):
    def work():
        team = people.create_team(organisation_id, body.name, actor=user)
        return TeamOut(id=team.id, name=team.name, members=0)

    answer = atomic(work)
    return reply(answer, 201, location=url_for("api.list_teams", organisation_id=organisation_id))
