"""Sessions: anyone lists what they may see; organisers schedule, change and cancel sessions.
Their shapes and how a session is answered are in `booking.api.shapes.sessions`."""

from __future__ import annotations

from flask import url_for

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import (
    ReasonIn,
)
from booking.api.shapes.sessions import (
    CapacityIn,
    SessionIn,
    SessionList,
    SessionOut,
    SessionPatch,
    SessionQuery,
    session_out,
)
from booking.core.db import atomic
from booking.core.errors import NotFound
from booking.enrolment import organiser
from booking.enrolment.counts import waitlist_counts
from booking.scheduling.models import (
    SEAT_MODES_BY_SESSION_MODE,
    Session,
)
from booking.scheduling.queries import list_sessions, session_detail
from booking.scheduling.services import (
    MeetingData,
    SessionData,
    lock_session,
    schedule_session,
    set_recording,
    update_session,
)


def _answer(session_id: int, user, status: int = 200):
    session = session_detail(session_id, user)
    if session is None:
        raise NotFound("No such session.")
    location = url_for("api.get_session", session_id=session_id) if status == 201 else None
    waitlist = waitlist_counts([session_id])[session_id]
    return reply(session_out(session, user, waitlist), status, location=location)


# -- input to service data ----------------------------------------------------------------------


def _meetings(body: SessionIn | SessionPatch) -> list[MeetingData]:
    return [MeetingData(m.starts_at, m.ends_at) for m in body.meetings]


def _merged_capacity(session: Session, patch: SessionPatch) -> dict[str, int | None]:
    """Modes left out keep their capacity (if the new mode still offers them)."""
    mode = patch.mode if "mode" in patch.model_fields_set else session.mode
    offered = SEAT_MODES_BY_SESSION_MODE.get(mode, ())
    capacity: dict[str, int | None] = {
        s.mode: s.capacity for s in session.seats if s.mode in offered
    }
    given: CapacityIn = patch.capacity
    for key in given.model_fields_set:
        value = getattr(given, key)
        if value is None:
            capacity.pop(key, None)
        else:
            capacity[key] = value
    return capacity


# -- endpoints ----------------------------------------------------------------------------------


@api(
    bp,
    "/sessions",
    "GET",
    summary="List sessions",
    tag="sessions",
    query=SessionQuery,
    response=SessionList,
)
def get_sessions(user, query: SessionQuery):
    """Scheduled sessions the caller may see (anonymous callers: open sessions only), by start.
    `total` is null: the list is not counted; follow `has_more`."""
    found = list_sessions(
        user,
        course_id=query.course,
        starts_from=query.starts_from,
        starts_to=query.starts_to,
        mode=query.mode,
        available=query.available,
        limit=query.per_page + 1,
        offset=query.offset,
    )
    rows = found[: query.per_page]
    waitlists = waitlist_counts(s.id for s in rows)
    return reply(
        SessionList(
            items=[session_out(s, user, waitlists[s.id]) for s in rows],
            page=query.page,
            per_page=query.per_page,
            has_more=len(rows) < len(found),
        )
    )


@api(
    bp,
    "/sessions/<int:session_id>",
    "GET",
    summary="One session",
    tag="sessions",
    response=SessionOut,
)
def get_session(user, session_id: int):
    """A closed session the caller may not see is a 404, as if it did not exist."""
    return _answer(session_id, user)


@api(
    bp,
    "/sessions",
    "POST",
    summary="Schedule a session",
    tag="sessions",
    body=SessionIn,
    response=SessionOut,
    status=201,
    organiser=True,
)
def add_session(user, body: SessionIn):
    """Organisers schedule a session of a course: meetings, places per mode, venue and room."""
    fields = body.model_dump(exclude={"meetings", "capacity"})
    data = SessionData(**fields, meetings=_meetings(body), capacity=body.capacity.model_dump())

    def work() -> int:
        return schedule_session(data, actor=user).id

    return _answer(atomic(work), user, 201)


@api(
    bp,
    "/sessions/<int:session_id>",
    "PATCH",
    summary="Change a session",
    tag="sessions",
    body=SessionPatch,
    response=SessionOut,
    organiser=True,
)
def patch_session(user, session_id: int, body: SessionPatch):
    """Reschedule, move or resize a session: send only what changes. The result is checked as
    a whole (room free, room large enough, taken places kept)."""

    def work() -> None:  # one unit of work, retried as the page's save is
        session = lock_session(session_id)  # the same lock update_session takes; read under it
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        recording = "recording_url" in changes
        recording_url = changes.pop("recording_url", None)
        if "meetings" in changes:
            changes["meetings"] = _meetings(body)
        if "capacity" in changes:
            changes["capacity"] = _merged_capacity(session, body)
        if changes or not recording:
            update_session(session_id, changes, actor=user)
        if recording:
            set_recording(session_id, recording_url, actor=user)

    atomic(work)
    return _answer(session_id, user)


@api(
    bp,
    "/sessions/<int:session_id>/cancel",
    "POST",
    summary="Cancel a session",
    tag="sessions",
    body=ReasonIn,
    optional_body=True,
    response=SessionOut,
    organiser=True,
)
def cancel_session(user, session_id: int, body: ReasonIn):
    """Cancels every place, request and waitlist position and tells each person (with the
    reason). The body may be left out. Cancelling a cancelled session changes nothing."""
    atomic(organiser.cancel_session, session_id, actor=user, reason=body.reason)
    return _answer(session_id, user)
