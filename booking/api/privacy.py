"""A person's own data (`GET /me/export`) and erasure on request by an administrator
(`POST /people/{email}/erase`). The rules are `booking.privacy`'s; this module only
translates shapes."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Input, Output, Text
from booking.core.db import atomic
from booking.privacy import export, services

PRIVACY = "privacy"


class ExportOut(Output):
    exported_at: str
    person_id: int
    profile: dict[str, Any] = Field(description="Name, address, organisation, team, role...")
    enrolments: list[dict[str, Any]] = Field(
        description="Every place and waitlist position, with its offer and approval history "
        "as stored."
    )
    event_registrations: list[dict[str, Any]]
    career_conversations: list[dict[str, Any]] = Field(
        description="The bookings; not the advisor's private notes."
    )
    attendance: list[dict[str, Any]]
    assessment_results: list[dict[str, Any]]
    certifications: list[dict[str, Any]]
    messages: list[dict[str, Any]] = Field(
        description="The messages sent (or due) to the person: kind, subject, when, status."
    )
    api_tokens: list[dict[str, Any]] = Field(description="Names and dates; never a hash.")
    audit_about_me: list[dict[str, Any]]
    audit_by_me: list[dict[str, Any]]


@api(
    bp,
    "/me/export",
    "GET",
    summary="Everything held about me",
    tag=PRIVACY,
    auth="token",
    response=ExportOut,
)
def my_export(user):
    """The token owner's data, as on `/mijn/gegevens` (AVG articles 15 and 20)."""
    return reply(ExportOut(**export.jsonable(export.export(user.id))))


class EraseIn(Input):
    reference: Text | None = Field(
        None,
        max_length=100,
        description="The request's reference (a case number), kept in the audit entry; "
        "no personal data.",
    )


class ErasureOut(Output):
    user_id: int | None
    already_erased: bool = Field(description="True for a repeated request: nothing changed.")
    erased: dict[str, int] = Field(description="How many of each kind were erased or ended.")


@api(
    bp,
    "/people/<email>/erase",
    "POST",
    summary="Erase a person on request",
    tag=PRIVACY,
    auth="token",
    body=EraseIn,
    optional_body=True,
    response=ErasureOut,
    errors={
        403: "`not_admin`: administrators only.",
        404: "`person_not_found`.",
        409: "`erase_self`: an administrator cannot erase themselves.",
    },
)
def erase_person(user, email: str, body: EraseIn):
    """Places still to come are cancelled through the engine (waitlists move on), tokens
    revoked, unsent mail dropped, certificates withdrawn on erasure, name and address
    replaced; the rows stay so aggregate figures stay right. A repeat answers 200 with
    `already_erased`."""
    done = atomic(services.erase, email, actor=user, reference=body.reference)
    return reply(
        ErasureOut(user_id=done.user_id, already_erased=done.already_erased, erased=done.counts)
    )
