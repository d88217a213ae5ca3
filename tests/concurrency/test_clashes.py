"""One person, two overlapping sessions (parallel festival slots), two threads at once."""

from __future__ import annotations

from datetime import timedelta

from booking.core.db import atomic
from booking.enrolment import services
from booking.extensions import db
from tests.concurrency.invariants import assert_invariants, statuses
from tests.concurrency.racing import cancel_job, enrol_job, race, unexpected

PEOPLE = 15


def _parallel_sessions(make, capacity: int, second_capacity: int | None = None):
    start = make.future(days=12)
    first = make.session(capacity={"in_person": capacity}, start=start, hours=3)
    second = make.session(
        capacity={"in_person": second_capacity or capacity}, start=start + timedelta(hours=1)
    )
    return first, second


def test_one_place_at_a_time_when_enrolling_in_two_slots_at_once(app, make):
    first, second = _parallel_sessions(make, PEOPLE)
    people = [make.user(password=None).id for _ in range(PEOPLE)]
    db.session.commit()

    jobs = [enrol_job(s.id, u) for u in people for s in (first, second)]
    results = race(app, jobs)

    assert not unexpected(results, "clash")
    for index, _person in enumerate(people):
        pair = results[2 * index : 2 * index + 2]
        assert sorted(r.ok for r in pair) == [False, True]  # one place, one refusal
        refused = next(r for r in pair if not r.ok)
        assert refused.code() == "clash"
        assert next(r for r in pair if r.ok).value.status == "confirmed"
    assert_invariants(first.id, second.id)


def test_waitlisted_in_the_full_slot_and_placed_in_the_other(app, make):
    first, second = _parallel_sessions(make, PEOPLE, second_capacity=1)
    someone = make.user(password=None)
    atomic(services.enrol, second.id, someone, actor=someone)
    people = [make.user(password=None).id for _ in range(PEOPLE)]
    db.session.commit()

    results = race(app, [enrol_job(s.id, u) for u in people for s in (first, second)])

    assert not unexpected(results)
    places_first, places_second = statuses(first.id), statuses(second.id)
    for person in people:
        assert places_first[person] == ("confirmed", "in_person")
        assert places_second[person] == ("waitlisted", "in_person")
    assert_invariants(first.id, second.id)


def test_promotion_racing_an_enrolment_in_the_parallel_slot(app, make):
    """P waits first in line for the full slot B while enrolling in the parallel slot A, just
    as a place in B frees up: P ends with exactly one place; if A came first, P keeps their
    position in B and the next in line gets the place."""
    pairs = 5
    slot_a, slot_b = _parallel_sessions(make, 10, second_capacity=pairs)
    holders = []
    for _ in range(pairs):
        person = make.user(password=None)
        holders.append(
            (person.id, atomic(services.enrol, slot_b.id, person, actor=person).enrolment.id)
        )
    waiting = [make.user(password=None) for _ in range(2 * pairs)]
    for person in waiting:
        atomic(services.enrol, slot_b.id, person, actor=person)
    first_in_line = [p.id for p in waiting[:pairs]]
    behind = [p.id for p in waiting[pairs:]]
    db.session.commit()

    jobs = []
    for (holder, enrolment_id), person in zip(holders, first_in_line, strict=True):
        jobs += [cancel_job(enrolment_id, holder), enrol_job(slot_a.id, person)]
    results = race(app, jobs)

    assert not unexpected(results, "clash")
    in_a, in_b = statuses(slot_a.id), statuses(slot_b.id)
    went_to_a = 0
    for index, person in enumerate(first_in_line):
        enrolled = results[2 * index + 1]
        if enrolled.ok:  # A first: B's promotion passed them by, they keep their position
            went_to_a += 1
            assert enrolled.value.status == "confirmed"
            assert in_b[person] == ("waitlisted", "in_person")
        else:  # B's promotion first: A refused them
            assert enrolled.code() == "clash"
            assert person not in in_a
            assert in_b[person] == ("confirmed", "in_person")
    promoted = [i for r in results[0::2] for i in r.value.promoted]
    assert len(promoted) == len(set(promoted)) == pairs
    promoted_behind = [u for u in behind if in_b[u][0] == "confirmed"]
    assert promoted_behind == behind[:went_to_a]
    assert_invariants(slot_a.id, slot_b.id)
