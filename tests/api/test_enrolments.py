"""Enrolling through the API: self, a team member, anyone as organiser; waitlists, repeats,
hybrid sessions, visibility and the session counters."""

from __future__ import annotations

from sqlalchemy import select

from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from tests.api.test_enrolments_common import (
    enrol,
    enrolled,
    enrolment_count,
    fill,
    new_session,
    person,
    seat_counts,
)

CONTRACT = {"id", "session_id", "participant", "mode", "status", "waitlist_position"}


def test_enrol_self_in_a_free_place(client, db_session):
    session_id = new_session(capacity={"in_person": 5})
    user, headers = person()
    response = enrol(client, session_id, headers)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert set(answer) >= CONTRACT
    assert response.headers["Location"] == f"/api/v1/enrolments/{answer['id']}"
    assert (answer["session_id"], answer["mode"], answer["status"]) == (
        session_id,
        "in_person",
        "confirmed",
    )
    assert answer["participant"] == user.email and answer["booked_by"] == user.email
    assert answer["waitlist_position"] is None and answer["online_available"] is False
    assert answer["session"]["id"] == session_id and answer["session"]["course_title"]
    assert answer["session"]["starts_at"].endswith(("+01:00", "+02:00"))
    assert answer["confirmed_at"] and answer["late_cancel"] is False
    assert seat_counts(session_id) == (1, 0)
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds == ["enrolment_confirmed"]

    fetched = client.get(response.headers["Location"], headers=headers)
    assert fetched.status_code == 200 and fetched.get_json() == answer


def test_a_repeat_or_double_submit_never_makes_a_second_place(client, db_session):
    session_id = new_session(capacity={"in_person": 5})
    _, headers = person()
    first = enrolled(client, session_id, headers)
    again = enrol(client, session_id, headers)
    assert again.status_code == 200 and "Location" not in again.headers
    assert again.get_json() == first
    assert enrolment_count(session_id) == 1
    assert seat_counts(session_id) == (1, 0)


def test_a_full_session_answers_201_with_the_waitlist_position(client, db_session):
    session_id = new_session(capacity={"in_person": 1})
    fill(client, session_id, 1)
    answers = fill(client, session_id, 2)
    assert [a["status"] for a in answers] == ["waitlisted", "waitlisted"]
    assert [a["waitlist_position"] for a in answers] == [1, 2]
    assert answers[0]["confirmed_at"] is None

    session = client.get(f"/api/v1/sessions/{session_id}").get_json()
    assert session["confirmed"] == {"in_person": 1, "online": 0}
    assert session["waitlist"] == {"in_person": 2, "online": 0}
    listed = client.get("/api/v1/sessions").get_json()["items"]
    assert [s["waitlist"] for s in listed if s["id"] == session_id] == [
        {"in_person": 2, "online": 0}
    ]

    _, stranger = person()
    assert client.get(f"/api/v1/enrolments/{answers[1]['id']}", headers=stranger).status_code == 404


def test_the_waitlist_repeat_keeps_its_position(client, db_session):
    session_id = new_session(capacity={"in_person": 1})
    fill(client, session_id, 2)
    _, headers = person()
    first = enrolled(client, session_id, headers)
    again = enrolled(client, session_id, headers, status=200)
    assert first["waitlist_position"] == again["waitlist_position"] == 2


def test_hybrid_needs_a_mode_that_is_offered(client, db_session):
    hybrid = new_session("hybrid", {"in_person": 2, "online": 2})
    physical = new_session(capacity={"in_person": 2})
    _, headers = person()
    response = enrol(client, hybrid, headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "mode_required"
    assert "mode" in response.get_json()["error"]["fields"]
    response = enrol(client, physical, headers, mode="online")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "mode_not_offered"
    assert enrolled(client, hybrid, headers, mode="online")["mode"] == "online"
    assert enrolment_count(hybrid) == 1 and enrolment_count(physical) == 0


def test_full_in_person_hints_online_and_accept_online_takes_it(client, db_session):
    session_id = new_session("hybrid", {"in_person": 1, "online": 3})
    fill(client, session_id, 1, mode="in_person")
    _, waiting_headers = person()
    waiting = enrolled(client, session_id, waiting_headers, mode="in_person")
    assert waiting["status"] == "waitlisted" and waiting["online_available"] is True

    _, headers = person()
    both = enrolled(client, session_id, headers, mode="in_person", accept_online=True)
    assert (both["status"], both["mode"], both["waiting_for"]) == (
        "confirmed",
        "online",
        "in_person",
    )
    assert both["waitlist_position"] == 2  # behind the one already waiting
    assert both["online_available"] is False

    session = client.get(f"/api/v1/sessions/{session_id}").get_json()
    assert session["confirmed"] == {"in_person": 1, "online": 1}
    assert session["waitlist"] == {"in_person": 2, "online": 0}


def test_a_session_without_free_online_places_gives_no_hint(client, db_session):
    session_id = new_session("hybrid", {"in_person": 1, "online": 1})
    fill(client, session_id, 1, mode="in_person")
    fill(client, session_id, 1, mode="online")
    waiting = fill(client, session_id, 1, mode="in_person")[0]
    assert waiting["status"] == "waitlisted" and waiting["online_available"] is False


def test_a_team_leader_enrols_a_member_by_email_in_any_case(client, db_session):
    session_id = new_session()
    leader, headers = person("team_leader")
    member, _ = person(team_=leader.team)
    answer = enrolled(client, session_id, headers, participant=f"  {member.email.upper()} ")
    assert answer["participant"] == member.email
    assert answer["booked_by"] == leader.email
    db.session.rollback()
    enrolment = db.session.get(Enrolment, answer["id"])
    assert (enrolment.user_id, enrolment.booked_by_id) == (member.id, leader.id)
    assert enrolment.needs_approval is False


def test_people_out_of_reach_are_unknown(client, db_session):
    session_id = new_session()
    _, headers = person("team_leader")
    stranger, _ = person()  # another organisation and team
    for email in ("nobody@example.nl", stranger.email):
        response = enrol(client, session_id, headers, participant=email)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "person_not_found"
        assert "participant" in response.get_json()["error"]["fields"]
    _, participant_headers = person()
    response = enrol(client, session_id, participant_headers, participant=stranger.email)
    assert response.status_code == 403
    assert enrolment_count(session_id) == 0


def test_naming_oneself_is_enrolling_oneself(client, db_session):
    session_id = new_session()
    user, headers = person()
    answer = enrolled(client, session_id, headers, participant=user.email.upper())
    assert answer["participant"] == user.email


def test_an_organiser_enrols_anyone_even_outside_the_window(client, db_session, make):
    start = make.future(20)
    session_id = new_session(enrolment_opens_at=make.future(10), start=start)
    _, organiser = person("organiser")
    someone, headers = person()
    response = enrol(client, session_id, headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "enrolment_not_open"
    answer = enrolled(client, session_id, organiser, participant=someone.email)
    assert answer["status"] == "confirmed" and answer["participant"] == someone.email


def test_an_inactive_person_cannot_be_named(client, db_session):
    session_id = new_session()
    _, organiser = person("organiser")
    gone, _ = person()
    gone.active = False
    db.session.commit()
    response = enrol(client, session_id, organiser, participant=gone.email)
    assert response.status_code == 404


def test_overlapping_places_need_an_organisers_reason(client, db_session, make):
    start = make.future(12)
    first = new_session(start=start)
    second = new_session(start=start)
    user, headers = person()
    _, organiser = person("organiser")
    enrolled(client, first, headers)

    response = enrol(client, second, headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "clash"
    response = enrol(client, second, headers, override_reason="Wil beide")
    assert response.status_code == 403
    answer = enrolled(
        client, second, organiser, participant=user.email, override_reason="Twee halve dagdelen"
    )
    assert answer["status"] == "confirmed"
    db.session.rollback()
    assert db.session.get(Enrolment, answer["id"]).override_reason == "Twee halve dagdelen"


def test_closed_and_missing_sessions(client, db_session, make):
    org = make.organisation()
    closed = new_session(visibility="organisation", organisation_id=org.id)
    _, outsider = person()
    insider, inside_headers = person(org=org)
    response = enrol(client, closed, outsider)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "session_not_found"
    assert enrolled(client, closed, inside_headers)["participant"] == insider.email
    response = enrol(client, 999_999, outsider)
    assert response.status_code == 404


def test_cancelled_and_started_sessions_refuse(client, db_session, make):
    session_id = new_session()
    _, organiser = person("organiser")
    _, headers = person()
    cancelled = client.post(f"/api/v1/sessions/{session_id}/cancel", headers=organiser)
    assert cancelled.status_code == 200
    response = enrol(client, session_id, headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "session_cancelled"


def test_enrolling_needs_a_token(client, db_session):
    session_id = new_session()
    response = client.post(f"/api/v1/sessions/{session_id}/enrolments", json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    for path in ("/api/v1/me/enrolments", "/api/v1/enrolments/1", "/api/v1/approvals"):
        assert client.get(path).status_code == 401
    assert enrolment_count(session_id) == 0


def test_an_empty_body_enrols_the_caller(client, db_session):
    session_id = new_session()
    _, headers = person()
    response = client.post(f"/api/v1/sessions/{session_id}/enrolments", headers=headers)
    assert response.status_code == 201
    assert response.get_json()["status"] == "confirmed"


def test_the_session_list_counts_waitlists_in_one_query(client, db_session, count_queries):
    _, headers = person()
    client.get("/api/v1/sessions", headers=headers)  # the token's first use

    def add(waiting: int) -> int:
        session_id = new_session("hybrid", {"in_person": 1, "online": 1})
        fill(client, session_id, 1 + waiting, mode="in_person")
        fill(client, session_id, 1, mode="online")
        return session_id

    def listed() -> tuple[dict, int]:
        count_queries.reset()
        items = client.get("/api/v1/sessions?per_page=50", headers=headers).get_json()["items"]
        return {s["id"]: s["waitlist"] for s in items}, len(count_queries)

    first = [add(1), add(2)]
    waitlists, few = listed()
    assert [waitlists[i] for i in first] == [
        {"in_person": 1, "online": 0},
        {"in_person": 2, "online": 0},
    ]
    more = [add(3), add(0), add(1)]
    waitlists, many = listed()
    assert [waitlists[i]["in_person"] for i in first + more] == [1, 2, 3, 0, 1]
    assert many == few, count_queries.statements
