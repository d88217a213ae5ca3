"""Read-only counts over enrolments for lists and answers: one statement for many sessions."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from booking.enrolment.models import Enrolment
from booking.enrolment.places import IN_QUEUE, queued_mode
from booking.extensions import db
from booking.scheduling.models import SeatMode


def waitlist_counts(session_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """People waiting per session and attendance mode, for a whole list in one query.

    A confirmed participant of a hybrid session who also waits for the other mode counts in
    that mode's queue, as they are promoted from it. Sessions without anyone waiting get
    zeros, so callers need not care which sessions had rows.
    """
    ids = sorted(set(session_ids))
    counts = {i: {SeatMode.IN_PERSON.value: 0, SeatMode.ONLINE.value: 0} for i in ids}
    if not ids:
        return counts
    waiting = (
        select(Enrolment.session_id.label("session_id"), queued_mode.label("mode"))
        .where(Enrolment.session_id.in_(ids), IN_QUEUE)
        .subquery()
    )
    rows = db.session.execute(
        select(waiting.c.session_id, waiting.c.mode, func.count()).group_by(
            waiting.c.session_id, waiting.c.mode
        )
    )
    for session_id, mode, count in rows:
        if mode in counts[session_id]:
            counts[session_id][mode] = count
    return counts
