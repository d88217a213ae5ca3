"""Rules for scheduling sessions: meetings, places, capacity per mode, visibility, windows."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from booking.catalogue.speakers import set_speakers
from booking.core.db import is_postgres, utcnow
from booking.core.errors import ValidationError
from booking.core.models import audit
from booking.extensions import db
from booking.scheduling import signals
from booking.scheduling.checks import Checked, check
from booking.scheduling.data import (  # noqa: F401 - part of this module's interface
    INVITE_FIELDS,
    MAX_CAPACITY,
    MAX_MEETING_LENGTH,
    MAX_MEETINGS,
    MeetingData,
    SessionData,
    data_from_session,
)
from booking.scheduling.models import (
    SEAT_MODES_BY_SESSION_MODE,
    Meeting,
    Session,
    SessionMode,
    SessionSeats,
    SessionStatus,
    Visibility,
    session_speakers,
)
from booking.scheduling.queries import require_visible, session_not_found


def _apply(session: Session, data: SessionData, checked: Checked) -> None:
    session.course = checked.course
    session.mode = data.mode
    physical = data.mode in (SessionMode.PHYSICAL, SessionMode.HYBRID)
    online = data.mode in (SessionMode.ONLINE, SessionMode.HYBRID)
    session.venue_id = data.venue_id if physical else None
    session.room_id = data.room_id if physical else None
    session.online_venue_id = data.online_venue_id if online else None
    session.enrolment_opens_at = data.enrolment_opens_at
    session.enrolment_closes_at = data.enrolment_closes_at
    session.cancellation_deadline = data.cancellation_deadline
    session.min_participants = data.min_participants
    session.visibility = data.visibility
    if data.visibility == Visibility.TEAM:
        session.team_id = checked.team.id
        session.organisation_id = checked.team.organisation_id
    elif data.visibility == Visibility.ORGANISATION:
        session.team_id = None
        session.organisation_id = data.organisation_id
    else:
        session.team_id = None
        session.organisation_id = None
    session.promotion = data.promotion
    session.event_id = data.event_id
    session.notes = (data.notes or "").strip()
    session.starts_at = checked.meetings[0].starts_at
    session.ends_at = max(m.ends_at for m in checked.meetings)

    current = [(m.starts_at, m.ends_at) for m in session.meetings]
    wanted = [(m.starts_at, m.ends_at) for m in checked.meetings]
    if current != wanted:
        session.meetings = [Meeting(starts_at=s, ends_at=e) for s, e in wanted]

    by_mode = {s.mode: s for s in session.seats}
    seats = []
    for mode, capacity in checked.capacity.items():
        row = by_mode.get(mode) or SessionSeats(mode=mode, confirmed=0, held=0)
        row.capacity = capacity
        seats.append(row)
    session.seats = seats


def snapshot(session: Session) -> dict:
    return {
        "mode": session.mode,
        "meetings": [[m.starts_at.isoformat(), m.ends_at.isoformat()] for m in session.meetings],
        "venue_id": session.venue_id,
        "room_id": session.room_id,
        "online_venue_id": session.online_venue_id,
        "capacity": {s.mode: s.capacity for s in session.seats},
        "visibility": session.visibility,
        "revision": session.revision,
    }


def schedule_session(data: SessionData, actor=None) -> Session:
    checked = check(data, None)
    session = Session(status=SessionStatus.SCHEDULED, revision=0)
    _apply(session, data, checked)
    db.session.add(session)
    db.session.flush()
    _set_speakers(session, checked.speaker_ids)
    audit(actor, "session.scheduled", session, after=snapshot(session))
    return session


def _set_speakers(session: Session, speaker_ids: list[int]) -> None:
    set_speakers(session_speakers, "session_id", session.id, speaker_ids)
    db.session.expire(session, ["speakers"])


def lock_session(session_id: int) -> Session:
    """The session, its course and its seats in one statement, session and seat rows locked
    until commit: every change of a session's places, counters or times starts here
    (invariant 1, capacity; docs/architecture.md).

    The seat rows must be locked too, not only read: a statement that waited for another
    transaction's lock sees the latest version of the rows it locks, but its snapshot from
    before the wait for everything else, so unlocked counters would be stale (and writing
    them back would overbook). Every session has at least one seats row. SQLite serialises
    writers itself (BEGIN IMMEDIATE), so there is nothing to lock there.
    """
    query = (
        select(Session)
        .join(Session.seats)
        .options(contains_eager(Session.seats), joinedload(Session.course, innerjoin=True))
        .where(Session.id == session_id)
        .order_by(SessionSeats.mode)
        .execution_options(populate_existing=True)
    )
    if is_postgres():
        query = query.with_for_update(of=[Session, SessionSeats])
    session = db.session.execute(query).unique().scalar_one_or_none()
    if session is None:
        raise session_not_found()
    return session


def lock_visible(session_id: int, actor) -> Session:
    """`lock_session` for a person acting on it: a session they may not see is a 404 like a
    missing one, before any other check (invariant 7, organisations walled off)."""
    return require_visible(lock_session(session_id), actor)


def valid_recording_url(url: str) -> bool:
    return url.lower().startswith(("https://", "http://")) and len(url) <= 500 and " " not in url


def set_recording(session_id: int, url: str | None, actor=None, now: datetime | None = None):
    """Add (or correct, or remove with None) the recording link of an ended session. A new
    URL is announced (`signals.recording_added`); the same URL again changes nothing."""
    session = lock_session(session_id)
    url = (url or "").strip() or None
    if url is not None and not valid_recording_url(url):
        message = _l("Enter the full link of the recording, starting with https://.")
        raise ValidationError(message, code="invalid_url", fields={"recording_url": message})
    if (now or utcnow()) < session.ends_at:
        message = _l("A recording can be added only after the session has ended.")
        raise ValidationError(message, code="not_ended", fields={"recording_url": message})
    if session.is_cancelled:
        raise ValidationError(_l("This session has been cancelled."), code="session_cancelled")
    if url == session.recording_url:
        return session
    before = session.recording_url
    session.recording_url = url
    db.session.flush()
    audit(actor, "session.recording", session, before={"url": before}, after={"url": url})
    if url is not None:
        signals.recording_added.send(session, url=url)
    return session


def update_session(session_id: int, changes: dict, actor=None) -> Session:
    """Apply a partial change (any SessionData field); the whole result is validated again."""
    session = lock_session(session_id)
    if session.is_cancelled:
        raise ValidationError(
            _l("This session has been cancelled and can no longer change."),
            code="session_cancelled",
        )
    data = data_from_session(session)
    unknown = set(changes) - set(SessionData.__dataclass_fields__)
    if unknown:
        raise ValidationError(_l("Unknown field: %(names)s.", names=", ".join(sorted(unknown))))
    if "mode" in changes and "capacity" not in changes:
        kept = SEAT_MODES_BY_SESSION_MODE.get(changes["mode"], ())
        changes = {**changes, "capacity": {m: c for m, c in data.capacity.items() if m in kept}}
    data = replace(data, **changes)
    before = snapshot(session)
    checked = check(data, session)
    _apply(session, data, checked)
    speakers_before = [s.id for s in session.speakers]
    if checked.speaker_ids != speakers_before:
        _set_speakers(session, checked.speaker_ids)
        audit(
            actor,
            "session.speakers",
            session,
            before={"speaker_ids": speakers_before},
            after={"speaker_ids": checked.speaker_ids},
        )
    after = snapshot(session)
    times_changed = before["meetings"] != after["meetings"]
    place_changed = any(before[key] != after[key] for key in INVITE_FIELDS)
    if times_changed or place_changed:
        session.revision += 1
        after["revision"] = session.revision
    db.session.flush()
    if before != after:
        audit(actor, "session.updated", session, before=before, after=after)
        signals.session_changed.send(
            session,
            times=times_changed,
            place=place_changed,
            capacity=before["capacity"] != after["capacity"],
        )
    return session
