"""Attendance of a session's meetings: organisers and the session's trainers record it and
read it back. The rules are `booking.attendance.services`' (from the meeting's start,
confirmed places only, corrections until the session is closed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from pydantic import Field, RootModel

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Id, Input, Output
from booking.attendance import queries, services
from booking.attendance.models import AttendanceSource, AttendanceStatus
from booking.attendance.services import Entry
from booking.core.db import atomic
from booking.core.errors import NotFound, PermissionDenied
from booking.extensions import db
from booking.scheduling.models import Session

ATTENDANCE = "attendance"


class RecordIn(Input):
    enrolment_id: Id
    status: AttendanceStatus


class AttendanceIn(Input):
    meeting_id: Id
    records: list[RecordIn] = Field(max_length=10_000)


class RecordedOut(Output):
    recorded: int = Field(description="How many records the request named.")


class MeetingRecordOut(Output):
    meeting_id: int
    status: AttendanceStatus | None = Field(description="None: nothing recorded yet.")
    source: AttendanceSource | None


class PlaceAttendanceOut(Output):
    enrolment_id: int
    participant: str = Field(description="The participant's e-mail address.")
    meetings: list[MeetingRecordOut] = Field(description="One per meeting, in time order.")


class AttendanceOut(RootModel[list[PlaceAttendanceOut]]):
    pass


ERRORS = {
    403: "`not_a_trainer`: organisers and the session's trainers only.",
    404: "`session_not_found`.",
    409: "`not_started` (before the meeting's start), `session_closed` (no more "
    "corrections), `session_cancelled`.",
    422: "`meeting_not_in_session`, `not_a_participant` (not a confirmed place of this "
    "session), or an invalid body.",
}


def _readable(user, session_id: int) -> None:
    if db.session.get(Session, session_id) is None:
        raise NotFound(_l("No such session."), code="session_not_found")
    if not services.may_take_attendance(user, session_id):
        raise PermissionDenied(
            _l("Only organisers and the session's trainers take attendance."),
            code="not_a_trainer",
        )


@api(
    bp,
    "/sessions/<int:session_id>/attendance",
    "PUT",
    summary="Record a meeting's attendance",
    tag=ATTENDANCE,
    auth="token",
    body=AttendanceIn,
    response=RecordedOut,
    errors=ERRORS,
)
def put_attendance(user, session_id: int, body: AttendanceIn):
    """Attended, absent or excused per confirmed place at one meeting (`meeting_id` from
    `GET /sessions/{id}`). A record that exists is corrected (and audited). Places not named
    keep what they have."""
    entries = [Entry(r.enrolment_id, r.status) for r in body.records]
    recorded = atomic(services.record, session_id, body.meeting_id, entries, actor=user)
    return reply(RecordedOut(recorded=recorded))


@api(
    bp,
    "/sessions/<int:session_id>/attendance",
    "GET",
    summary="A session's attendance",
    tag=ATTENDANCE,
    auth="token",
    response=AttendanceOut,
    errors={403: ERRORS[403], 404: ERRORS[404]},
)
def get_attendance(user, session_id: int):
    """Every confirmed place (and any ended place with a record) with its record per
    meeting; `source` is how it was taken: `list`, `qr` or `online`."""
    _readable(user, session_id)
    meetings, rows = queries.roster(session_id)
    answer = []
    for row in rows:
        per_meeting = []
        for meeting in meetings:
            record = row.records.get(meeting.id)
            per_meeting.append(
                MeetingRecordOut(
                    meeting_id=meeting.id,
                    status=record.status if record else None,
                    source=record.source if record else None,
                )
            )
        answer.append(
            PlaceAttendanceOut(
                enrolment_id=row.enrolment.id,
                participant=row.enrolment.user.email,
                meetings=per_meeting,
            )
        )
    return reply(AttendanceOut(answer))
