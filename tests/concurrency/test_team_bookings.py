"""Team bookings racing individual enrolments for the same last places."""

from __future__ import annotations

import pytest

from booking.accounts.models import Role, User
from booking.core.db import atomic
from booking.enrolment import services, team
from booking.extensions import db
from tests.concurrency.invariants import assert_invariants, kinds_count, statuses
from tests.concurrency.racing import Job, enrol_job, race, unexpected

CAPACITY, TAKEN, TEAM_SIZE = 10, 4, 4
FREE = CAPACITY - TAKEN


def _book_job(session_id: int, leader_id: int, member_ids: list[int], all_or_nothing: bool) -> Job:
    def prepare():
        leader = db.session.get(User, leader_id)

        def work():
            lines = team.book_team(
                session_id, member_ids, actor=leader, all_or_nothing=all_or_nothing
            )
            return [(line.user.id, str(line.outcome)) for line in lines]

        return lambda: atomic(work)

    return prepare


def _team(make) -> tuple[int, list[int]]:
    leader = make.user(Role.TEAM_LEADER, password=None)
    members = [make.user(team_=leader.team, password=None).id for _ in range(TEAM_SIZE)]
    return leader.id, members


def _session_with_last_places(make):
    session = make.session(capacity={"in_person": CAPACITY})
    for _ in range(TAKEN):
        person = make.user(password=None)
        atomic(services.enrol, session.id, person, actor=person)
    return session


def _has_no_enrolment(session_id: int, user_ids: list[int]) -> bool:
    final = statuses(session_id)
    return not any(u in final for u in user_ids)


@pytest.mark.parametrize("round_", range(3))
def test_team_bookings_and_individuals_racing_never_overbook(app, make, round_):
    session = _session_with_last_places(make)
    whole_leader, whole_team = _team(make)
    some_leader, some_team = _team(make)
    individuals = [make.user(password=None).id for _ in range(FREE)]
    db.session.commit()

    jobs = [
        _book_job(session.id, whole_leader, whole_team, all_or_nothing=True),
        _book_job(session.id, some_leader, some_team, all_or_nothing=False),
        *(enrol_job(session.id, u) for u in individuals),
    ]
    results = race(app, jobs)

    assert not unexpected(results, "not_enough_places")
    whole, some = results[0], results[1]
    final = statuses(session.id)
    if whole.ok:  # all of them got a place, now
        assert [o for _u, o in whole.value] == ["confirmed"] * TEAM_SIZE
        assert all(final[u] == ("confirmed", "in_person") for u in whole_team)
    else:  # nobody of them was booked at all
        assert whole.code() == "not_enough_places"
        assert _has_no_enrolment(session.id, whole_team)
    outcomes = [o for _u, o in some.value]
    placed = outcomes.count("confirmed")
    assert outcomes == ["confirmed"] * placed + ["waitlisted"] * (TEAM_SIZE - placed)
    confirmed = [u for u, (s, _m) in final.items() if s == "confirmed"]
    assert len(confirmed) == CAPACITY  # demand exceeds the free places: all of them go
    assert_invariants(session.id)
    assert kinds_count(session.id)["team_booking_summary"] == 1 + whole.ok


def test_two_all_or_nothing_bookings_for_room_for_one(app, make):
    session = _session_with_last_places(make)
    teams = [_team(make) for _ in range(2)]
    db.session.commit()

    results = race(
        app,
        [_book_job(session.id, leader, members, all_or_nothing=True) for leader, members in teams],
    )

    assert not unexpected(results, "not_enough_places")
    winners = [i for i, r in enumerate(results) if r.ok]
    assert len(winners) == 1
    loser = 1 - winners[0]
    assert results[loser].code() == "not_enough_places"
    assert _has_no_enrolment(session.id, teams[loser][1])
    final = statuses(session.id)
    assert all(final[u] == ("confirmed", "in_person") for u in teams[winners[0]][1])
    assert sum(1 for s, _m in final.values() if s == "confirmed") == TAKEN + TEAM_SIZE
    assert_invariants(session.id)
