"""Reminders before a session: one per confirmed place, queued once (a periodic duty the
leading worker runs on every tick; registered in `booking.enrolment.duties`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager, selectinload

from booking.core.db import atomic, utcnow
from booking.enrolment.messages import MessageKind
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.notifications.services import queue
from booking.scheduling.models import Session, SessionStatus

BATCH = 200


def queue_reminders(
    now: datetime | None = None, hours: float | None = None, batch: int = BATCH
) -> int:
    """Queue a reminder for every confirmed place whose session starts within `hours`
    (REMINDER_HOURS) and has not started, once per place; returns how many were queued.

    Runs inside the caller's transaction (one for all batches). Each batch costs a fixed
    number of statements whatever its size: the places with their sessions and people, one
    UPDATE that marks them, and the outbox INSERTs (sent together). The UPDATE only marks
    places that are still confirmed and unreminded when it runs (PostgreSQL re-checks a row
    that a concurrent cancellation changed), and only those get a message: a reminder is
    never queued twice, nor for a place cancelled meanwhile, even if two runs overlap.
    """
    now = now or utcnow()
    hours = float(current_app.config["REMINDER_HOURS"] if hours is None else hours)
    until = now + timedelta(hours=hours)
    queued, after = 0, 0
    while True:
        places = db.session.scalars(
            select(Enrolment)
            .join(Enrolment.session)
            .where(
                Enrolment.id > after,
                Enrolment.status == EnrolmentStatus.CONFIRMED,
                Enrolment.reminder_sent_at.is_(None),
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_at > now,
                Session.starts_at <= until,
            )
            .order_by(Enrolment.id)
            .limit(batch)
            .options(contains_eager(Enrolment.session), selectinload(Enrolment.user))
        ).all()
        if not places:
            return queued
        after = places[-1].id
        marked = set(
            db.session.scalars(
                update(Enrolment)
                .where(
                    Enrolment.id.in_([place.id for place in places]),
                    Enrolment.status == EnrolmentStatus.CONFIRMED,
                    Enrolment.reminder_sent_at.is_(None),
                )
                .values(reminder_sent_at=now)
                .returning(Enrolment.id)
                .execution_options(synchronize_session=False)
            )
        )
        for place in places:
            if place.id in marked:
                queue(place.user, MessageKind.REMINDER, session=place.session, enrolment=place)
        db.session.flush()
        queued += len(marked)
        if len(places) < batch:
            return queued


def reminders_duty(now: datetime | None = None) -> dict:
    """The periodic duty: every reminder that is due, in one transaction."""
    return {"reminders": atomic(queue_reminders, now)}
