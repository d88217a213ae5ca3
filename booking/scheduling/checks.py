"""The checks a session must pass before it is scheduled or changed; every problem at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from booking.accounts.models import Organisation, Team
from booking.catalogue.models import Course
from booking.catalogue.speakers import check_speaker_ids
from booking.core.db import for_update, utcnow
from booking.core.errors import ValidationError, collect
from booking.core.timez import local
from booking.extensions import db
from booking.scheduling.data import (
    MAX_CAPACITY,
    MAX_MEETING_LENGTH,
    MAX_MEETINGS,
    MeetingData,
    SessionData,
)
from booking.scheduling.models import (
    SEAT_MODES_BY_SESSION_MODE,
    Event,
    Meeting,
    Promotion,
    Room,
    SeatMode,
    Session,
    SessionMode,
    SessionStatus,
    Venue,
    VenueKind,
    Visibility,
)


@dataclass
class Checked:
    course: Course
    room: Room | None
    team: Team | None
    meetings: list[MeetingData]
    capacity: dict[str, int]
    speaker_ids: list[int]


def _check_meetings(meetings: list[MeetingData], errors: dict) -> list[MeetingData]:
    if not meetings:
        errors["meetings"] = _l("Add at least one meeting (date and time).")
        return []
    if len(meetings) > MAX_MEETINGS:
        errors["meetings"] = _l("At most %(n)d meetings.", n=MAX_MEETINGS)
        return []
    ordered = sorted(meetings, key=lambda m: m.starts_at)
    for index, meeting in enumerate(meetings):
        if meeting.starts_at is None or meeting.ends_at is None:
            errors[f"meetings.{index}"] = _l("Give both a start and an end.")
        elif meeting.ends_at <= meeting.starts_at:
            errors[f"meetings.{index}.ends_at"] = _l("The end must be after the start.")
        elif meeting.ends_at - meeting.starts_at > MAX_MEETING_LENGTH:
            errors[f"meetings.{index}.ends_at"] = _l(
                "A meeting lasts at most 24 hours; add a meeting per day."
            )
    if any(key.startswith("meetings") for key in errors):
        return []
    for earlier, later in pairwise(ordered):
        if later.starts_at < earlier.ends_at:
            errors["meetings"] = _l("Two meetings of this session overlap.")
            return []
    return ordered


def _check_capacity(data: SessionData, errors: dict) -> dict[str, int]:
    offered = SEAT_MODES_BY_SESSION_MODE.get(data.mode, ())
    capacity: dict[str, int] = {}
    for mode in SeatMode:
        value = (data.capacity or {}).get(mode)
        key = f"capacity.{mode.value}"
        if mode in offered:
            if value is None:
                errors[key] = _l("Enter the number of places.")
            elif not isinstance(value, int) or isinstance(value, bool):
                errors[key] = _l("Enter a whole number.")
            elif value < 0:
                errors[key] = _l("The number of places cannot be negative.")
            elif value > MAX_CAPACITY:
                errors[key] = _l("At most %(n)d places.", n=MAX_CAPACITY)
            else:
                capacity[mode] = value
        elif value:
            errors[key] = _l("This session has no places of this kind; choose hybrid.")
    unknown = set(data.capacity or {}) - {m.value for m in SeatMode}
    if unknown:
        errors["capacity"] = _l(
            "Unknown kind of place: %(names)s.", names=", ".join(sorted(unknown))
        )
    if offered and len(capacity) == len(offered) and sum(capacity.values()) == 0:
        errors["capacity"] = _l("A session needs at least one place.")
    return capacity


def _check_places(data: SessionData, capacity: dict, errors: dict) -> Room | None:
    room = None
    if data.mode in (SessionMode.PHYSICAL, SessionMode.HYBRID):
        venue = db.session.get(Venue, data.venue_id) if data.venue_id else None
        if venue is None or venue.kind != VenueKind.PHYSICAL:
            errors["venue_id"] = _l("Choose a physical venue.")
        room = db.session.get(Room, data.room_id) if data.room_id else None
        if room is None:
            errors["room_id"] = _l("Choose a room.")
        elif venue is not None and room.venue_id != venue.id:
            errors["room_id"] = _l("This room is not at the chosen venue.")
            room = None
        elif SeatMode.IN_PERSON in capacity and capacity[SeatMode.IN_PERSON] > room.capacity:
            errors["capacity.in_person"] = _l(
                "Room %(room)s holds at most %(n)d people.", room=room.name, n=room.capacity
            )
    if data.mode in (SessionMode.ONLINE, SessionMode.HYBRID):
        online = db.session.get(Venue, data.online_venue_id) if data.online_venue_id else None
        if online is None or online.kind != VenueKind.ONLINE:
            errors["online_venue_id"] = _l("Choose an online venue.")
    return room


def _check_windows(data: SessionData, first_start: datetime | None, errors: dict) -> None:
    opens, closes, deadline = (
        data.enrolment_opens_at,
        data.enrolment_closes_at,
        data.cancellation_deadline,
    )
    if opens and closes and closes <= opens:
        errors["enrolment_closes_at"] = _l("Enrolment must close after it opens.")
    if first_start is None:
        return
    if closes and closes > first_start:
        errors["enrolment_closes_at"] = _l("Enrolment must close before the session starts.")
    if opens and opens >= first_start:
        errors["enrolment_opens_at"] = _l("Enrolment must open before the session starts.")
    if deadline and deadline > first_start:
        errors["cancellation_deadline"] = _l(
            "The cancellation deadline must be before the session starts."
        )


def _check_audience(data: SessionData, errors: dict) -> Team | None:
    team = None
    if data.visibility not in set(Visibility):
        errors["visibility"] = _l("Choose one of: %(choices)s.", choices=", ".join(Visibility))
    elif data.visibility == Visibility.ORGANISATION:
        if not data.organisation_id or db.session.get(Organisation, data.organisation_id) is None:
            errors["organisation_id"] = _l("Choose the organisation this session is for.")
    elif data.visibility == Visibility.TEAM:
        team = db.session.get(Team, data.team_id) if data.team_id else None
        if team is None:
            errors["team_id"] = _l("Choose the team this session is for.")
    return team


def _check_event(data: SessionData, meetings: list[MeetingData], errors: dict) -> None:
    """A programme item takes place within its event's dates, where the event has them
    (`booking.events.services.update_event` keeps the dates around the items it has)."""
    if not data.event_id:
        return
    event = db.session.get(Event, data.event_id)
    if event is None:
        errors["event_id"] = _l("Choose an existing event.")
        return
    if event.is_cancelled:
        errors["event_id"] = _l("This event has been cancelled.")
        return
    if not meetings:
        return
    starts, ends = meetings[0].starts_at, max(m.ends_at for m in meetings)
    if (event.starts_at and starts < event.starts_at) or (event.ends_at and ends > event.ends_at):
        errors["event_id"] = _l("A programme item must take place within the event's dates.")


def check(data: SessionData, session: Session | None) -> Checked:
    errors: dict = {}
    course = db.session.get(Course, data.course_id) if data.course_id else None
    if course is None:
        errors["course_id"] = _l("Choose a course.")
    if data.mode not in set(SessionMode):
        errors["mode"] = _l("Choose one of: %(choices)s.", choices=", ".join(SessionMode))
    meetings = _check_meetings(data.meetings, errors)
    first_start = meetings[0].starts_at if meetings else None
    is_new_time = session is None or [(m.starts_at, m.ends_at) for m in session.meetings] != [
        (m.starts_at, m.ends_at) for m in meetings
    ]
    if first_start and is_new_time and first_start < utcnow():
        errors["meetings"] = _l("A session cannot be planned in the past.")
    capacity = _check_capacity(data, errors) if data.mode in set(SessionMode) else {}
    room = _check_places(data, capacity, errors)
    _check_windows(data, first_start, errors)
    if not isinstance(data.min_participants, int) or data.min_participants < 0:
        errors["min_participants"] = _l("The minimum cannot be negative.")
    elif capacity and data.min_participants > sum(capacity.values()):
        errors["min_participants"] = _l("The minimum is larger than the number of places.")
    team = _check_audience(data, errors)
    if course is not None and course.in_company_only and data.visibility == Visibility.OPEN:
        errors.setdefault(
            "visibility",
            _l(
                "This course is given only in company: plan it for one team or one "
                "organisation, not for everyone."
            ),
        )
    if data.promotion not in set(Promotion):
        errors["promotion"] = _l("Choose one of: %(choices)s.", choices=", ".join(Promotion))
    speaker_ids = check_speaker_ids(data.speaker_ids, errors)
    _check_event(data, meetings, errors)
    if session is not None:
        for mode, seats in ((s.mode, s) for s in session.seats):
            taken = seats.taken
            key = f"capacity.{mode}"
            if mode in capacity and capacity[mode] < taken:
                errors.setdefault(
                    key, _l("%(n)d places are taken; the capacity cannot be lower.", n=taken)
                )
            elif mode not in capacity and taken:
                errors.setdefault(
                    key, _l("%(n)d people have a place of this kind; move them first.", n=taken)
                )
    collect(errors)
    if room is not None:
        _check_room_free(room, meetings, session)
    return Checked(
        course=course,
        room=room,
        team=team,
        meetings=meetings,
        capacity=capacity,
        speaker_ids=speaker_ids,
    )


def _check_room_free(room: Room, meetings: list[MeetingData], session: Session | None) -> None:
    """Refuse a second booking of one room at one time. The room row is locked first, so two
    organisers planning the same room at once are served one after the other."""
    db.session.execute(for_update(select(Room.id).where(Room.id == room.id)))
    overlaps = or_(
        *[and_(Meeting.starts_at < m.ends_at, Meeting.ends_at > m.starts_at) for m in meetings]
    )
    query = (
        select(Session, Meeting)
        .join(Meeting, Meeting.session_id == Session.id)
        .where(
            Session.room_id == room.id,
            Session.status == SessionStatus.SCHEDULED,
            overlaps,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if session is not None and session.id is not None:
        query = query.where(Session.id != session.id)
    clash = db.session.execute(query).first()
    if clash:
        other, meeting = clash
        message = _l(
            "Room %(room)s is in use at that time by '%(course)s' (%(when)s).",
            room=room.name,
            course=other.course.title,
            when=local(meeting.starts_at).strftime("%d-%m-%Y %H:%M"),
        )
        raise ValidationError(message, code="room_occupied", fields={"room_id": message})
