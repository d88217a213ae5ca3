"""The narrowest form of the race: one enrolment waits for the session lock while another
takes the last place and commits. What the waiting one reads after the wait decides whether
the session is overbooked. Deterministic: the first holds the lock until the second waits."""

from __future__ import annotations

import threading
import time

from booking.accounts.models import User
from booking.core.db import atomic
from booking.enrolment import services
from booking.extensions import db
from tests.concurrency.invariants import assert_invariants, statuses
from tests.concurrency.racing import placed, race, unexpected


def test_an_enrolment_that_waited_for_the_lock_sees_the_place_taken_before_it(app, make):
    session = make.session(capacity={"in_person": 1})
    first, second = make.user(password=None).id, make.user(password=None).id
    db.session.commit()
    holding = threading.Event()

    def takes_the_last_place():
        person = db.session.get(User, first)

        def act():
            outcome = services.enrol(session.id, person, actor=person)
            holding.set()
            time.sleep(0.5)  # the other is now waiting for the session lock
            db.session.commit()
            return placed(outcome.enrolment)

        return act

    def waits_for_the_lock():
        person = db.session.get(User, second)

        def act():
            assert holding.wait(10)
            outcome = atomic(services.enrol, session.id, person, actor=person)
            return placed(outcome.enrolment, outcome.created, outcome.position)

        return act

    results = race(app, [takes_the_last_place, waits_for_the_lock])

    assert not unexpected(results)
    assert results[0].value.status == "confirmed"
    assert (results[1].value.status, results[1].value.position) == ("waitlisted", 1)
    assert statuses(session.id) == {
        first: ("confirmed", "in_person"),
        second: ("waitlisted", "in_person"),
    }
    assert_invariants(session.id)
