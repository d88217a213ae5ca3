"""Team bookings through the API: a team leader books several members at once."""

from __future__ import annotations

from tests.api.test_enrolments_common import (
    enrolled,
    enrolment_count,
    new_session,
    person,
    seat_counts,
)


def book(client, headers: dict, **body):
    return client.post("/api/v1/team-bookings", json=body, headers=headers)


def a_team(size: int):
    """(leader, leader headers, members)."""
    leader, headers = person("team_leader")
    return leader, headers, [person(team_=leader.team)[0] for _ in range(size)]


def test_as_many_as_fit_the_rest_waitlisted(client, db_session):
    session_id = new_session(capacity={"in_person": 2})
    leader, headers, members = a_team(3)
    emails = [m.email for m in members]
    response = book(client, headers, session_id=session_id, participants=emails)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["session_id"] == session_id
    results = answer["results"]
    assert [r["participant"] for r in results] == emails  # in the order sent
    assert [r["outcome"] for r in results] == ["confirmed", "confirmed", "waitlisted"]
    assert [r["status"] for r in results] == ["confirmed", "confirmed", "waitlisted"]
    assert [r["waitlist_position"] for r in results] == [None, None, 1]
    assert all(isinstance(r["enrolment_id"], int) for r in results)
    assert seat_counts(session_id) == (2, 0)

    enrolment = client.get(f"/api/v1/enrolments/{results[0]['enrolment_id']}", headers=headers)
    assert enrolment.get_json()["booked_by"] == leader.email


def test_all_or_nothing_that_does_not_fit_writes_nothing(client, db_session):
    session_id = new_session(capacity={"in_person": 2})
    _leader, headers, members = a_team(3)
    response = book(
        client,
        headers,
        session_id=session_id,
        participants=[m.email for m in members],
        all_or_nothing=True,
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_enough_places"
    assert enrolment_count(session_id) == 0
    assert seat_counts(session_id) == (0, 0)

    fits = book(
        client,
        headers,
        session_id=session_id,
        participants=[m.email for m in members[:2]],
        all_or_nothing=True,
    )
    assert fits.status_code == 201
    assert [r["outcome"] for r in fits.get_json()["results"]] == ["confirmed", "confirmed"]


def test_people_already_enrolled_keep_what_they_have(client, db_session):
    session_id = new_session(capacity={"in_person": 1})
    _leader, headers, members = a_team(2)
    enrolled(client, session_id, headers, participant=members[0].email)
    response = book(client, headers, session_id=session_id, participants=[m.email for m in members])
    results = response.get_json()["results"]
    assert [r["outcome"] for r in results] == ["already_enrolled", "waitlisted"]
    assert results[0]["status"] == "confirmed"
    assert enrolment_count(session_id) == 2


def test_overlapping_places_are_named_not_booked(client, db_session, make):
    start = make.future(14)
    first = new_session(start=start)
    second = new_session(start=start)
    _leader, headers, members = a_team(2)
    enrolled(client, first, headers, participant=members[0].email)
    response = book(client, headers, session_id=second, participants=[m.email for m in members])
    results = response.get_json()["results"]
    assert (results[0]["outcome"], results[0]["enrolment_id"]) == ("clash", None)
    assert results[1]["outcome"] == "confirmed"


def test_only_own_team_members_by_known_addresses(client, db_session):
    session_id = new_session()
    _leader, headers, members = a_team(1)
    stranger, _ = person()
    response = book(
        client,
        headers,
        session_id=session_id,
        participants=[members[0].email.upper(), stranger.email, "nobody@example.nl"],
    )
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "person_not_found"
    assert set(error["fields"]) == {"participants.1", "participants.2"}
    assert enrolment_count(session_id) == 0


def test_participants_and_hr_may_not_book_a_team(client, db_session):
    session_id = new_session()
    for role in ("participant", "hr"):
        _, headers = person(role)
        response = book(client, headers, session_id=session_id, participants=["someone@example.nl"])
        assert response.status_code == 403
    response = book(client, {}, session_id=session_id, participants=["someone@example.nl"])
    assert response.status_code == 401


def test_an_organiser_books_anyone(client, db_session):
    session_id = new_session("hybrid", {"in_person": 1, "online": 5})
    _, organiser = person("organiser")
    people = [person()[0] for _ in range(2)]
    response = book(
        client,
        organiser,
        session_id=session_id,
        participants=[p.email for p in people],
        mode="online",
    )
    assert response.status_code == 201
    assert [r["outcome"] for r in response.get_json()["results"]] == ["confirmed", "confirmed"]
    assert seat_counts(session_id, "online") == (2, 0)


def test_bad_bookings(client, db_session):
    session_id = new_session("hybrid", {"in_person": 1, "online": 5})
    _leader, headers, members = a_team(1)
    emails = [members[0].email]
    for body, status in (
        ({"session_id": session_id, "participants": []}, 422),
        ({"session_id": session_id}, 422),
        ({"participants": emails}, 422),
        ({"session_id": session_id, "participants": emails}, 422),  # hybrid: mode needed
        ({"session_id": session_id, "participants": emails, "mode": "x"}, 422),
        ({"session_id": 987654, "participants": emails, "mode": "online"}, 404),
    ):
        response = book(client, headers, **body)
        assert response.status_code == status, (body, response.get_json())
    assert enrolment_count(session_id) == 0
