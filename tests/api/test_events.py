"""The events API: organisers create and change events, participants register with one
choice per slot, change and cancel; the refusals carry the services' codes."""

import pytest

from tests.api.conftest import bearer
from tests.events.fixtures import make_festival


@pytest.fixture
def festival(make, db_session):
    return make_festival(make, db_session)


def test_api_event_programme_and_registration(client, make, token, festival):
    event_id, (a1, b1, a2, _b2), _ = festival
    headers = bearer(token("participant"))
    programme = client.get(f"/api/v1/events/{event_id}").get_json()
    assert [len(slot["sessions"]) for slot in programme["slots"]] == [2, 2]
    assert programme["slots"][0]["sessions"][0]["free"] == {"in_person": 1, "online": 0}

    bad = client.post(
        f"/api/v1/events/{event_id}/registrations", json={"choices": [a1, b1]}, headers=headers
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "one_per_slot"
    created = client.post(
        f"/api/v1/events/{event_id}/registrations", json={"choices": [a1, a2]}, headers=headers
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "active" and body["event_id"] == event_id
    assert {c["session_id"]: c["status"] for c in body["choices"]} == {
        a1: "confirmed",
        a2: "confirmed",
    }
    repeat = client.post(
        f"/api/v1/events/{event_id}/registrations", json={"choices": [b1]}, headers=headers
    )
    assert repeat.status_code == 200 and repeat.get_json()["id"] == body["id"]

    changed = client.put(
        f"/api/v1/event-registrations/{body['id']}", json={"choices": [b1]}, headers=headers
    )
    assert changed.status_code == 200
    assert [c["session_id"] for c in changed.get_json()["choices"]] == [b1]
    assert (
        client.get(f"/api/v1/event-registrations/{body['id']}", headers=headers).status_code == 200
    )
    other = bearer(token("participant"))
    assert client.get(f"/api/v1/event-registrations/{body['id']}", headers=other).status_code == 404
    cancelled = client.post(f"/api/v1/event-registrations/{body['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"


def test_api_waitlist_position_and_event_full(client, make, token, festival):
    event_id, (a1, _b1, _a2, _b2), _ = festival
    answers = [
        client.post(
            f"/api/v1/events/{event_id}/registrations",
            json={"choices": [a1]},
            headers=bearer(token("participant")),
        )
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [201, 201, 201, 409]
    assert answers[1].get_json()["choices"][0]["waitlist_position"] == 1
    assert answers[3].get_json()["error"]["code"] == "event_full"


def test_api_organiser_creates_and_changes_an_event(client, organiser, post_session):
    created = client.post(
        "/api/v1/events",
        json={"title": "Symposium Werk", "kind": "symposium", "description": "x", "capacity": 50},
        headers=organiser,
    )
    assert created.status_code == 201, created.get_json()
    event = created.get_json()
    assert event["slug"] == "symposium-werk" and event["slots"] == []
    session = post_session("physical", event_id=event["id"])
    assert session["event_id"] == event["id"]
    shown = client.get(f"/api/v1/events/{event['id']}").get_json()
    assert [s["id"] for s in shown["slots"][0]["sessions"]] == [session["id"]]
    patched = client.patch(
        f"/api/v1/events/{event['id']}", json={"capacity": 10}, headers=organiser
    )
    assert patched.status_code == 200 and patched.get_json()["capacity"] == 10
    assert client.get("/api/v1/events").get_json()["items"][0]["id"] == event["id"]
    bad = client.post("/api/v1/events", json={"title": "x", "kind": "party"}, headers=organiser)
    assert bad.status_code == 422


def test_api_participants_cannot_create_events(client, token):
    headers = bearer(token("participant"))
    answer = client.post("/api/v1/events", json={"title": "x", "kind": "festival"}, headers=headers)
    assert answer.status_code == 403


def test_api_a_webinar_series_is_an_event(client, organiser):
    answer = client.post(
        "/api/v1/events",
        json={"title": "Webinarreeks Vitaliteit", "kind": "webinar_series", "description": ""},
        headers=organiser,
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["kind"] == "webinar_series"
    wrong = client.post("/api/v1/events", json={"title": "x", "kind": "congres"}, headers=organiser)
    assert wrong.status_code == 422
