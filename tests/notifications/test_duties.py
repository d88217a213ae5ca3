"""Periodic duties: reminders before a session (once per confirmed place, in a window), and
the leader lock that lets several workers run each tick exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from booking.core.db import atomic, utcnow
from booking.enrolment import services
from booking.enrolment.models import Enrolment
from booking.enrolment.reminders import queue_reminders
from booking.extensions import db
from booking.notifications.duties import leadership_for, run_tick
from booking.notifications.models import OutboxMessage
from tests.enrolment.helpers import enrol


def hours_ahead(hours: float):
    return (utcnow() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def reminded_users() -> list[int]:
    db.session.rollback()
    return sorted(
        db.session.scalars(select(OutboxMessage.user_id).where(OutboxMessage.kind == "reminder"))
    )


def in_threads(app, jobs):
    """Run every job in its own thread and app context, released together."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)
    errors = []

    def run(index, job):
        with app.app_context():
            try:
                barrier.wait(timeout=20)
                results[index] = job()
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_reminders_go_to_confirmed_places_of_sessions_starting_within_the_window(make):
    now = utcnow()
    soon = make.session(capacity={"in_person": 2}, start=hours_ahead(10))
    far = make.session(start=hours_ahead(30))
    a, b, c, d, f = (make.user() for _ in range(5))
    enrol(soon, a)
    cancelled = enrol(soon, b).enrolment
    enrol(soon, c)  # waitlisted, then promoted when b cancels
    enrol(soon, d)  # stays on the waitlist
    enrol(far, f)
    atomic(services.cancel, cancelled.id, actor=b)

    assert atomic(queue_reminders, now) == 2
    assert reminded_users() == sorted([a.id, c.id])
    marked = db.session.scalars(select(Enrolment).where(Enrolment.reminder_sent_at.is_not(None)))
    assert sorted(e.user_id for e in marked) == sorted([a.id, c.id])
    reminder = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    assert {(m.session_id, m.enrolment_id is not None) for m in reminder} == {(soon.id, True)}

    # A second run (the next tick, or another worker) queues nothing again.
    assert atomic(queue_reminders, now) == 0
    assert reminded_users() == sorted([a.id, c.id])


def test_no_reminder_once_the_session_has_started_and_the_window_is_configurable(app, make):
    started = make.session(start=hours_ahead(2))
    later = make.session(start=hours_ahead(40))
    early, late = make.user(), make.user()
    enrol(started, early)
    enrol(later, late)
    after_start = utcnow() + timedelta(hours=3)
    assert atomic(queue_reminders, after_start) == 0  # `later` is 37 hours away
    assert atomic(queue_reminders, after_start, 48) == 1  # a 48-hour window reaches it
    assert reminded_users() == [late.id]


def test_reminders_in_batches_cost_the_same_statements_for_few_and_many(
    make, count_queries, is_postgres
):
    """Reads and marks per batch, not per place. The outbox INSERTs go as one statement per
    batch on PostgreSQL; SQLAlchemy sends them row by row on SQLite (no ordered RETURNING
    for a batch there), so there only the other statements are counted."""

    def statements(people: int, batch: int) -> int:
        session = make.session(capacity={"in_person": people}, start=hours_ahead(5))
        for _ in range(people):
            enrol(session, make.user())
        db.session.commit()
        count_queries.reset()
        assert queue_reminders(batch=batch) == people
        used = len(
            [
                sql
                for sql in count_queries.statements
                if is_postgres or not sql.lstrip().upper().startswith("INSERT")
            ]
        )
        db.session.commit()
        return used

    few = statements(3, batch=50)
    many = statements(18, batch=50)
    assert many == few, (few, many)
    assert statements(5, batch=2) > few  # three batches of at most two; everyone reminded
    assert len(reminded_users()) == 3 + 18 + 5


def test_each_tick_runs_once_with_two_workers_and_the_next_leader_takes_over(app, make):
    session = make.session(capacity={"in_person": 5}, start=hours_ahead(6))
    people = [make.user() for _ in range(3)]
    for person in people:
        enrol(session, person)
    db.session.commit()
    workers = [leadership_for(db.engine), leadership_for(db.engine)]
    try:
        ran = []
        for _tick in range(3):
            results = in_threads(app, [lambda w=w: run_tick(w) for w in workers])
            assert sum(r is not None for r in results) == 1, results  # one leader per tick
            ran.append(next(i for i, r in enumerate(results) if r is not None))
            assert results[ran[-1]]["reminders"] == (3 if _tick == 0 else 0)
        assert len(set(ran)) == 1  # the same leader every tick while it lives
        assert reminded_users() == sorted(p.id for p in people)

        workers[ran[0]].release()  # the leader stops (or dies: its lock goes with it)
        assert run_tick(workers[1 - ran[0]]) is not None  # the other worker leads now
        assert run_tick(workers[1 - ran[0]]) is not None
        assert reminded_users() == sorted(p.id for p in people)  # still one reminder each
    finally:
        for w in workers:
            w.release()


def test_a_tick_runs_the_engine_duties_too(app, make):
    """An offer that was not answered in time is let go by the tick (run_duties)."""
    from booking.enrolment.models import EnrolmentStatus

    session = make.session(capacity={"in_person": 1}, start=hours_ahead(72), promotion="offer")
    holder, waiting = make.user(), make.user()
    placed = enrol(session, holder).enrolment
    offered = enrol(session, waiting).enrolment
    atomic(services.cancel, placed.id, actor=holder)  # the place is offered to `waiting`
    db.session.rollback()
    assert db.session.get(Enrolment, offered.id).status == EnrolmentStatus.OFFERED
    db.session.get(Enrolment, offered.id).offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    leader = leadership_for(db.engine)
    try:
        totals = run_tick(leader)
    finally:
        leader.release()
    assert totals["expired"] == 1
    db.session.rollback()
    assert db.session.get(Enrolment, offered.id).status == EnrolmentStatus.EXPIRED
    assert db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "offer_expired")
    )
