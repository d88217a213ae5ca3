"""Several workers draining one outbox at once send every message exactly once.

On PostgreSQL the workers are real threads with their own connections, racing through
`FOR UPDATE SKIP LOCKED`. On SQLite (one writer) the same race runs through the lease
claim, with the production setting BEGIN IMMEDIATE.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from booking.accounts.models import User
from booking.core.db import atomic
from booking.enrolment import services
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.worker import drain
from tests.conftest import make_app
from tests.enrolment.helpers import enrol
from tests.notifications.test_smtp import smtp_server
from tests.notifications.test_worker import queue_messages

FIXTURES = (smtp_server,)


@pytest.fixture
def racing_app(app, database_url, is_postgres):
    if is_postgres:
        yield app
        return
    immediate = make_app(database_url, SQLITE_BEGIN="IMMEDIATE")
    yield immediate
    with immediate.app_context():
        db.engine.dispose()


def race(app, jobs, timeout: float = 120):
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(index, job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = job()
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, j), daemon=True) for i, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a worker did not finish"
    assert not errors, errors
    return results


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_draining_at_once_deliver_every_message_exactly_once(
    racing_app, make, smtp_server, workers
):
    queue_messages(make, 40)
    smtp_server.handler.delay = 0.01  # a server that takes a moment, so the workers overlap
    results = race(racing_app, [lambda: drain(backend=smtp_server.backend())] * workers)
    assert sum(r.sent for r in results) == 40
    assert all(r.retried == r.failed == 0 for r in results)
    assert all(r.sent > 0 for r in results), [r.sent for r in results]  # they really shared
    db.session.rollback()
    sent = db.session.scalars(select(OutboxMessage)).all()
    assert {m.status for m in sent} == {"sent"} and {m.attempts for m in sent} == {1}
    assert smtp_server.handler.message_ids() == Counter({m.message_id: 1 for m in sent})


def test_while_a_message_is_being_sent_the_engine_can_change_its_session(
    racing_app, make, smtp_server
):
    """The worker holds no lock of the engine while it talks to the mail server: only its
    outbox row on PostgreSQL, nothing at all on SQLite."""
    session = make.session(capacity={"in_person": 2})
    person = make.user()
    place = enrol(session, person).enrolment
    db.session.commit()
    smtp_server.handler.gate.clear()  # the server sits on the first message until told
    sending = threading.Thread(
        target=race, args=(racing_app, [lambda: drain(backend=smtp_server.backend(timeout=60))])
    )
    sending.start()
    try:
        deadline = time.monotonic() + 20
        while smtp_server.handler.started == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert smtp_server.handler.started == 1
        place_id, person_id = place.id, person.id

        def cancel():
            actor = db.session.get(User, person_id)
            return atomic(services.cancel, place_id, actor=actor)

        cancelling = threading.Thread(target=race, args=(racing_app, [cancel]))
        cancelling.start()  # locks the session row and writes, while the send is under way
        cancelling.join(30)
        assert not cancelling.is_alive(), "the cancellation waited for the mail server"
        assert smtp_server.handler.received == []  # the message was still being sent
    finally:
        smtp_server.handler.gate.set()
        sending.join(30)
    db.session.rollback()
    statuses = dict(db.session.execute(select(OutboxMessage.kind, OutboxMessage.status)).all())
    assert statuses == {"enrolment_confirmed": "sent", "cancelled": "sent"}  # same pass
