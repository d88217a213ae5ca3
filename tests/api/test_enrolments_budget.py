"""The statement budget of an enrolment request (issue 3): at most 8 SQL statements, counted
through the real endpoint with a bearer token. SQLite's BEGIN is not counted (PostgreSQL
sends none as a statement)."""

from __future__ import annotations

import pytest

from tests.api.test_enrolments_common import enrol, new_session, person
from tests.conftest import POSTGRES_URL

BUDGET = 8
ON_POSTGRES = (POSTGRES_URL or "").startswith("postgresql")


def statements(count_queries) -> list[str]:
    return [s for s in count_queries.statements if not s.lstrip().upper().startswith("BEGIN")]


def counted(client, count_queries, session_id: int, headers: dict, status: int, **body) -> int:
    count_queries.reset()
    response = enrol(client, session_id, headers, **body)
    assert response.status_code == status, response.get_json()
    found = statements(count_queries)
    print(f"{len(found)} statements for a {status} {response.get_json()['status']}:")
    for statement in found:
        print("   ", " ".join(statement.split())[:160])
    return len(found)


@pytest.fixture
def warm(client):
    """A token's first use in a while writes its `last_used_at` (one UPDATE and a commit,
    at most every five minutes); a client's steady state is what the budget is about."""

    def _warm(headers: dict) -> dict:
        assert client.get("/api/v1/me/enrolments", headers=headers).status_code == 200
        return headers

    return _warm


def test_taking_an_online_place_while_waiting(client, db_session, count_queries, warm):
    session_id = new_session("hybrid", {"in_person": 1, "online": 5})
    enrol(client, session_id, person()[1], mode="in_person")
    headers = warm(person()[1])
    used = counted(
        client, count_queries, session_id, headers, 201, mode="in_person", accept_online=True
    )
    assert used <= BUDGET


@pytest.fixture
def leader_and_members(warm):
    leader, headers = person("team_leader")
    warm(headers)
    members = [person(team_=leader.team)[0] for _ in range(2)]
    return headers, [m.email.upper() for m in members]  # looked up in any case


def test_enrolling_a_team_member_on_the_waitlist_or_again(
    client, db_session, count_queries, leader_and_members
):
    session_id = new_session(capacity={"in_person": 1})
    headers, emails = leader_and_members
    enrol(client, session_id, person()[1])  # the only place is taken

    waitlisted = counted(client, count_queries, session_id, headers, 201, participant=emails[0])
    repeat = counted(client, count_queries, session_id, headers, 200, participant=emails[0])

    assert waitlisted <= BUDGET
    assert repeat <= BUDGET


def test_enrolling_a_team_member_in_a_free_place(
    client, db_session, count_queries, leader_and_members
):
    session_id = new_session(capacity={"in_person": 1})
    headers, emails = leader_and_members
    assert counted(client, count_queries, session_id, headers, 201, participant=emails[0]) <= 8
