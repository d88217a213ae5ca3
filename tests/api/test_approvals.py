"""Approvals through the API: requests hold a place, the team leader (or an organiser, for
people without one) sees them and approves or rejects them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.core.db import utcnow
from booking.enrolment.models import Enrolment
from booking.extensions import db
from tests import factories
from tests.api.test_enrolments_common import (
    enrolled,
    fill,
    new_session,
    person,
    seat_counts,
    status_of,
)


@pytest.fixture
def approval_session(db_session):
    """session_id of a course that needs the team leader's approval (2 places)."""
    course = factories.course(requires_approval=True)
    return new_session(course_=course, capacity={"in_person": 2})


@pytest.fixture
def team(db_session):
    """(leader, leader headers, member, member headers) of one team."""
    leader, leader_headers = person("team_leader")
    member, member_headers = person(team_=leader.team)
    return leader, leader_headers, member, member_headers


def approvals(client, headers) -> list[int]:
    response = client.get("/api/v1/approvals", headers=headers)
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()["items"]]


def decide(client, enrolment_id: int, action: str, headers: dict, **body):
    return client.post(f"/api/v1/enrolments/{enrolment_id}/{action}", json=body, headers=headers)


def test_a_request_holds_a_place_until_the_team_leader_approves(client, approval_session, team):
    _leader, leader_headers, member, member_headers = team
    request = enrolled(client, approval_session, member_headers)
    assert request["status"] == "pending_approval"
    assert request["approval_expires_at"]
    assert seat_counts(approval_session) == (0, 1)

    assert approvals(client, leader_headers) == [request["id"]]
    assert approvals(client, member_headers) == []
    assert approvals(client, person("team_leader")[1]) == []  # another team's leader
    assert approvals(client, person("organiser")[1]) == []  # the team has a leader
    assert approvals(client, person("hr", org=member.organisation)[1]) == []

    response = decide(client, request["id"], "approve", leader_headers, reason="Prima")
    assert response.status_code == 200
    answer = response.get_json()
    assert (answer["status"], answer["promoted"]) == ("confirmed", [])
    assert seat_counts(approval_session) == (1, 0)
    db.session.rollback()
    assert db.session.get(Enrolment, request["id"]).decision_reason == "Prima"
    assert approvals(client, leader_headers) == []

    again = decide(client, request["id"], "approve", leader_headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "not_pending"


def test_rejecting_frees_the_place_for_the_next_in_line(client, db_session, team):
    _leader, leader_headers, _member, member_headers = team
    session_id = new_session(
        course_=factories.course(requires_approval=True), capacity={"in_person": 1}
    )
    request = enrolled(client, session_id, member_headers)
    waiting = fill(client, session_id, 1)[0]
    assert waiting["status"] == "waitlisted"

    response = client.post(f"/api/v1/enrolments/{request['id']}/reject", headers=leader_headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "declined"
    assert response.get_json()["promoted"] == [waiting["id"]]
    assert status_of(waiting["id"]) == "pending_approval"  # their request now holds the place


def test_who_may_decide(client, approval_session, team):
    _leader, _leader_headers, member, member_headers = team
    request = enrolled(client, approval_session, member_headers)
    for headers, status in (
        (member_headers, 403),  # not one's own request
        (person("hr", org=member.organisation)[1], 403),  # may read, not decide
        (person()[1], 404),  # a stranger does not learn it exists
        (person("team_leader")[1], 404),  # neither does another team's leader
    ):
        for action in ("approve", "reject"):
            assert decide(client, request["id"], action, headers).status_code == status
    assert status_of(request["id"]) == "pending_approval"
    organiser = person("organiser")[1]
    assert decide(client, request["id"], "approve", organiser).status_code == 200


def test_organisers_decide_for_people_without_a_team_leader(client, approval_session):
    _, headers = person()  # in no team, so no team leader
    organiser = person("organiser")[1]
    request = enrolled(client, approval_session, headers)
    assert request["status"] == "pending_approval"
    assert approvals(client, organiser) == [request["id"]]
    response = decide(client, request["id"], "reject", organiser, reason="Vol programma")
    assert response.get_json()["status"] == "declined"


def test_a_team_leader_booking_a_member_needs_no_approval(client, approval_session, team):
    _leader, leader_headers, member, _member_headers = team
    answer = enrolled(client, approval_session, leader_headers, participant=member.email)
    assert answer["status"] == "confirmed"


def test_a_late_decision_finds_the_request_expired(client, approval_session, team):
    _leader, leader_headers, _member, member_headers = team
    request = enrolled(client, approval_session, member_headers)
    db.session.rollback()
    db.session.get(Enrolment, request["id"]).approval_expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    response = decide(client, request["id"], "approve", leader_headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "expired"
    assert seat_counts(approval_session) == (0, 0)


def test_the_approvals_list_pages(client, db_session, team):
    leader, leader_headers, _member, _ = team
    ids = []
    for _ in range(3):
        session_id = new_session(course_=factories.course(requires_approval=True))
        ids.append(enrolled(client, session_id, person(team_=leader.team)[1])["id"])
    response = client.get("/api/v1/approvals?per_page=2", headers=leader_headers).get_json()
    assert (len(response["items"]), response["has_more"], response["total"]) == (2, True, 3)
    rest = client.get("/api/v1/approvals?per_page=2&page=2", headers=leader_headers).get_json()
    assert {i["id"] for i in response["items"] + rest["items"]} == set(ids)
    assert rest["has_more"] is False
