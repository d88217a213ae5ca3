"""What the enrolment messages' templates need, loaded for a whole batch of outbox rows.

The worker renders dozens of messages per round; loading each one's session, meetings, venue
and enrolment on its own would cost a handful of queries per message. `load` fetches them for
the whole batch in at most five statements, whatever its size, and `facts` turns one row into
the plain values the templates show (times already in Europe/Amsterdam, in the reader's locale).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.accounts.models import User
from booking.core.db import utcnow
from booking.enrolment.common import JoinState, join_state
from booking.enrolment.join_links import join_link
from booking.enrolment.messages.kinds import JOIN_LINK_KINDS, MessageKind
from booking.enrolment.models import Enrolment, InCompanyRequest
from booking.extensions import db
from booking.notifications.formatting import SHORT_DATE_FORMAT, local_date, meeting_line
from booking.notifications.models import OutboxMessage
from booking.scheduling.models import SeatMode, Session, SessionStatus
from booking.scheduling.queries import place_and_times

K = MessageKind


@dataclass
class Batch:
    """Rows a batch of messages refers to, by id (all in the session's identity map)."""

    sessions: dict[int, Session] = field(default_factory=dict)
    enrolments: dict[int, Enrolment] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    requests: dict[int, InCompanyRequest] = field(default_factory=dict)

    def enrolment_of(self, message: OutboxMessage) -> Enrolment | None:
        return self.enrolments.get(message.enrolment_id) if message.enrolment_id else None

    def session_of(self, message: OutboxMessage) -> Session | None:
        if message.session_id and message.session_id in self.sessions:
            return self.sessions[message.session_id]
        enrolment = self.enrolment_of(message)
        return self.sessions.get(enrolment.session_id) if enrolment is not None else None


def load(messages: Iterable[OutboxMessage]) -> Batch:
    """Everything the messages' templates and invites read, in a fixed number of queries:
    enrolments (with their person), sessions (course, venues, room; meetings in one more
    statement), the people named (recipients, who cancelled or decided) and in-company
    requests. Nothing is loaded per message."""
    messages = list(messages)
    batch = Batch()
    enrolment_ids = {m.enrolment_id for m in messages if m.enrolment_id}
    if enrolment_ids:
        rows = db.session.scalars(
            select(Enrolment)
            .where(Enrolment.id.in_(enrolment_ids))
            .options(joinedload(Enrolment.user))
        )
        batch.enrolments = {e.id: e for e in rows}
    session_ids = {m.session_id for m in messages if m.session_id}
    session_ids |= {e.session_id for e in batch.enrolments.values()}
    if session_ids:
        rows = db.session.scalars(
            select(Session)
            .where(Session.id.in_(session_ids))
            .options(
                *place_and_times(),
            )
        )
        batch.sessions = {s.id: s for s in rows}
    user_ids = {m.user_id for m in messages if m.user_id}
    for enrolment in batch.enrolments.values():
        user_ids |= {enrolment.cancelled_by_id, enrolment.decided_by_id} - {None}
    if user_ids:
        batch.users = {
            u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
        }
    request_ids = {
        m.data.get("request_id")
        for m in messages
        if m.kind == K.IN_COMPANY_REQUESTED and isinstance((m.data or {}).get("request_id"), int)
    }
    if request_ids:
        rows = db.session.scalars(
            select(InCompanyRequest)
            .where(InCompanyRequest.id.in_(request_ids))
            .options(joinedload(InCompanyRequest.course))
        )
        batch.requests = {r.id: r for r in rows}
    return batch


# -- the facts of one message ---------------------------------------------------------------------


@dataclass
class Place:
    """Where the person goes, according to their mode (or every mode of the session)."""

    in_person: bool = False
    venue: str | None = None
    address: str | None = None
    room: str | None = None
    directions: str | None = None
    online: bool = False
    provider: str | None = None
    join_url: str | None = None  # only ever set for a confirmed online place, in its window
    join_later: bool = False  # a confirmed online place whose window has not opened yet


@dataclass
class Facts:
    course: str = ""  # empty only if the session row is gone
    meetings: list[str] = field(default_factory=list)
    first_date: str | None = None
    place: Place | None = None
    session_cancelled: bool = False


def join_link_state(message: OutboxMessage, session: Session, enrolment: Enrolment | None) -> str:
    """The join link goes only to the person whose own place is confirmed online, in the
    reminder (never the confirmation: issue 9), and only when the message is rendered inside
    the window of `enrolment.common.join_state` (the worker renders at send time)."""
    if (
        message.kind not in JOIN_LINK_KINDS
        or enrolment is None
        or enrolment.user_id != message.user_id
    ):
        return JoinState.NOT_YOURS
    return join_state(enrolment, utcnow())


def place_of(message: OutboxMessage, session: Session, enrolment: Enrolment | None) -> Place:
    modes = (enrolment.mode,) if enrolment is not None else session.seat_modes
    place = Place()
    if SeatMode.IN_PERSON in modes and session.venue is not None:
        venue = session.venue
        place.in_person = True
        place.venue = venue.name
        place.address = venue.full_address or None
        place.room = session.room.name if session.room is not None else None
        place.directions = (venue.directions or "").strip() or None
    if SeatMode.ONLINE in modes and session.online_venue is not None:
        place.online = True
        place.provider = session.online_venue.provider or None
        state = join_link_state(message, session, enrolment)
        if state == JoinState.OPEN:
            place.join_url = join_link(enrolment)
        place.join_later = state == JoinState.TOO_EARLY
    return place


def facts(message: OutboxMessage, batch: Batch) -> Facts:
    session = batch.sessions.get(message.session_id) if message.session_id else None
    enrolment = batch.enrolment_of(message)
    if session is None and enrolment is not None:
        session = batch.sessions.get(enrolment.session_id)
    if session is None:
        return Facts()
    meetings = list(session.meetings) or []
    lines = [meeting_line(m.starts_at, m.ends_at) for m in meetings]
    if not lines:  # a session always has meetings; its span is the fallback
        lines = [meeting_line(session.starts_at, session.ends_at)]
    return Facts(
        course=session.course.title,
        meetings=lines,
        first_date=local_date(session.starts_at, SHORT_DATE_FORMAT),
        place=place_of(message, session, enrolment),
        session_cancelled=session.status == SessionStatus.CANCELLED,
    )
