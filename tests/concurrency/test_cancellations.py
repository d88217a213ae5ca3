"""Concurrent cancellations with a waitlist, and a person enrolling and cancelling at once."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from booking.core.db import atomic
from booking.enrolment import places, services
from booking.extensions import db
from tests.concurrency.invariants import assert_invariants, kinds_count, statuses
from tests.concurrency.racing import (
    cancel_job,
    enrol_job,
    race,
    unexpected,
)

CAPACITY = 10


def _enrol_in_order(make, session_id: int, count: int) -> list[tuple[int, int]]:
    """(user id, enrolment id) of `count` people enrolled one after the other."""
    made = []
    for _ in range(count):
        person = make.user(password=None)
        outcome = atomic(services.enrol, session_id, person, actor=person)
        made.append((person.id, outcome.enrolment.id))
    return made


def _promotion_order(session_id: int) -> list[int]:
    """Enrolment ids in the order their promotion was written (outbox ids are sequential)."""
    with db.engine.connect() as connection:
        return list(
            connection.scalars(
                text(
                    "SELECT enrolment_id FROM outbox_messages WHERE session_id = :sid "
                    "AND kind = 'promoted' ORDER BY id"
                ),
                {"sid": session_id},
            )
        )


@pytest.mark.parametrize(
    ("cancelling", "waiting"),
    [(8, 6), (8, 12), (3, 12)],
)
def test_concurrent_cancellations_promote_the_first_in_line_once(app, make, cancelling, waiting):
    session = make.session(capacity={"in_person": CAPACITY})
    holders = _enrol_in_order(make, session.id, CAPACITY)
    queue = _enrol_in_order(make, session.id, waiting)
    db.session.commit()
    leaving = holders[:cancelling]

    results = race(app, [cancel_job(enrolment_id, user_id) for user_id, enrolment_id in leaving])

    assert not unexpected(results)
    assert all(r.value.status == "cancelled" for r in results)
    promoted = [i for r in results for i in r.value.promoted]
    expected = min(cancelling, waiting)
    in_line = [enrolment_id for _user, enrolment_id in queue]
    assert len(promoted) == len(set(promoted)) == expected  # nobody twice
    assert set(promoted) == set(in_line[:expected])  # the first in line, no one else
    assert _promotion_order(session.id) == in_line[:expected]  # in waitlist order
    final = statuses(session.id)
    for user_id, _enrolment in queue[:expected]:
        assert final[user_id] == ("confirmed", "in_person")
    still_waiting = [e for _u, e in queue[expected:]]
    assert places.positions(still_waiting) == {e: n for n, e in enumerate(still_waiting, 1)}
    confirmed = sum(1 for status, _mode in final.values() if status == "confirmed")
    assert confirmed == CAPACITY - cancelling + expected
    assert_invariants(session.id)
    kinds = kinds_count(session.id)
    assert kinds["cancelled"] == cancelling
    assert kinds["promoted"] == expected


def test_enrol_and_cancel_by_the_same_person_at_once(app, make):
    capacity, waiting = 5, 3
    session = make.session(capacity={"in_person": capacity})
    holders = _enrol_in_order(make, session.id, capacity)
    _enrol_in_order(make, session.id, waiting)
    db.session.commit()

    jobs = []
    for user_id, enrolment_id in holders:
        jobs += [cancel_job(enrolment_id, user_id), enrol_job(session.id, user_id)]
    results = race(app, jobs)

    assert not unexpected(results)
    with db.engine.connect() as connection:
        active = dict(
            connection.execute(
                text(
                    "SELECT user_id, id FROM enrolments WHERE session_id = :sid AND status IN "
                    "('confirmed', 'waitlisted', 'pending_approval', 'offered')"
                ),
                {"sid": session.id},
            ).all()
        )
    recreated = 0
    for index, (user_id, old_id) in enumerate(holders):
        cancelled, enrolled = results[2 * index].value, results[2 * index + 1].value
        assert cancelled.id == old_id and cancelled.status == "cancelled"
        if enrolled.created:  # the cancellation came first: a new enrolment
            recreated += 1
            assert enrolled.id != old_id
            assert active[user_id] == enrolled.id
        else:  # the enrolment came first: it was the existing place, which then ended
            assert enrolled.id == old_id
            assert user_id not in active
    confirmed = sum(1 for s, _m in statuses(session.id).values() if s == "confirmed")
    assert confirmed == min(capacity, waiting + recreated)
    assert_invariants(session.id)
    assert kinds_count(session.id)["cancelled"] == capacity


def test_cancelling_the_same_place_twice_at_once_frees_it_once(app, make):
    session = make.session(capacity={"in_person": 2})
    holders = _enrol_in_order(make, session.id, 2)
    queue = _enrol_in_order(make, session.id, 3)
    organiser = make.user("organiser", password=None)
    db.session.commit()
    user_id, enrolment_id = holders[0]

    jobs = [cancel_job(enrolment_id, user_id) for _ in range(5)]
    jobs += [cancel_job(enrolment_id, organiser.id) for _ in range(5)]
    results = race(app, jobs)

    assert not unexpected(results)
    promoted = [i for r in results for i in r.value.promoted]
    assert promoted == [queue[0][1]]
    assert kinds_count(session.id)["cancelled"] == 1
    assert_invariants(session.id)
