"""Small helpers for the enrolment engine tests."""

from __future__ import annotations

from sqlalchemy import func, select

from booking.core.db import atomic
from booking.enrolment import services
from booking.enrolment.models import BookedSlot, Enrolment
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.scheduling.models import SessionSeats


def page(client, path: str) -> str:
    """A page's HTML, after checking it answered 200."""
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def enrol(session, person, actor=None, **options):
    db.session.commit()  # the test's set-up survives a refused attempt (which rolls back)
    return atomic(services.enrol, session.id, person, actor=actor or person, **options)


def state(enrolment_id: int) -> tuple[str, str]:
    db.session.rollback()
    enrolment = db.session.get(Enrolment, enrolment_id)
    return enrolment.status, enrolment.mode


def seats(session_id: int, mode: str) -> SessionSeats:
    db.session.rollback()
    return db.session.get(SessionSeats, (session_id, mode))


def messages(kind: str, user=None) -> int:
    query = select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == kind)
    if user is not None:
        query = query.where(OutboxMessage.user_id == user.id)
    return db.session.scalar(query)


def slots(enrolment_id: int) -> int:
    return db.session.scalar(
        select(func.count(BookedSlot.id)).where(BookedSlot.enrolment_id == enrolment_id)
    )


def counters_match(session_id: int) -> None:
    """The counters agree with the enrolments (what invariant 1, capacity, rests on)."""
    db.session.rollback()
    for row in db.session.scalars(
        select(SessionSeats).where(SessionSeats.session_id == session_id)
    ):
        confirmed = db.session.scalar(
            select(func.count(Enrolment.id)).where(
                Enrolment.session_id == session_id,
                Enrolment.mode == row.mode,
                Enrolment.status == "confirmed",
            )
        )
        held = db.session.scalar(
            select(func.count(Enrolment.id)).where(
                Enrolment.session_id == session_id,
                Enrolment.mode == row.mode,
                Enrolment.status.in_(["pending_approval", "offered"]),
            )
        )
        assert (row.confirmed, row.held) == (confirmed, held), row.mode
        assert row.confirmed + row.held + row.reserved <= row.capacity
