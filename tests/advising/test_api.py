"""The career conversation API: publish, list free slots, book (201, a repeat 200, someone
else's 409 `slot_taken`), read, move, cancel; every answer documented, and never a note."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from booking.accounts.services import create_api_token
from booking.advising import notes, services
from tests.advising.conftest import MEETING
from tests.api.conftest import bearer, iso


@pytest.fixture
def auth(db_session):
    def _auth(person) -> dict:
        _, plain = create_api_token(person)
        db_session.commit()
        return bearer(plain)

    return _auth


def _slot_body(make, advisor, days=3, hour=10, minutes=45, **extra):
    start = make.future(days, hour)
    body = {
        "advisor": advisor.email,
        "starts_at": iso(start),
        "ends_at": iso(start + timedelta(minutes=minutes)),
        "mode": "online",
    }
    body.update(extra)
    return body


def test_an_advisor_publishes_and_staff_book(client, make, advisor, auth):
    person = make.user()
    mine, theirs = auth(advisor), auth(person)
    response = client.post("/api/v1/advisor-slots", json=_slot_body(make, advisor), headers=mine)
    assert response.status_code == 201, response.get_json()
    slot_id = response.get_json()["id"]
    assert set(response.get_json()) == {"id"}

    listed = client.get("/api/v1/advisor-slots?available=true", headers=theirs).get_json()
    assert [s["id"] for s in listed["items"]] == [slot_id]
    assert listed["items"][0]["advisor"] == advisor.email
    assert "meeting" not in json.dumps(listed)

    booked = client.post(f"/api/v1/advisor-slots/{slot_id}/booking", headers=theirs)
    assert booked.status_code == 201, booked.get_json()
    answer = booked.get_json()
    assert {"id", "slot_id", "status"} <= set(answer)
    assert answer["slot_id"] == slot_id and answer["status"] == "booked"
    assert answer["meeting_url"] == MEETING  # the booked person's own
    again = client.post(f"/api/v1/advisor-slots/{slot_id}/booking", headers=theirs)
    assert again.status_code == 200 and again.get_json()["id"] == answer["id"]
    free = client.get("/api/v1/advisor-slots?available=true", headers=theirs).get_json()
    assert free["items"] == []

    read = client.get(f"/api/v1/advisor-bookings/{answer['id']}", headers=mine).get_json()
    assert read["participant"] == person.email and read["meeting_url"] is None


def test_someone_elses_slot_is_409_slot_taken(client, make, advisor, auth, db_session):
    one, two = make.user(), make.user()
    slot = services.publish_slot(
        advisor,
        starts_at=make.future(3, 10),
        ends_at=make.future(3, 10) + timedelta(minutes=30),
        mode="online",
        actor=advisor,
    )
    db_session.commit()
    assert (
        client.post(f"/api/v1/advisor-slots/{slot.id}/booking", headers=auth(one)).status_code
        == 201
    )
    response = client.post(f"/api/v1/advisor-slots/{slot.id}/booking", headers=auth(two))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "slot_taken"


def test_publish_refusals(client, make, advisor, auth, centre):
    mine = auth(advisor)
    bad = client.post(
        "/api/v1/advisor-slots", json=_slot_body(make, advisor, minutes=120), headers=mine
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_slot"
    client.post("/api/v1/advisor-slots", json=_slot_body(make, advisor), headers=mine)
    overlap = client.post("/api/v1/advisor-slots", json=_slot_body(make, advisor), headers=mine)
    assert overlap.status_code == 409 and overlap.get_json()["error"]["code"] == "slot_overlaps"
    other = make.user("advisor", education_level=None)
    theirs = client.post("/api/v1/advisor-slots", json=_slot_body(make, other), headers=mine)
    assert theirs.status_code == 403
    nobody = client.post(
        "/api/v1/advisor-slots",
        json=_slot_body(make, make.user()),
        headers=auth(make.user("organiser")),
    )
    assert nobody.status_code == 404 and nobody.get_json()["error"]["code"] == "not_an_advisor"
    naive = _slot_body(make, advisor, days=4)
    naive["starts_at"] = naive["starts_at"][:19]
    assert client.post("/api/v1/advisor-slots", json=naive, headers=mine).status_code == 422
    extra = client.post(
        "/api/v1/advisor-slots", json=_slot_body(make, advisor, days=5, note="x"), headers=mine
    )
    assert extra.status_code == 422
    in_person = client.post(
        "/api/v1/advisor-slots",
        json=_slot_body(make, advisor, days=6, mode="in_person", venue_id=centre.id),
        headers=mine,
    )
    assert in_person.status_code == 201
    assert client.post("/api/v1/advisor-slots", json=_slot_body(make, advisor)).status_code == 401


def test_organisers_publish_for_an_advisor_and_book_for_someone(client, make, advisor, auth):
    organiser, person = make.user("organiser"), make.user()
    headers = auth(organiser)
    slot_id = client.post(
        "/api/v1/advisor-slots", json=_slot_body(make, advisor), headers=headers
    ).get_json()["id"]
    response = client.post(
        f"/api/v1/advisor-slots/{slot_id}/booking",
        json={"participant": person.email},
        headers=headers,
    )
    assert response.status_code == 201 and response.get_json()["participant"] == person.email
    assert response.get_json()["meeting_url"] is None  # not the organiser's to have
    stranger = make.user()
    other_slot = client.post(
        "/api/v1/advisor-slots", json=_slot_body(make, advisor, hour=14), headers=headers
    ).get_json()["id"]
    refused = client.post(
        f"/api/v1/advisor-slots/{other_slot}/booking",
        json={"participant": organiser.email},
        headers=auth(stranger),
    )
    assert refused.status_code == 403


def test_move_and_cancel(client, make, advisor, auth):
    person = make.user()
    mine, theirs = auth(advisor), auth(person)
    first = client.post("/api/v1/advisor-slots", json=_slot_body(make, advisor), headers=mine)
    second = client.post(
        "/api/v1/advisor-slots", json=_slot_body(make, advisor, hour=14), headers=mine
    )
    first_id, second_id = first.get_json()["id"], second.get_json()["id"]
    booking = client.post(f"/api/v1/advisor-slots/{first_id}/booking", headers=theirs).get_json()
    moved = client.post(
        f"/api/v1/advisor-bookings/{booking['id']}/move",
        json={"slot_id": second_id},
        headers=theirs,
    )
    assert moved.status_code == 200 and moved.get_json()["slot_id"] == second_id
    cancelled = client.post(f"/api/v1/advisor-bookings/{booking['id']}/cancel", headers=theirs)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert cancelled.get_json()["meeting_url"] is None
    again = client.post(f"/api/v1/advisor-bookings/{booking['id']}/cancel", headers=theirs)
    assert again.status_code == 200


def test_too_late_to_cancel_is_409(client, make, advisor, auth):
    person = make.user()
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=3)
    body = {
        "advisor": advisor.email,
        "starts_at": iso(start),
        "ends_at": iso(start + timedelta(minutes=30)),
        "mode": "online",
    }
    slot_id = client.post("/api/v1/advisor-slots", json=body, headers=auth(advisor)).get_json()[
        "id"
    ]
    headers = auth(person)
    booking = client.post(f"/api/v1/advisor-slots/{slot_id}/booking", headers=headers).get_json()
    response = client.post(f"/api/v1/advisor-bookings/{booking['id']}/cancel", headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "too_late"


def test_strangers_read_no_booking(client, make, advisor, auth):
    person, stranger = make.user(), make.user()
    slot_id = client.post(
        "/api/v1/advisor-slots", json=_slot_body(make, advisor), headers=auth(advisor)
    ).get_json()["id"]
    booking = client.post(
        f"/api/v1/advisor-slots/{slot_id}/booking", headers=auth(person)
    ).get_json()
    path = f"/api/v1/advisor-bookings/{booking['id']}"
    assert client.get(path, headers=auth(stranger)).status_code == 404
    response = client.post(
        f"/api/v1/advisor-bookings/{booking['id']}/cancel", headers=auth(stranger)
    )
    assert response.status_code == 404


def test_notes_are_in_no_answer(client, make, db_session, advisor, auth):
    person, organiser, admin = make.user(), make.user("organiser"), make.user("admin")
    slot_id = client.post(
        "/api/v1/advisor-slots", json=_slot_body(make, advisor), headers=auth(advisor)
    ).get_json()["id"]
    booking = client.post(
        f"/api/v1/advisor-slots/{slot_id}/booking", headers=auth(person)
    ).get_json()
    notes.save_note(booking["id"], "GEHEIME-NOTITIE", actor=advisor)
    db_session.commit()
    for reader in (advisor, person, organiser, admin):
        headers = auth(reader)
        for path in (
            f"/api/v1/advisor-bookings/{booking['id']}",
            "/api/v1/advisor-slots?available=true",
            f"/api/v1/advisor-slots?advisor={advisor.email}",
            "/api/v1/openapi.json",
        ):
            text = client.get(path, headers=headers).get_data(as_text=True)
            assert "GEHEIME-NOTITIE" not in text and "note" not in json.loads(text).get("error", {})
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    for name in ("AdvisorBookingOut", "AdvisorSlotOut"):
        assert not any("note" in field for field in schemas[name]["properties"])


def test_the_endpoints_are_documented_with_their_statuses(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    book = paths["/api/v1/advisor-slots/{slot_id}/booking"]["post"]["responses"]
    assert {"201", "403", "404", "409", "422"} <= set(book)
    assert "slot_taken" in book["409"]["description"]
    assert {"201", "403", "404", "409", "422"} <= set(
        paths["/api/v1/advisor-slots"]["post"]["responses"]
    )
    assert "/api/v1/advisor-bookings/{booking_id}/cancel" in paths
    assert "/api/v1/advisor-bookings/{booking_id}/move" in paths
    params = {p["name"] for p in paths["/api/v1/advisor-slots"]["get"]["parameters"]}
    assert params == {"available", "advisor"}
