"""Changing a session through the API: capacity, time, place, audience."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.scheduling.models import Session
from tests.api.conftest import bearer, iso


@pytest.fixture
def patch(client, organiser):
    def _patch(session_id: int, body, headers=None):
        return client.patch(
            f"/api/v1/sessions/{session_id}",
            json=body,
            headers=organiser if headers is None else headers,
        )

    return _patch


def test_change_capacity_keeps_the_revision(patch, post_session):
    session = post_session()
    response = patch(session["id"], {"capacity": {"in_person": 15}})
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["capacity"] == {"in_person": 15, "online": 0}
    assert changed["free"]["in_person"] == 15
    assert changed["revision"] == 0  # places are not in the invite


def test_capacity_is_merged_per_mode(patch, post_session):
    session = post_session("hybrid")
    changed = patch(session["id"], {"capacity": {"online": 45}}).get_json()
    assert changed["capacity"] == {"in_person": 20, "online": 45}


def test_reschedule_raises_the_revision(client, patch, post_session, make):
    session = post_session()
    start = make.future(40, 12)
    meetings = [{"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=2))}]
    response = patch(session["id"], {"meetings": meetings})
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["revision"] == 1
    assert [{k: m[k] for k in ("starts_at", "ends_at")} for m in changed["meetings"]] == meetings
    assert changed["starts_at"] == iso(start)
    again = patch(session["id"], {"meetings": meetings}).get_json()
    assert again["revision"] == 1  # the same times again change nothing
    assert client.get(f"/api/v1/sessions/{session['id']}").get_json()["revision"] == 1


def test_move_to_another_room_raises_the_revision(patch, world, post_session):
    session = post_session()
    changed = patch(
        session["id"], {"venue_id": world.other_venue_id, "room_id": world.other_room_id}
    ).get_json()
    assert changed["room"]["name"] == "Leeszaal" and changed["venue"]["name"] == "Bibliotheek"
    assert changed["revision"] == 1


def test_room_clash_is_refused(patch, world, post_session, client):
    first = post_session(days=10, hour=9)
    second = post_session(days=10, hour=9, room_id=world.small_room_id, capacity={"in_person": 8})
    response = patch(second["id"], {"room_id": world.room_id})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "room_occupied" and "room_id" in error["fields"]
    unchanged = client.get(f"/api/v1/sessions/{second['id']}").get_json()
    assert unchanged["room_id"] == world.small_room_id and unchanged["revision"] == 0
    assert first["room_id"] == world.room_id


def test_capacity_larger_than_the_room_is_refused(patch, post_session, client):
    session = post_session()
    response = patch(session["id"], {"capacity": {"in_person": 21}})
    assert response.status_code == 422
    assert "capacity.in_person" in response.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/sessions/{session['id']}").get_json()["capacity"]["in_person"] == 20


def test_taken_places_cannot_be_removed(patch, post_session, db_session):
    session = post_session()
    row = db_session.get(Session, session["id"])
    row.seats[0].confirmed = 12
    db_session.commit()
    response = patch(session["id"], {"capacity": {"in_person": 11}})
    assert response.status_code == 422
    assert "capacity.in_person" in response.get_json()["error"]["fields"]


def test_change_mode_to_hybrid(patch, world, post_session):
    session = post_session()
    response = patch(
        session["id"],
        {"mode": "hybrid", "online_venue_id": world.online_id, "capacity": {"online": 25}},
    )
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["mode"] == "hybrid" and changed["revision"] == 1
    assert changed["capacity"] == {"in_person": 20, "online": 25}
    back = patch(session["id"], {"mode": "physical"}).get_json()
    assert back["capacity"] == {"in_person": 20, "online": 0} and back["online_venue"] is None


def test_deadline_set_and_cleared(patch, post_session, make):
    session = post_session(days=10, hour=9)
    deadline = make.future(8, 9)
    changed = patch(session["id"], {"cancellation_deadline": iso(deadline)}).get_json()
    assert changed["cancellation_deadline"] == iso(deadline)
    cleared = patch(session["id"], {"cancellation_deadline": None}).get_json()
    assert cleared["cancellation_deadline"] is None
    late = patch(session["id"], {"cancellation_deadline": iso(make.future(11, 9))})
    assert "cancellation_deadline" in late.get_json()["error"]["fields"]


def test_enrolment_window_and_minimum(patch, post_session, make):
    session = post_session(days=10)
    changed = patch(
        session["id"],
        {
            "enrolment_opens_at": iso(make.future(1)),
            "enrolment_closes_at": iso(make.future(9)),
            "min_participants": 5,
            "promotion": "offer",
        },
    ).get_json()
    assert changed["enrolment_opens_at"] == iso(make.future(1))
    assert (changed["min_participants"], changed["promotion"]) == (5, "offer")
    wrong = patch(session["id"], {"enrolment_opens_at": iso(make.future(9, 10))})
    assert "enrolment_closes_at" in wrong.get_json()["error"]["fields"]


def test_close_a_session_for_one_organisation(client, patch, post_session, make, db_session, token):
    org = make.organisation()
    db_session.commit()
    org_id = org.id
    session = post_session()
    changed = patch(session["id"], {"visibility": "organisation", "organisation_id": org_id})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["organisation"]["id"] == org_id
    assert client.get(f"/api/v1/sessions/{session['id']}").status_code == 404
    member = bearer(token("participant", org=db_session.get(type(org), org_id)))
    assert client.get(f"/api/v1/sessions/{session['id']}", headers=member).status_code == 200
    reopened = patch(session["id"], {"visibility": "open"}).get_json()
    assert reopened["organisation"] is None and reopened["visibility"] == "open"


def test_empty_patch_changes_nothing(patch, post_session):
    session = post_session()
    response = patch(session["id"], {})
    assert response.status_code == 200
    assert response.get_json()["revision"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mode": None}, "mode"),
        ({"capacity": None}, "capacity"),
        ({"meetings": None}, "meetings"),
        ({"visibility": None}, "visibility"),
        ({"min_participants": None}, "min_participants"),
        ({"course_id": None}, "course_id"),
        ({"notes": None}, "notes"),
        ({"room_id": None}, "room_id"),
        ({"venue_id": "1"}, "venue_id"),
        ({"capacity": {"in_person": -5}}, "capacity.in_person"),
        ({"capacity": {"in_person": None}}, "capacity.in_person"),
        ({"capacity": {"online": 5}}, "capacity.online"),
        ({"capacity": {"seats": 5}}, "capacity.seats"),
        (
            {"meetings": [{"starts_at": "2030-01-01T10:00:00", "ends_at": "2030-01-01T12:00:00"}]},
            "meetings.0.starts_at",
        ),
        ({"meetings": []}, "meetings"),
        ({"status": "cancelled"}, "status"),
        ({"revision": 7}, "revision"),
        ({"id": 5}, "id"),
    ],
)
def test_invalid_patches_are_422(patch, post_session, client, body, field):
    session = post_session()
    response = patch(session["id"], body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"], response.get_json()
    after = client.get(f"/api/v1/sessions/{session['id']}").get_json()
    assert after["capacity"]["in_person"] == 20 and after["revision"] == 0


def test_patch_unknown_session_is_404(patch, world):
    assert patch(424242, {"capacity": {"in_person": 3}}).status_code == 404
    assert patch(99999999999999999999, {}).status_code == 404


def test_patch_needs_an_organiser(patch, post_session, token):
    session = post_session()
    assert patch(session["id"], {"capacity": {"in_person": 3}}, headers={}).status_code == 401
    for role in ("participant", "team_leader", "hr"):
        response = patch(session["id"], {"capacity": {"in_person": 3}}, headers=bearer(token(role)))
        assert response.status_code == 403
