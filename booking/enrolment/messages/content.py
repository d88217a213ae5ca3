"""What one enrolment message says: the values its templates show and the links it carries.

`EnrolmentMessages` is the family notifications renders these kinds with (notifications.registry):
`load` is context.load (the whole batch in a fixed number of queries), `describe` turns one
message into template variables and subject parameters, reading only the loaded batch.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.accounts.models import Role
from booking.core.labels import label
from booking.core.urls import external_url
from booking.enrolment.messages import context
from booking.enrolment.messages.context import Batch
from booking.enrolment.messages.kinds import FAMILY, MessageKind
from booking.enrolment.offer_links import offer_token
from booking.extensions import db
from booking.notifications.formatting import local_datetime, number_value, parse_moment, text_value
from booking.notifications.models import OutboxMessage
from booking.notifications.registry import Content, SessionName
from booking.scheduling.labels import SEAT_MODES
from booking.scheduling.models import Session

K = MessageKind

# What happened to each person of a team booking (booking.enrolment.team.BookingLine.outcome).
OUTCOMES = {
    "confirmed": _l("has a place"),
    "pending_approval": _l("waits for approval"),
    "waitlisted": _l("is on the waitlist"),
    "already_enrolled": _l("was already enrolled"),
    "clash": _l("not booked: already booked at that time"),
}


# -- links ----------------------------------------------------------------------------------------


def session_links(message: OutboxMessage, batch: Batch) -> dict:
    session = batch.session_of(message)
    links = {"my_url": external_url("portal.dashboard"), "course_url": None, "decide_url": None}
    if session is not None:
        links["course_url"] = external_url(
            "portal.course", anchor=f"sessie-{session.id}", slug=session.course.slug
        )
    if message.kind == K.APPROVAL_REQUESTED:
        recipient = batch.users.get(message.user_id)
        if recipient is not None and recipient.is_organiser:
            if session is not None:
                links["decide_url"] = external_url("enrolment_manage.people", session_id=session.id)
        else:
            links["decide_url"] = external_url("enrolment.team_overview")
    if message.kind == K.IN_COMPANY_REQUESTED:
        links["decide_url"] = external_url("enrolment_manage.in_company")
    if message.kind == K.TEAM_BOOKING_SUMMARY:
        links["team_url"] = external_url("enrolment.team_overview")
    enrolment = batch.enrolment_of(message)
    if message.kind == K.OFFER and enrolment is not None and enrolment.offer_expires_at:
        token = offer_token(enrolment)
        for answer in ("accepteren", "afslaan"):
            links[f"{answer}_url"] = external_url(
                "enrolment.offer_page", anchor="antwoord", token=token, antwoord=answer
            )
    return links


# -- what each kind says --------------------------------------------------------------------------


def _canceller(message: OutboxMessage, batch: Batch, enrolment) -> tuple[str | None, str | None]:
    """Who cancelled someone else's place, and as what: 'team_leader' or 'organiser'."""
    if enrolment is None or enrolment.cancelled_by_id is None:
        return None, None
    actor = batch.users.get(enrolment.cancelled_by_id)
    if actor is None or actor.id == enrolment.user_id:
        return None, None
    if actor.is_organiser:
        return actor.name, "organiser"
    if actor.role == Role.TEAM_LEADER:
        return actor.name, "team_leader"
    return actor.name, None


def kind_values(message: OutboxMessage, batch: Batch) -> dict:
    data = message.data or {}
    enrolment = batch.enrolment_of(message)
    session = batch.session_of(message)
    deadline = parse_moment(data.get("expires_at"))
    mode = data.get("mode") or (enrolment.mode if enrolment is not None else None)
    values = {
        "position": number_value(data.get("position")),
        "reason": text_value(data.get("reason")),
        "deadline": local_datetime(deadline) if deadline else None,
        "booked_by": text_value(data.get("booked_by")),
        "participant": text_value(data.get("participant")),
        "mode": label(SEAT_MODES, mode) if mode else None,
        "by_self": bool(data.get("by_self")),
        "late": bool(data.get("late")),
        "times_changed": bool(data.get("times")),
        "place_changed": bool(data.get("place")),
        "cancel_until": None,
        "canceller": None,
        "canceller_role": None,
        "decider": None,
        "starts": local_datetime(session.starts_at) if session is not None else None,
        "recording_url": text_value(data.get("recording_url")),
    }
    if enrolment is not None and enrolment.user_id == message.user_id:
        values["canceller"], values["canceller_role"] = _canceller(message, batch, enrolment)
        decider = batch.users.get(enrolment.decided_by_id) if enrolment.decided_by_id else None
        values["decider"] = decider.name if decider is not None else None
        if message.kind == K.CANCELLED and not values["reason"]:
            values["reason"] = text_value(enrolment.cancel_reason)
        if session is not None and session.cancellation_deadline is not None:
            values["cancel_until"] = local_datetime(session.cancellation_deadline)
    if message.kind == K.TEAM_BOOKING_SUMMARY:
        values["lines"] = [
            {
                "name": text_value(line.get("name")) or "?",
                "outcome": label(OUTCOMES, line.get("outcome")),
                "position": number_value(line.get("position")),
            }
            for line in data.get("lines") or []
            if isinstance(line, dict)
        ]
    if message.kind == K.IN_COMPANY_REQUESTED:
        request = batch.requests.get(data.get("request_id"))
        values["in_company"] = {
            "team": text_value(data.get("team")),
            "organisation": text_value(data.get("organisation")),
            "topic": text_value(data.get("topic")) or (request.topic if request else None),
            "group_size": number_value(data.get("group_size")),
            "requested_by": text_value(data.get("requested_by")),
            "preferred_dates": text_value(request.preferred_dates) if request else None,
            "note": text_value(request.note) if request else None,
            "course": request.course.title if request and request.course else None,
        }
    return values


class EnrolmentMessages:
    """The family of the enrolment engine's messages (notifications.registry.Family)."""

    name = FAMILY

    def load(self, messages: list[OutboxMessage]) -> Batch:
        return context.load(messages)

    def describe(self, message: OutboxMessage, batch: Batch) -> Content:
        facts = context.facts(message, batch)
        values = kind_values(message, batch)
        recipient = batch.users.get(message.user_id) if message.user_id else None
        data = message.data or {}
        subject = {
            "course": facts.course or "",
            "date": facts.first_date or "",
            "name": values.get("participant") or "",
            "team": text_value(data.get("team")) or "",
            "organisation": text_value(data.get("organisation")) or "",
        }
        variables = {
            **values,
            **session_links(message, batch),
            "facts": facts,
            "place": facts.place,
            "recipient": recipient.name if recipient is not None else None,
        }
        return Content(variables=variables, subject=subject)


# -- the failed-messages page ---------------------------------------------------------------------


def session_names(ids: set[int]) -> dict[int, SessionName]:
    """How the organisers' failed-messages page names sessions: course and start, linked to
    the session's people (where an organiser corrects an address)."""
    found = db.session.scalars(
        select(Session).where(Session.id.in_(ids)).options(joinedload(Session.course))
    )
    return {
        s.id: SessionName(
            label=f"{s.course.title} ({format_datetime(s.starts_at, 'd MMM yyyy, HH:mm')})",
            url=url_for("enrolment_manage.people", session_id=s.id),
            sort_key=s.starts_at,
        )
        for s in found
    }
