"""What the enrolment pages show: the person's status per session on a course page, their
coming enrolments on /mijn, and the team leader's /mijn-team; each read with a fixed number of
statements whatever the number of enrolments. The template helpers here are registered on the
blueprint (see the package's __init__) for every template.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template
from flask import session as cookie
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from booking.accounts import queries as people
from booking.accounts.models import User
from booking.core.db import utcnow
from booking.core.labels import label
from booking.enrolment import queries
from booking.enrolment.common import JoinState, join_opens_at, join_state, leads, may_act_for
from booking.enrolment.forms import booking_form_for, request_form_for
from booking.enrolment.join_links import join_link
from booking.enrolment.labels import REQUEST_LABELS, STATUS_LABELS
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.scheduling import queries as sessions
from booking.scheduling.models import Session

S = EnrolmentStatus

LABELS = {
    "status": STATUS_LABELS,
    "outcome": {  # of one person in a team booking
        "confirmed": _l("Confirmed"),
        "pending_approval": _l("Waiting for approval"),
        "waitlisted": _l("On the waitlist"),
        "already_enrolled": _l("Already enrolled"),
        "clash": _l("Not booked: already has a place at that time"),
    },
    "request": REQUEST_LABELS,  # of an in-company request
}


def enrolment_label(code: str, kind: str = "status") -> str:
    return label(LABELS[kind], code)


def cancel_state(enrolment: Enrolment, session: Session, person: User, actor: User, now):
    """What the page offers for cancelling: None (nothing active), 'ok', 'late' (a team
    leader or organiser after the deadline; recorded as late) or 'blocked' (the person
    themselves after the deadline), mirroring `services.cancel`."""
    if not enrolment.is_active or not may_act_for(actor, person):
        return None
    deadline = session.cancellation_deadline or session.starts_at
    if enrolment.status != S.CONFIRMED or now <= deadline:
        return "ok"
    if actor.is_organiser or leads(actor, person):
        return "late"
    return "blocked"


def join_link_on_page(enrolment: Enrolment, now) -> dict:
    """What the place page shows about the join link (the rule: `common.join_state`):
    the /deelnemen link in the window, when it opens before it, nothing otherwise."""
    state = join_state(enrolment, now)
    link = join_link(enrolment) if state == JoinState.OPEN else None
    return {"state": state, "url": link, "opens_at": join_opens_at(enrolment.session)}


def enrolment_window(session: Session, now) -> str | None:
    """Why nobody can enrol now ('started', 'not_open', 'closed'), or None."""
    if now >= session.starts_at:
        return "started"
    if session.enrolment_opens_at and now < session.enrolment_opens_at:
        return "not_open"
    if session.enrolment_closes_at and now > session.enrolment_closes_at:
        return "closed"
    return None


def course_context(person, shown: list[Session]) -> dict:
    """Per session on a course page the person's active enrolment, else their latest ended
    one, with queue positions: one query, plus one for positions when someone waits; and
    the places free for them (`free`, scheduling's one definition: one query)."""
    now = utcnow()
    free = sessions.free_places(person, [s.id for s in shown])
    if not getattr(person, "is_authenticated", False) or not shown:
        return {"mine": {}, "now": now, "free": free}
    rows = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id == person.id, Enrolment.session_id.in_([s.id for s in shown]))
        .order_by(Enrolment.id)
    )
    chosen: dict[int, Enrolment] = {}
    for enrolment in rows:
        current = chosen.get(enrolment.session_id)
        if current is None or enrolment.is_active or not current.is_active:
            chosen[enrolment.session_id] = enrolment
    listed = queries.with_positions(list(chosen.values()))
    return {"mine": {item.enrolment.session_id: item for item in listed}, "now": now, "free": free}


def dashboard_context(person: User) -> dict:
    """The person's coming enrolments (active ones, and what ended for sessions they hold no
    place in), and for organisers the approvals nobody else decides."""
    listed = queries.for_user(person.id, active_only=False, upcoming_only=True)
    active = [item for item in listed if item.enrolment.is_active]
    holding = {item.enrolment.session_id for item in active}
    ended: dict[int, queries.Listed] = {}
    for item in listed:
        if not item.enrolment.is_active and item.enrolment.session_id not in holding:
            ended[item.enrolment.session_id] = item  # the latest per session wins
    context = {"enrolments": active, "ended": list(ended.values()), "now": utcnow()}
    if person.is_organiser:
        context["approvals"] = queries.pending_approvals(person)
    return context


@dataclass
class TeamData:
    members: list[User]
    bookable: dict[int, Session]


def team_data(leader: User) -> TeamData:
    now = utcnow()
    found = sessions.list_sessions(leader, starts_from=now, limit=200)
    bookable = {s.id: s for s in found if enrolment_window(s, now) is None}
    return TeamData(people.team_members(leader.team_id), bookable)


def _booking_result(data: TeamData):
    """The outcome of the team booking just made (kept in the signed cookie for one view)."""
    stored = cookie.pop("team_booking", None)
    if not stored:
        return None
    names = {m.id: m.name for m in data.members}
    session = data.bookable.get(stored["session_id"]) or db.session.get(
        Session, stored["session_id"]
    )
    lines = [
        {
            "name": names.get(user_id, "?"),
            "outcome": outcome,
            "position": position,
            "status": status,
        }
        for user_id, outcome, position, status in stored["lines"]
    ]
    return {"session": session, "lines": lines}


def team_page(
    leader: User,
    *,
    booking_form=None,
    request_form=None,
    booking_problems=(),
    request_problems=(),
    status: int = 200,
):
    """The team leader's page: approvals, bookings, the team's enrolments, in-company."""
    if not leader.team_id:
        abort(404)
    data = team_data(leader)
    return render_template(
        "enrolment/team.html",
        team=leader.team,
        members=data.members,
        closed=sessions.team_sessions(leader.team_id),
        pending=queries.pending_approvals(leader),
        enrolments=queries.team_enrolments(leader.team_id),
        requests=queries.in_company_requests(team_id=leader.team_id),
        booking_form=booking_form_for(data.bookable.values(), data.members, booking_form),
        request_form=request_form_for(request_form),
        booking_problems=list(booking_problems),
        request_problems=list(request_problems),
        booking_result=_booking_result(data),
        now=utcnow(),
    ), status
