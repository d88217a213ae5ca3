"""Attendance of a session's meetings: organisers and the session's trainers record it and
read it back; organisers name the trainers and close the session. The rules are
`booking.attendance.services`' (from the meeting's start, confirmed places only,
corrections until the session is closed)."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from pydantic import Field, RootModel

from booking.accounts.models import User
from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Email, Id, Input, Output
from booking.attendance import queries, services
from booking.attendance.models import (
    AttendanceSource,
    AttendanceStatus,
    SessionClosure,
    SessionTrainer,
)
from booking.attendance.services import Entry
from booking.core.db import atomic
from booking.core.errors import NotFound
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
    services.attendance_session(session_id, user)  # 404 when hidden, then 403


@api(
    bp,
    "/sessions/<int:session_id>/attendance",
    "PUT",
    summary="Record a meeting's attendance",
    tag=ATTENDANCE,
    auth="token",
    guard=_readable,
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


# -- trainers and closing ------------------------------------------------------------------


class TrainerIn(Input):
    email: Email


class TrainerOut(Output):
    user_id: int
    email: str
    name: str
    named_at: datetime


class TrainersOut(RootModel[list[TrainerOut]]):
    pass


class CloseIn(Input):
    """Nothing to send: an empty body (or none) closes."""


class ClosureOut(Output):
    session_id: int
    closed_at: datetime
    closed_by: str | None = Field(description="The organiser's e-mail address.")


def trainer_out(trainer: SessionTrainer) -> TrainerOut:
    return TrainerOut(
        user_id=trainer.user_id,
        email=trainer.user.email,
        name=trainer.user.name,
        named_at=trainer.named_at,
    )


def closure_out(closure: SessionClosure) -> ClosureOut:
    closer = db.session.get(User, closure.closed_by_id) if closure.closed_by_id else None
    return ClosureOut(
        session_id=closure.session_id,
        closed_at=closure.closed_at,
        closed_by=closer.email if closer else None,
    )


@api(
    bp,
    "/sessions/<int:session_id>/trainers",
    "GET",
    summary="A session's trainers",
    tag=ATTENDANCE,
    organiser=True,
    response=TrainersOut,
    errors={404: ERRORS[404]},
)
def get_trainers(user, session_id: int):
    """The people named to take this session's attendance, besides the organisers."""
    if db.session.get(Session, session_id) is None:
        raise NotFound(_l("No such session."), code="session_not_found")
    return reply(TrainersOut([trainer_out(t) for t in queries.trainers(session_id)]))


@api(
    bp,
    "/sessions/<int:session_id>/trainers",
    "POST",
    summary="Name a trainer of a session",
    tag=ATTENDANCE,
    organiser=True,
    body=TrainerIn,
    response=TrainerOut,
    status=201,
    errors={
        404: ERRORS[404],
        422: "`unknown_person` (no active account has this address), or an invalid body.",
    },
    repeat="The person is a trainer of the session already: unchanged.",
)
def add_trainer(user, session_id: int, body: TrainerIn):
    """The person (any active account) may then take the session's attendance."""

    def work():
        trainer, new = services.name_trainer(session_id, body.email, actor=user)
        return new, trainer_out(trainer)

    new, answer = atomic(work)
    if not new:
        return reply(answer)
    return reply(answer, 201, location=url_for("api.get_trainers", session_id=session_id))


class RemovedOut(Output):
    removed: bool = Field(description="False: the person was not a trainer of the session.")


@api(
    bp,
    "/sessions/<int:session_id>/trainers/<int:user_id>",
    "DELETE",
    summary="Remove a trainer of a session",
    tag=ATTENDANCE,
    organiser=True,
    response=RemovedOut,
    errors={404: ERRORS[404]},
)
def remove_trainer(user, session_id: int, user_id: int):
    """What they recorded stays."""
    removed = atomic(services.remove_trainer, session_id, user_id, actor=user)
    return reply(RemovedOut(removed=removed))


@api(
    bp,
    "/sessions/<int:session_id>/close",
    "POST",
    summary="Close a session's attendance",
    tag=ATTENDANCE,
    organiser=True,
    body=CloseIn,
    optional_body=True,
    response=ClosureOut,
    errors={
        404: ERRORS[404],
        409: "`not_ended` (before the last meeting's end), `session_cancelled`.",
    },
)
def close_session(user, session_id: int, body: CloseIn):
    """No more corrections afterwards; certifications awarded on this attendance are then
    revoked with a reason, not withdrawn. A repeat answers the existing closure."""

    def work():
        closure, _new = services.close(session_id, actor=user)
        return closure_out(closure)

    return reply(atomic(work))
