"""What a session is made of, as plain data: the input of scheduling and its checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from booking.scheduling.models import Promotion, Session, Visibility

MAX_MEETINGS = 60
MAX_CAPACITY = 10000
MAX_MEETING_LENGTH = timedelta(hours=24)


@dataclass(frozen=True)
class MeetingData:
    starts_at: datetime
    ends_at: datetime


@dataclass
class SessionData:
    course_id: int | None
    mode: str
    capacity: dict[str, int | None]
    meetings: list[MeetingData]
    venue_id: int | None = None
    room_id: int | None = None
    online_venue_id: int | None = None
    enrolment_opens_at: datetime | None = None
    enrolment_closes_at: datetime | None = None
    cancellation_deadline: datetime | None = None
    min_participants: int = 0
    visibility: str = Visibility.OPEN
    organisation_id: int | None = None
    team_id: int | None = None
    promotion: str = Promotion.AUTO
    event_id: int | None = None
    notes: str = ""
    speaker_ids: list[int] = field(default_factory=list)  # none: the course's speakers
    extra: dict = field(default_factory=dict)


# Fields that change what a calendar invite says: a change raises the session's revision.
INVITE_FIELDS = ("mode", "venue_id", "room_id", "online_venue_id")


def data_from_session(session: Session) -> SessionData:
    """The session as input data, so a partial change is validated like a new session."""
    return SessionData(
        course_id=session.course_id,
        mode=session.mode,
        capacity={s.mode: s.capacity for s in session.seats},
        meetings=[MeetingData(m.starts_at, m.ends_at) for m in session.meetings],
        venue_id=session.venue_id,
        room_id=session.room_id,
        online_venue_id=session.online_venue_id,
        enrolment_opens_at=session.enrolment_opens_at,
        enrolment_closes_at=session.enrolment_closes_at,
        cancellation_deadline=session.cancellation_deadline,
        min_participants=session.min_participants,
        speaker_ids=[s.id for s in session.speakers],
        visibility=session.visibility,
        organisation_id=session.organisation_id,
        team_id=session.team_id,
        promotion=session.promotion,
        event_id=session.event_id,
        notes=session.notes,
    )
