"""Check-in by a participant's personal code (scanned from their QR code or typed): the
same service as the check-in page, `booking.attendance.checkin.check_in`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Id, Input, Output
from booking.attendance import checkin
from booking.core.db import atomic

ATTENDANCE = "attendance"


class CheckInIn(Input):
    code: str = Field(min_length=1, max_length=64, description="As printed, e.g. `K7-QM4X-9PRT`.")
    meeting_id: Id


class CheckInOut(Output):
    enrolment_id: int
    status: Literal["attended"]


@api(
    bp,
    "/check-in",
    "POST",
    summary="Check a participant in by their code",
    tag=ATTENDANCE,
    auth="token",
    body=CheckInIn,
    response=CheckInOut,
    errors={
        403: "`not_a_trainer`: organisers and the session's trainers only.",
        404: "`unknown_code` (unknown or forged code), `meeting_not_found`.",
        409: "`not_started` (before the meeting's start), `session_closed`, `session_cancelled`.",
        422: "`other_session` (a place of another session), `not_confirmed` (cancelled, "
        "waiting, ...), or an invalid body.",
    },
)
def check_in(user, body: CheckInIn):
    """Records the code's place as attended at the meeting; a repeat scan changes nothing."""
    enrolment = atomic(checkin.check_in, body.code, body.meeting_id, actor=user)
    return reply(CheckInOut(enrolment_id=enrolment.id, status="attended"))
