"""The bug the engine's lock prevents: check the free places, then insert, without a lock.

Kept so the suite proves it can catch overbooking: the same race and the same invariant
check that pass for `services.enrol` fail for this naive version.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from booking.core.db import utcnow
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import SessionSeats
from tests.concurrency.invariants import invariant_problems
from tests.concurrency.racing import race, unexpected

CAPACITY, TAKEN, RACERS = 5, 3, 10


def _naive_job(session_id: int, user_id: int):
    def prepare():
        def act():
            confirmed = db.session.scalar(
                select(func.count(Enrolment.id)).where(
                    Enrolment.session_id == session_id, Enrolment.status == "confirmed"
                )
            )
            if confirmed >= CAPACITY:
                return "full"
            time.sleep(0.2)  # everyone has read the count before anyone writes
            db.session.add(
                Enrolment(
                    session_id=session_id,
                    user_id=user_id,
                    mode="in_person",
                    status="confirmed",
                    confirmed_at=utcnow(),
                )
            )
            seats = db.session.get(SessionSeats, (session_id, "in_person"))
            seats.confirmed = confirmed + 1
            db.session.commit()
            return "confirmed"

        return act

    return prepare


def test_naive_check_then_insert_overbooks_and_the_check_sees_it(app, make):
    session = make.session(capacity={"in_person": CAPACITY})
    db.session.add_all(
        Enrolment(
            session_id=session.id,
            user_id=make.user(password=None).id,
            mode="in_person",
            status="confirmed",
            confirmed_at=utcnow(),
        )
        for _ in range(TAKEN)
    )
    db.session.get(SessionSeats, (session.id, "in_person")).confirmed = TAKEN
    people = [make.user(password=None).id for _ in range(RACERS)]
    db.session.commit()

    results = race(app, [_naive_job(session.id, u) for u in people])

    assert not unexpected(results)
    confirmed = db.session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.session_id == session.id, Enrolment.status == "confirmed"
        )
    )
    assert confirmed == TAKEN + RACERS > CAPACITY  # every racer got a place: overbooked
    problems = invariant_problems(session.id)
    assert any("overbooked" in p for p in problems), problems
    assert any("counter confirmed=4 but 13 confirmed enrolments" in p for p in problems)
