"""Organisers through the API: a session's roster, moving people between modes, cancelling a
session, reserving seats for one organisation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from booking.core.timez import iso_local
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from tests.api.test_enrolments_common import (
    enrol,
    enrolled,
    fill,
    new_session,
    person,
    seat_counts,
    status_of,
)


def roster(client, session_id: int, headers: dict) -> dict:
    response = client.get(f"/api/v1/sessions/{session_id}/enrolments", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(entries: list[dict]) -> list[int]:
    return [e["id"] for e in entries]


# -- the roster ---------------------------------------------------------------------------------


def test_the_roster_lists_everyone_in_order(client, db_session, make):
    session_id = new_session("hybrid", {"in_person": 1, "online": 1}, promotion="offer")
    _, organiser = person("organiser")
    org = make.organisation("Gemeente Vlaardingen")
    leader, _ = person("team_leader", org=org)
    member, member_headers = person(team_=leader.team)
    confirmed = enrolled(client, session_id, member_headers, mode="in_person")
    online = fill(client, session_id, 1, mode="online")[0]
    waiting = fill(client, session_id, 2, mode="in_person")
    enrolled(client, session_id, organiser, participant=person()[0].email, mode="online")

    answer = roster(client, session_id, organiser)
    assert answer["session_id"] == session_id
    assert set(ids(answer["confirmed"])) == {confirmed["id"], online["id"]}
    entry = next(e for e in answer["confirmed"] if e["id"] == confirmed["id"])
    assert (entry["participant"], entry["organisation"]) == (member.email, "Gemeente Vlaardingen")
    assert entry["team"] == leader.team.name
    assert ids(answer["waitlist"]["in_person"]) == ids(waiting)
    assert [e["waitlist_position"] for e in answer["waitlist"]["in_person"]] == [1, 2]
    assert len(answer["waitlist"]["online"]) == 1
    assert answer["pending"] == [] and answer["offered"] == []

    client.post(f"/api/v1/enrolments/{confirmed['id']}/cancel", headers=member_headers)
    answer = roster(client, session_id, organiser)
    assert ids(answer["offered"]) == [waiting[0]["id"]]
    assert ids(answer["waitlist"]["in_person"]) == [waiting[1]["id"]]


def test_the_roster_is_for_organisers(client, db_session):
    session_id = new_session()
    for role in ("participant", "team_leader", "hr"):
        response = client.get(f"/api/v1/sessions/{session_id}/enrolments", headers=person(role)[1])
        assert response.status_code == 403
    assert client.get(f"/api/v1/sessions/{session_id}/enrolments").status_code == 401
    organiser = person("organiser")[1]
    assert client.get("/api/v1/sessions/987654/enrolments", headers=organiser).status_code == 404


def test_the_roster_does_not_grow_in_queries(client, db_session, count_queries):
    session_id = new_session("hybrid", {"in_person": 1, "online": 3})  # both lists: a waitlist
    _, organiser = person("organiser")
    roster(client, session_id, organiser)  # the token's first use

    def add(count: int) -> None:
        for _ in range(count):
            leader, _ = person("team_leader")
            member, _ = person(team_=leader.team)
            enrol(client, session_id, organiser, participant=member.email, mode="in_person")

    def count() -> int:
        count_queries.reset()
        roster(client, session_id, organiser)
        return len(count_queries)

    add(2)
    few = count()
    add(6)
    assert count() == few, count_queries.statements


# -- moving between modes -----------------------------------------------------------------------


def test_moving_someone_online_frees_their_seat_for_the_waitlist(client, db_session):
    session_id = new_session("hybrid", {"in_person": 1, "online": 2})
    _, organiser = person("organiser")
    _, headers = person()
    mine = enrolled(client, session_id, headers, mode="in_person")
    waiting = fill(client, session_id, 1, mode="in_person")[0]

    response = client.post(
        f"/api/v1/enrolments/{mine['id']}/move", json={"mode": "online"}, headers=organiser
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert (answer["mode"], answer["status"], answer["promoted"]) == (
        "online",
        "confirmed",
        [waiting["id"]],
    )
    assert seat_counts(session_id, "in_person") == (1, 0)
    assert seat_counts(session_id, "online") == (1, 0)

    full = client.post(
        f"/api/v1/enrolments/{waiting['id']}/move", json={"mode": "in_person"}, headers=organiser
    )
    assert full.status_code == 200 and full.get_json()["promoted"] == []  # already there
    fill(client, session_id, 1, mode="online")
    refused = client.post(
        f"/api/v1/enrolments/{waiting['id']}/move", json={"mode": "online"}, headers=organiser
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "no_free_place"
    assert status_of(waiting["id"]) == "confirmed"


def test_only_organisers_move_people(client, db_session):
    session_id = new_session("hybrid", {"in_person": 1, "online": 2})
    _, headers = person()
    mine = enrolled(client, session_id, headers, mode="in_person")
    response = client.post(
        f"/api/v1/enrolments/{mine['id']}/move", json={"mode": "online"}, headers=headers
    )
    assert response.status_code == 403
    organiser = person("organiser")[1]
    missing = client.post(
        "/api/v1/enrolments/987654/move", json={"mode": "online"}, headers=organiser
    )
    assert missing.status_code == 404


# -- cancelling a session -----------------------------------------------------------------------


def test_cancelling_a_session_cancels_every_place(client, db_session):
    session_id = new_session(capacity={"in_person": 1})
    _, organiser = person("organiser")
    placed = fill(client, session_id, 1)[0]
    waiting = fill(client, session_id, 1)[0]

    response = client.post(
        f"/api/v1/sessions/{session_id}/cancel", json={"reason": "Spreker ziek"}, headers=organiser
    )
    assert response.status_code == 200
    session = response.get_json()
    assert (session["id"], session["status"]) == (session_id, "cancelled")
    assert session["cancelled_at"] and session["confirmed"] == {"in_person": 0, "online": 0}
    assert session["waitlist"] == {"in_person": 0, "online": 0}
    assert status_of(placed["id"]) == status_of(waiting["id"]) == "cancelled"
    told = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "session_cancelled")
    )
    assert told == 2

    again = client.post(f"/api/v1/sessions/{session_id}/cancel", headers=organiser)
    assert again.status_code == 200 and again.get_json()["status"] == "cancelled"
    assert (
        client.post(f"/api/v1/sessions/{session_id}/cancel", headers=person()[1]).status_code == 403
    )
    assert client.post("/api/v1/sessions/987654/cancel", headers=organiser).status_code == 404


# -- reservations -------------------------------------------------------------------------------


def test_reserved_seats_go_to_their_organisation_first(client, db_session, make):
    start = make.future(20)
    session_id = new_session(capacity={"in_person": 3}, start=start)
    _, organiser = person("organiser")
    org = make.organisation("Gemeente Schiedam")
    db.session.commit()
    until = start - timedelta(days=5)
    response = client.post(
        f"/api/v1/sessions/{session_id}/reservations",
        json={
            "organisation_id": org.id,
            "mode": "in_person",
            "seats": 2,
            "until": iso_local(until),
        },
        headers=organiser,
    )
    assert response.status_code == 201, response.get_json()
    reservation = response.get_json()
    assert response.headers["Location"] == f"/api/v1/sessions/{session_id}/enrolments"
    assert (reservation["organisation_name"], reservation["seats"], reservation["used"]) == (
        "Gemeente Schiedam",
        2,
        0,
    )
    assert reservation["remaining"] == 2 and reservation["until"] == iso_local(until)
    assert client.get(f"/api/v1/sessions/{session_id}").get_json()["free"]["in_person"] == 1

    outsiders = fill(client, session_id, 2)
    assert [o["status"] for o in outsiders] == ["confirmed", "waitlisted"]
    _, insider = person(org=org)
    assert enrolled(client, session_id, insider)["status"] == "confirmed"
    listed = roster(client, session_id, organiser)["reservations"]
    assert [(r["id"], r["used"], r["remaining"]) for r in listed] == [(reservation["id"], 1, 1)]


def test_reservations_that_cannot_be(client, db_session, make):
    start = make.future(20)
    session_id = new_session(capacity={"in_person": 3}, start=start)
    _, organiser = person("organiser")
    org = make.organisation()
    db.session.commit()
    base = {"organisation_id": org.id, "mode": "in_person", "seats": 2}
    for body, field in (
        ({**base, "seats": 4, "until": iso_local(start - timedelta(days=1))}, "seats"),
        ({**base, "until": iso_local(start + timedelta(days=1))}, "until"),
        ({**base, "until": iso_local(start - timedelta(days=40))}, "until"),
        ({**base, "mode": "online", "until": iso_local(start - timedelta(days=1))}, "mode"),
        ({**base, "organisation_id": 987654, "until": iso_local(start)}, "organisation_id"),
    ):
        response = client.post(
            f"/api/v1/sessions/{session_id}/reservations", json=body, headers=organiser
        )
        assert response.status_code == 422, body
        assert field in response.get_json()["error"]["fields"], response.get_json()
    participant = person()[1]
    body = {**base, "until": iso_local(start - timedelta(days=1))}
    response = client.post(
        f"/api/v1/sessions/{session_id}/reservations", json=body, headers=participant
    )
    assert response.status_code == 403
    assert seat_counts(session_id) == (0, 0)
