"""Turning an outbox row into what is sent: subject, plain text, HTML and (for places) the
iCalendar invite. Runs in the worker, outside any enrolment transaction.

INTERFACE (stable): `render(message) -> Rendered`. A worker with a batch calls
`render_many(messages)` (or `context.load(messages)` once and `render(m, batch)` per row), so
the rows the templates read are loaded once for the batch instead of once per message.

The text is written at send time in the person's language (`message.language`), from
`message.data` (what the engine knew when it queued it: a waitlist position, a reason, a
deadline) and the database (the session as it is now: course, meetings, venue, the place).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from jinja2 import Environment

from booking.accounts.models import Role
from booking.calendar import ics
from booking.core.labels import SEAT_MODES, label
from booking.core.urls import external_url
from booking.enrolment.offer_links import offer_token
from booking.notifications import context
from booking.notifications.context import Batch, Facts
from booking.notifications.models import MessageKind, OutboxMessage

K = MessageKind


@dataclass
class Rendered:
    subject: str
    text: str
    html: str | None = None
    ics: str | None = None  # a VCALENDAR with METHOD REQUEST or CANCEL
    ics_method: str | None = None  # "REQUEST" or "CANCEL", equal to the VCALENDAR's METHOD


SUBJECTS = {
    K.ENROLMENT_CONFIRMED: _l("Your place is confirmed: %(course)s, %(date)s"),
    K.WAITLISTED: _l("On the waitlist: %(course)s, %(date)s"),
    K.PROMOTED: _l("You have a place: %(course)s, %(date)s"),
    K.OFFER: _l("A place is offered to you: %(course)s, %(date)s"),
    K.OFFER_EXPIRED: _l("Offer expired: %(course)s, %(date)s"),
    K.OFFER_DECLINED: _l("Offer declined: %(course)s, %(date)s"),
    K.APPROVAL_REQUESTED: _l("Approval requested for %(name)s: %(course)s, %(date)s"),
    K.APPROVAL_PENDING: _l("Waiting for approval: %(course)s, %(date)s"),
    K.APPROVED: _l("Approved, your place is confirmed: %(course)s, %(date)s"),
    K.APPROVAL_DECLINED: _l("Not approved: %(course)s, %(date)s"),
    K.APPROVAL_EXPIRED: _l("Approval not given in time: %(course)s, %(date)s"),
    K.CANCELLED: _l("Enrolment cancelled: %(course)s, %(date)s"),
    K.MODE_CHANGED: _l("Your place has changed: %(course)s, %(date)s"),
    K.SESSION_CHANGED: _l("Changed: %(course)s, %(date)s"),
    K.SESSION_CANCELLED: _l("Cancelled: %(course)s, %(date)s"),
    K.REMINDER: _l("Reminder: %(course)s, %(date)s"),
    K.TEAM_BOOKING_SUMMARY: _l("Team booking: %(course)s, %(date)s"),
    K.IN_COMPANY_REQUESTED: _l("In-company request from %(team)s (%(organisation)s)"),
}

# What happened to each person of a team booking (booking.enrolment.team.BookingLine.outcome).
OUTCOMES = {
    "confirmed": _l("has a place"),
    "pending_approval": _l("waits for approval"),
    "waitlisted": _l("is on the waitlist"),
    "already_enrolled": _l("was already enrolled"),
    "clash": _l("not booked: already booked at that time"),
}


# -- links ----------------------------------------------------------------------------------------


def _session_links(message: OutboxMessage, batch: Batch) -> dict:
    session = _session(message, batch)
    links = {"my_url": external_url("portal.dashboard"), "course_url": None, "decide_url": None}
    if session is not None:
        links["course_url"] = external_url(
            "portal.course", anchor=f"sessie-{session.id}", slug=session.course.slug
        )
    if message.kind == K.APPROVAL_REQUESTED:
        recipient = batch.users.get(message.user_id)
        if recipient is not None and recipient.role in (Role.ORGANISER, Role.ADMIN):
            if session is not None:
                links["decide_url"] = external_url("enrolment_manage.people", session_id=session.id)
        else:
            links["decide_url"] = external_url("enrolment.team_overview")
    if message.kind == K.IN_COMPANY_REQUESTED:
        links["decide_url"] = external_url("enrolment_manage.in_company")
    if message.kind == K.TEAM_BOOKING_SUMMARY:
        links["team_url"] = external_url("enrolment.team_overview")
    enrolment = batch.enrolments.get(message.enrolment_id) if message.enrolment_id else None
    if message.kind == K.OFFER and enrolment is not None and enrolment.offer_expires_at:
        token = offer_token(enrolment)
        for answer in ("accepteren", "afslaan"):
            links[f"{answer}_url"] = external_url(
                "enrolment.offer_page", anchor="antwoord", token=token, antwoord=answer
            )
    return links


# -- what each kind says --------------------------------------------------------------------------


def _session(message: OutboxMessage, batch: Batch):
    if message.session_id and message.session_id in batch.sessions:
        return batch.sessions[message.session_id]
    enrolment = batch.enrolments.get(message.enrolment_id) if message.enrolment_id else None
    return batch.sessions.get(enrolment.session_id) if enrolment is not None else None


def _text(value) -> str | None:
    """A string from `data` as something to show, or None when it is empty or not text."""
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value).strip()
    return value or None


def _number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _canceller(message: OutboxMessage, batch: Batch, enrolment) -> tuple[str | None, str | None]:
    """Who cancelled someone else's place, and as what: 'team_leader' or 'organiser'."""
    if enrolment is None or enrolment.cancelled_by_id is None:
        return None, None
    actor = batch.users.get(enrolment.cancelled_by_id)
    if actor is None or actor.id == enrolment.user_id:
        return None, None
    if actor.role in (Role.ORGANISER, Role.ADMIN):
        return actor.name, "organiser"
    if actor.role == Role.TEAM_LEADER:
        return actor.name, "team_leader"
    return actor.name, None


def _kind_values(message: OutboxMessage, batch: Batch) -> dict:
    data = message.data or {}
    enrolment = batch.enrolments.get(message.enrolment_id) if message.enrolment_id else None
    session = _session(message, batch)
    deadline = context.parse_moment(data.get("expires_at"))
    mode = data.get("mode") or (enrolment.mode if enrolment is not None else None)
    values = {
        "position": _number(data.get("position")),
        "reason": _text(data.get("reason")),
        "deadline": context.local_datetime(deadline) if deadline else None,
        "booked_by": _text(data.get("booked_by")),
        "participant": _text(data.get("participant")),
        "mode": label(SEAT_MODES, mode) if mode else None,
        "by_self": bool(data.get("by_self")),
        "late": bool(data.get("late")),
        "times_changed": bool(data.get("times")),
        "place_changed": bool(data.get("place")),
        "cancel_until": None,
        "canceller": None,
        "canceller_role": None,
        "decider": None,
        "starts": context.local_datetime(session.starts_at) if session is not None else None,
    }
    if enrolment is not None and enrolment.user_id == message.user_id:
        values["canceller"], values["canceller_role"] = _canceller(message, batch, enrolment)
        decider = batch.users.get(enrolment.decided_by_id) if enrolment.decided_by_id else None
        values["decider"] = decider.name if decider is not None else None
        if message.kind == K.CANCELLED and not values["reason"]:
            values["reason"] = _text(enrolment.cancel_reason)
        if session is not None and session.cancellation_deadline is not None:
            values["cancel_until"] = context.local_datetime(session.cancellation_deadline)
    if message.kind == K.TEAM_BOOKING_SUMMARY:
        values["lines"] = [
            {
                "name": _text(line.get("name")) or "?",
                "outcome": label(OUTCOMES, line.get("outcome")),
                "position": _number(line.get("position")),
            }
            for line in data.get("lines") or []
            if isinstance(line, dict)
        ]
    if message.kind == K.IN_COMPANY_REQUESTED:
        request = batch.requests.get(data.get("request_id"))
        values["in_company"] = {
            "team": _text(data.get("team")),
            "organisation": _text(data.get("organisation")),
            "topic": _text(data.get("topic")) or (request.topic if request else None),
            "group_size": _number(data.get("group_size")),
            "requested_by": _text(data.get("requested_by")),
            "preferred_dates": _text(request.preferred_dates) if request else None,
            "course": request.course.title if request and request.course else None,
        }
    return values


def _subject(message: OutboxMessage, facts: Facts, values: dict) -> str:
    data = message.data or {}
    params = {
        "course": facts.course or "",
        "date": facts.first_date or "",
        "name": values.get("participant") or "",
        "team": _text(data.get("team")) or "",
        "organisation": _text(data.get("organisation")) or "",
    }
    subject = str(SUBJECTS[MessageKind(message.kind)]) % params
    subject = re.sub(r"\s+", " ", subject).strip(" ,:")  # no header injection, no dangling comma
    return subject[:250] or current_app.config["CENTRE_NAME"]


# -- templates ------------------------------------------------------------------------------------


def _environment() -> Environment:
    """The app's Jinja environment (i18n, autoescape by file name: .html escaped, .txt not)
    with block tags that leave no blank lines, so the text templates can stay readable."""
    env = current_app.extensions.get("notifications_jinja")
    if env is None:
        env = current_app.jinja_env.overlay(trim_blocks=True, lstrip_blocks=True)
        current_app.extensions["notifications_jinja"] = env
    return env


def _tidy(text: str) -> str:
    """Trailing spaces off (except the '-- ' signature line), at most one blank line."""
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if not line and (not tidy or not tidy[-1]):
            continue
        tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    return "\n".join(tidy) + "\n"


def _invite(message: OutboxMessage, batch: Batch) -> tuple[str | None, str | None]:
    """The invite (or its cancellation) of the recipient's own place, when the kind has one."""
    enrolment = batch.enrolments.get(message.enrolment_id) if message.enrolment_id else None
    if enrolment is None or enrolment.user_id != message.user_id:
        return None, None
    method = ics.method_for(message.kind, enrolment)
    if method is None:
        return None, None
    return ics.invite(enrolment, method, language=message.language), method


def render(message: OutboxMessage, batch: Batch | None = None) -> Rendered:
    """Subject, text, HTML and invite of one message, in the recipient's language."""
    batch = batch if batch is not None else context.load([message])
    kind = MessageKind(message.kind)
    language = message.language if message.language in ("nl", "en") else "nl"
    with force_locale(language):
        facts = context.facts(message, batch)
        values = _kind_values(message, batch)
        invite, method = _invite(message, batch)
        subject = _subject(message, facts, values)
        recipient = batch.users.get(message.user_id) if message.user_id else None
        variables = {
            **values,
            **_session_links(message, batch),
            "kind": kind.value,
            "lang": language,
            "subject": subject,
            "facts": facts,
            "place": facts.place,
            "recipient": recipient.name if recipient is not None else None,
            "centre_name": current_app.config["CENTRE_NAME"],
            "centre_email": current_app.config["CENTRE_EMAIL"],
            "invite_method": method,
        }
        env = _environment()
        text = env.get_template(f"notifications/{kind.value}.txt").render(variables)
        html = env.get_template(f"notifications/{kind.value}.html").render(variables)
    html = html.strip() + "\n"
    return Rendered(subject=subject, text=_tidy(text), html=html, ics=invite, ics_method=method)


def render_many(messages: Iterable[OutboxMessage]) -> list[Rendered]:
    """Render a batch with its rows loaded once (a fixed number of queries in all)."""
    messages = list(messages)
    batch = context.load(messages)
    return [render(message, batch) for message in messages]
