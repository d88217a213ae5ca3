"""Scheduling and reading sessions through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.core.timez import AMSTERDAM
from tests.api.conftest import bearer, iso

CONTRACT = {"id", "course_id", "mode", "status", "meetings", "capacity", "confirmed", "waitlist"}


def test_schedule_a_physical_session(client, world, organiser, session_body, make):
    body = session_body()
    response = client.post("/api/v1/sessions", json=body, headers=organiser)
    assert response.status_code == 201, response.get_json()
    session = response.get_json()
    assert response.headers["Location"] == f"/api/v1/sessions/{session['id']}"
    assert set(session) >= CONTRACT
    assert session["course_id"] == world.course_id
    assert session["course"]["title"] == "Netwerken met LinkedIn"
    assert (session["mode"], session["status"], session["visibility"]) == (
        "physical",
        "scheduled",
        "open",
    )
    assert session["capacity"] == {"in_person": 20, "online": 0}
    assert session["confirmed"] == {"in_person": 0, "online": 0}
    assert session["free"] == {"in_person": 20, "online": 0}
    assert session["waitlist"] == {"in_person": 0, "online": 0}
    assert session["venue"]["name"] == "Stadskantoor"
    assert session["venue"]["full_address"] == "Stadserf 1, 3112 DZ Schiedam"
    assert session["room"] == {"id": world.room_id, "name": "Zaal 1", "capacity": 20}
    assert session["online_venue"] is None and session["revision"] == 0
    ((meeting,),) = (session["meetings"],)
    assert meeting["id"] >= 1  # names the meeting when attendance is recorded
    assert {k: meeting[k] for k in ("starts_at", "ends_at")} == body["meetings"][0]

    fetched = client.get(response.headers["Location"], headers=organiser)
    assert fetched.status_code == 200 and fetched.get_json() == session


def test_times_are_answered_in_amsterdam_whatever_offset_was_sent(
    client, world, organiser, session_body, make
):
    start = make.future(20, 8)
    body = session_body(
        meetings=[
            {
                "starts_at": start.isoformat().replace("+00:00", "Z"),
                "ends_at": (start + timedelta(hours=2)).astimezone(AMSTERDAM).isoformat(),
            }
        ]
    )
    session = client.post("/api/v1/sessions", json=body, headers=organiser).get_json()
    assert session["meetings"][0]["starts_at"] == iso(start)
    assert session["starts_at"] == iso(start)
    assert session["ends_at"] == iso(start + timedelta(hours=2))


def test_multi_day_session_with_deadline_and_window(client, world, organiser, session_body, make):
    day1, day2 = make.future(30, 8), make.future(37, 8)
    body = session_body(
        meetings=[
            {"starts_at": iso(day2), "ends_at": iso(day2 + timedelta(hours=7))},
            {"starts_at": iso(day1), "ends_at": iso(day1 + timedelta(hours=7))},
        ],
        cancellation_deadline=iso(day1 - timedelta(days=7)),
        enrolment_opens_at=iso(day1 - timedelta(days=20)),
        enrolment_closes_at=iso(day1 - timedelta(days=2)),
        min_participants=4,
        promotion="offer",
    )
    response = client.post("/api/v1/sessions", json=body, headers=organiser)
    assert response.status_code == 201, response.get_json()
    session = response.get_json()
    assert [m["starts_at"] for m in session["meetings"]] == [iso(day1), iso(day2)]
    assert session["cancellation_deadline"] == iso(day1 - timedelta(days=7))
    assert session["enrolment_closes_at"] == iso(day1 - timedelta(days=2))
    assert (session["min_participants"], session["promotion"]) == (4, "offer")


def test_hybrid_session_and_join_url_only_for_organisers(
    client, world, organiser, token, post_session
):
    session = post_session("hybrid")
    assert session["capacity"] == {"in_person": 20, "online": 30}
    assert session["online_venue"]["join_url"] == "https://teams.example/j/1"
    path = f"/api/v1/sessions/{session['id']}"
    for headers in ({}, bearer(token("participant")), bearer(token("team_leader"))):
        seen = client.get(path, headers=headers).get_json()
        assert seen["online_venue"]["join_url"] is None
        assert seen["online_venue"]["name"] == "Teams"
        assert seen["notes"] is None
    assert (
        client.get(path, headers=bearer(token("admin"))).get_json()["online_venue"]["join_url"]
        == "https://teams.example/j/1"
    )


def test_online_session(post_session):
    session = post_session("online")
    assert session["capacity"] == {"in_person": 0, "online": 30}
    assert session["venue"] is None and session["room"] is None


def field_error(response, field: str) -> str:
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert field in fields, fields
    return fields[field]


def test_end_before_start(client, organiser, session_body, make):
    start = make.future()
    body = session_body(
        meetings=[{"starts_at": iso(start), "ends_at": iso(start - timedelta(hours=1))}]
    )
    response = client.post("/api/v1/sessions", json=body, headers=organiser)
    assert field_error(response, "meetings.0.ends_at")


def test_naive_time_is_refused(client, organiser, session_body, make):
    start = make.future().replace(tzinfo=None)
    body = session_body(
        meetings=[
            {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
        ]
    )
    response = client.post("/api/v1/sessions", json=body, headers=organiser)
    assert "offset" in field_error(response, "meetings.0.starts_at")
    assert "meetings.0.ends_at" in response.get_json()["error"]["fields"]


def test_room_too_small_for_the_in_person_capacity(client, world, organiser, session_body):
    body = session_body(room_id=world.small_room_id, capacity={"in_person": 9})
    response = client.post("/api/v1/sessions", json=body, headers=organiser)
    assert "8" in field_error(response, "capacity.in_person")


def test_overlapping_use_of_one_room(client, world, organiser, session_body, post_session):
    post_session(days=10, hour=9, hours=3)
    clash = session_body(days=10, hour=11, hours=2)
    response = client.post("/api/v1/sessions", json=clash, headers=organiser)
    assert response.get_json()["error"]["code"] == "room_occupied"
    assert field_error(response, "room_id")
    other_room = session_body(
        days=10, hour=11, hours=2, room_id=world.small_room_id, capacity={"in_person": 8}
    )
    assert client.post("/api/v1/sessions", json=other_room, headers=organiser).status_code == 201
    later = session_body(days=10, hour=12, hours=2)  # starts when the first one ends
    assert client.post("/api/v1/sessions", json=later, headers=organiser).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": {"in_person": -1}}, "capacity.in_person"),
        ({"capacity": {"in_person": 0}}, "capacity"),
        ({"capacity": {}}, "capacity.in_person"),
        ({"capacity": {"in_person": "20"}}, "capacity.in_person"),
        ({"capacity": {"in_person": True}}, "capacity.in_person"),
        ({"capacity": {"in_person": 2.5}}, "capacity.in_person"),
        ({"capacity": {"in_person": 20, "online": 5}}, "capacity.online"),
        ({"capacity": {"in_person": 20, "standing": 5}}, "capacity.standing"),
        ({"capacity": [20]}, "capacity"),
        ({"capacity": None}, "capacity"),
        ({"course_id": 424242}, "course_id"),
        ({"course_id": "1"}, "course_id"),
        ({"course_id": 10**20}, "course_id"),
        ({"mode": "in_person"}, "mode"),
        ({"venue_id": None}, "venue_id"),
        ({"room_id": 424242}, "room_id"),
        ({"meetings": []}, "meetings"),
        ({"meetings": "tomorrow"}, "meetings"),
        ({"meetings": [{"starts_at": "2027-03-23T10:00:00+01:00"}]}, "meetings.0.ends_at"),
        ({"meetings": [{"starts_at": "morgen", "ends_at": "overmorgen"}]}, "meetings.0.starts_at"),
        ({"meetings": [{"starts_at": 1800000000, "ends_at": 1800003600}]}, "meetings.0.starts_at"),
        (
            {
                "meetings": [
                    {
                        "starts_at": "2020-03-23T10:00:00+01:00",
                        "ends_at": "2020-03-23T12:00:00+01:00",
                    }
                ]
            },
            "meetings",
        ),
        (
            {
                "meetings": [
                    {
                        "starts_at": "9999-12-31T23:00:00-12:00",
                        "ends_at": "9999-12-31T23:30:00-12:00",
                    }
                ]
            },
            "meetings.0.starts_at",
        ),
        ({"visibility": "secret"}, "visibility"),
        ({"visibility": "organisation"}, "organisation_id"),
        ({"visibility": "team", "team_id": 424242}, "team_id"),
        ({"min_participants": -1}, "min_participants"),
        ({"min_participants": 21}, "min_participants"),
        ({"promotion": "lottery"}, "promotion"),
        ({"cancellation_deadline": "2027-01-01T10:00:00"}, "cancellation_deadline"),
        ({"event_id": 424242}, "event_id"),
        ({"notes": 5}, "notes"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_sessions_are_422_naming_the_field(
    client, organiser, session_body, overrides, field
):
    body = {**session_body(), **overrides}
    response = client.post("/api/v1/sessions", json=body, headers=organiser)
    assert field_error(response, field)


def test_wrong_venue_kinds(client, world, organiser, session_body):
    online_as_physical = session_body(venue_id=world.online_id)
    response = client.post("/api/v1/sessions", json=online_as_physical, headers=organiser)
    assert field_error(response, "venue_id")
    physical_as_online = session_body("online", online_venue_id=world.venue_id)
    response = client.post("/api/v1/sessions", json=physical_as_online, headers=organiser)
    assert field_error(response, "online_venue_id")
    room_elsewhere = session_body(room_id=world.other_room_id)
    response = client.post("/api/v1/sessions", json=room_elsewhere, headers=organiser)
    assert field_error(response, "room_id")


def test_deadlines_must_be_before_the_start(client, organiser, session_body, make):
    start = make.future(10, 9)
    body = session_body(days=10, hour=9, cancellation_deadline=iso(start + timedelta(hours=1)))
    response = client.post("/api/v1/sessions", json=body, headers=organiser)
    assert field_error(response, "cancellation_deadline")


def test_a_refused_session_leaves_nothing_behind(client, organiser, session_body):
    bad = session_body(capacity={"in_person": 999})
    assert client.post("/api/v1/sessions", json=bad, headers=organiser).status_code == 422
    assert client.get("/api/v1/sessions", headers=organiser).get_json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sessions/424242",
        "/api/v1/sessions/0",
        "/api/v1/sessions/99999999999999999999",
        "/api/v1/sessions/-1",
        "/api/v1/sessions/abc",
    ],
)
def test_unknown_session_is_404(client, world, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
