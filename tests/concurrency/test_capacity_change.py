"""An organiser raises a session's capacity while people enrol."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from booking.accounts.models import Role, User
from booking.core.db import atomic
from booking.enrolment import places, services
from booking.extensions import db
from booking.scheduling import services as scheduling
from tests.concurrency.invariants import assert_invariants, statuses
from tests.concurrency.racing import Job, enrol_job, race, unexpected

CAPACITY, WAITING, NEWCOMERS = 5, 5, 10


def _raise_job(session_id: int, organiser_id: int, capacity: int) -> Job:
    def prepare():
        organiser = db.session.get(User, organiser_id)

        def work():
            session = scheduling.update_session(
                session_id, {"capacity": {"in_person": capacity}}, actor=organiser
            )
            return session.capacity("in_person")

        return lambda: atomic(work)

    return prepare


@pytest.mark.parametrize(
    "raised_to",
    [CAPACITY + WAITING, (CAPACITY + WAITING + 2)],
)
def test_capacity_raised_while_people_enrol(app, make, raised_to):
    session = make.session(capacity={"in_person": CAPACITY})
    for _ in range(CAPACITY):
        person = make.user(password=None)
        atomic(services.enrol, session.id, person, actor=person)
    waiting = []
    for _ in range(WAITING):
        person = make.user(password=None)
        waiting.append(atomic(services.enrol, session.id, person, actor=person).enrolment.id)
    organiser = make.user(Role.ORGANISER, password=None)
    newcomers = [make.user(password=None).id for _ in range(NEWCOMERS)]
    db.session.commit()

    jobs = [_raise_job(session.id, organiser.id, raised_to)]
    jobs += [enrol_job(session.id, u) for u in newcomers]
    results = race(app, jobs)

    assert not unexpected(results)
    assert results[0].value == raised_to
    with db.engine.connect() as connection:
        promoted = list(
            connection.scalars(
                text(
                    "SELECT enrolment_id FROM outbox_messages WHERE session_id = :sid "
                    "AND kind = 'promoted' ORDER BY id"
                ),
                {"sid": session.id},
            )
        )
    extra = raised_to - CAPACITY - WAITING
    assert promoted[:WAITING] == waiting  # those waiting before come first, in order
    final = statuses(session.id)
    assert sum(1 for s, _m in final.values() if s == "confirmed") == raised_to
    newcomers_placed = [u for u in newcomers if final[u][0] == "confirmed"]
    assert len(newcomers_placed) == extra
    still_waiting = [r.value.id for r in results[1:] if final[r.value.user_id][0] != "confirmed"]
    told = places.positions(still_waiting)
    assert sorted(told.values()) == list(range(1, NEWCOMERS - extra + 1))
    assert_invariants(session.id)
