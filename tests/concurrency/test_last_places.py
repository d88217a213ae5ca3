"""Many people racing for the last places of each mode of a hybrid session; the same person
submitting the same enrolment from many threads at once."""

from __future__ import annotations

from collections import Counter

import pytest

from booking.accounts.models import User
from booking.core.db import atomic
from booking.enrolment import places, services
from booking.extensions import db
from tests.concurrency.invariants import assert_invariants, kinds_count, statuses
from tests.concurrency.racing import enrol_job, race, unexpected

FREE = {"in_person": 5, "online": 5}
TAKEN = {"in_person": 3, "online": 2}
RACERS_PER_MODE = 20


def _people(make, count: int) -> list[int]:
    return [make.user(password=None).id for _ in range(count)]


@pytest.mark.parametrize("round_", range(3))
def test_racing_for_the_last_places_of_each_mode(app, make, round_):
    capacity = {m: FREE[m] + TAKEN[m] for m in FREE}
    session = make.session(mode="hybrid", capacity=capacity)
    for mode, count in TAKEN.items():
        for user_id in _people(make, count):
            early = db.session.get(User, user_id)
            atomic(services.enrol, session.id, early, actor=early, mode=mode)
    racers = {m: _people(make, RACERS_PER_MODE) for m in FREE}
    db.session.commit()

    jobs = [enrol_job(session.id, u, mode=m) for m in FREE for u in racers[m]]
    results = race(app, jobs)

    assert not unexpected(results)
    for mode in FREE:
        mine = [r.value for r in results if r.value.mode == mode]
        got = Counter(p.status for p in mine)
        assert got == {"confirmed": FREE[mode], "waitlisted": RACERS_PER_MODE - FREE[mode]}
        assert all(p.created for p in mine)
    final = statuses(session.id)
    for mode in FREE:
        confirmed = [u for u, (s, m) in final.items() if m == mode and s == "confirmed"]
        waiting = [u for u, (s, m) in final.items() if m == mode and s == "waitlisted"]
        assert len(confirmed) == capacity[mode]
        assert len(waiting) == RACERS_PER_MODE - FREE[mode]
    assert_invariants(session.id)
    kinds = kinds_count(session.id)
    assert kinds["enrolment_confirmed"] == sum(capacity.values())
    assert kinds["waitlisted"] == 2 * RACERS_PER_MODE - sum(FREE.values())


@pytest.mark.parametrize("full", [False, True], ids=["free", "full"])
def test_double_submit_from_ten_threads_makes_one_enrolment(app, make, full):
    session = make.session(capacity={"in_person": 1})
    if full:
        first = make.user(password=None)
        atomic(services.enrol, session.id, first, actor=first)
    person = make.user(password=None).id
    db.session.commit()

    results = race(app, [enrol_job(session.id, person) for _ in range(10)])

    assert not unexpected(results)
    outcomes = [r.value for r in results]
    created = [p for p in outcomes if p.created]
    assert len(created) == 1
    assert {p.id for p in outcomes} == {created[0].id}
    wanted = "waitlisted" if full else "confirmed"
    assert {p.status for p in outcomes} == {wanted}
    if full:
        assert {p.position for p in outcomes} == {1}
    assert statuses(session.id)[person] == (wanted, "in_person")
    assert_invariants(session.id)
    kinds = kinds_count(session.id)
    assert kinds["enrolment_confirmed"] == 1
    assert kinds["waitlisted"] == (1 if full else 0)


def test_people_joining_a_full_waitlist_at_once_are_told_their_true_positions(app, make):
    session = make.session(capacity={"in_person": 1})
    first = make.user(password=None)
    atomic(services.enrol, session.id, first, actor=first)
    people = _people(make, RACERS_PER_MODE)
    db.session.commit()

    results = race(app, [enrol_job(session.id, u) for u in people])

    assert not unexpected(results)
    assert {r.value.status for r in results} == {"waitlisted"}
    told = {r.value.id: r.value.position for r in results}
    assert_invariants(session.id)
    assert sorted(told.values()) == list(range(1, RACERS_PER_MODE + 1))
    assert places.positions(list(told)) == told  # what they were told is still true
