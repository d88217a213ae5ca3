"""After enrolling: who may read an enrolment, cancelling (with promotion), offers, and the
caller's own list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.core.db import utcnow
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import Session
from tests.api.test_enrolments_common import (
    enrolled,
    fill,
    new_session,
    person,
    seat_counts,
    status_of,
)


def cancel(client, enrolment_id: int, headers: dict, **body):
    return client.post(f"/api/v1/enrolments/{enrolment_id}/cancel", json=body, headers=headers)


# -- reading ------------------------------------------------------------------------------------


def test_who_may_read_an_enrolment(client, db_session, make):
    session_id = new_session()
    org = make.organisation()
    leader, leader_headers = person("team_leader", org=org)
    member, member_headers = person(team_=leader.team)
    answer = enrolled(client, session_id, member_headers)
    path = f"/api/v1/enrolments/{answer['id']}"

    readers = [member_headers, leader_headers, person("hr", org=org)[1], person("organiser")[1]]
    for headers in readers:
        response = client.get(path, headers=headers)
        assert response.status_code == 200
        assert response.get_json()["participant"] == member.email
    strangers = [
        person()[1],  # someone else
        person("hr")[1],  # HR of another organisation
        person("team_leader", org=org)[1],  # leads another team of the same organisation
        person(org=org, team_=leader.team)[1],  # a colleague in the same team
    ]
    for headers in strangers:
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "enrolment_not_found"
    assert client.get("/api/v1/enrolments/987654", headers=member_headers).status_code == 404


# -- cancelling ---------------------------------------------------------------------------------


def test_cancelling_promotes_the_next_in_line_once(client, db_session):
    session_id = new_session(capacity={"in_person": 1})
    _, headers = person()
    mine = enrolled(client, session_id, headers)
    waiting = fill(client, session_id, 2)

    response = cancel(client, mine["id"], headers, reason="Ziek")
    assert response.status_code == 200
    answer = response.get_json()
    assert (answer["id"], answer["status"], answer["promoted"]) == (
        mine["id"],
        "cancelled",
        [waiting[0]["id"]],
    )
    assert answer["cancelled_at"] and answer["late_cancel"] is False
    assert status_of(waiting[0]["id"]) == "confirmed"
    assert status_of(waiting[1]["id"]) == "waitlisted"
    db.session.rollback()
    assert db.session.get(Enrolment, mine["id"]).cancel_reason == "Ziek"

    again = cancel(client, mine["id"], headers)
    assert again.status_code == 200
    assert again.get_json() == {**answer, "promoted": []}
    assert status_of(waiting[1]["id"]) == "waitlisted"
    assert seat_counts(session_id) == (1, 0)

    second = client.get(f"/api/v1/enrolments/{waiting[1]['id']}", headers=headers)
    assert second.status_code == 404


def test_leaving_the_waitlist_moves_the_others_up(client, db_session):
    session_id = new_session(capacity={"in_person": 1})
    fill(client, session_id, 1)
    _, headers = person()
    mine = enrolled(client, session_id, headers)
    later = fill(client, session_id, 1)[0]
    assert later["waitlist_position"] == 2
    answer = client.post(f"/api/v1/enrolments/{mine['id']}/cancel", headers=headers).get_json()
    assert (answer["status"], answer["promoted"]) == ("cancelled", [])
    assert seat_counts(session_id) == (1, 0)
    session = client.get(f"/api/v1/sessions/{session_id}").get_json()
    assert session["waitlist"]["in_person"] == 1


def test_strangers_cannot_cancel_and_hr_may_only_read(client, db_session, make):
    session_id = new_session()
    org = make.organisation()
    _, headers = person(org=org)
    mine = enrolled(client, session_id, headers)
    response = cancel(client, mine["id"], person()[1])
    assert response.status_code == 404
    response = cancel(client, mine["id"], person("hr", org=org)[1])
    assert response.status_code == 403
    assert status_of(mine["id"]) == "confirmed"


def test_a_cancel_for_a_status_that_changed_meanwhile_is_refused(client, db_session):
    """The client says what it saw (`status`): a waitlist position promoted to a place in the
    meantime is not given up by a cancel meant for the waitlist (as on the web page)."""
    session_id = new_session(capacity={"in_person": 1})
    _, first = person()
    holder = enrolled(client, session_id, first)
    _, headers = person()
    mine = enrolled(client, session_id, headers)
    assert mine["status"] == "waitlisted"
    assert cancel(client, holder["id"], first).get_json()["promoted"] == [mine["id"]]

    response = cancel(client, mine["id"], headers, status="waitlisted")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "changed"
    assert status_of(mine["id"]) == "confirmed"
    assert seat_counts(session_id) == (1, 0)

    # A stranger naming a status still learns nothing: 404, as without it.
    assert cancel(client, mine["id"], person()[1], status="waitlisted").status_code == 404
    # Junk is a 422 naming the field, and changes nothing.
    response = cancel(client, mine["id"], headers, status="gone")
    assert response.status_code == 422 and "status" in response.get_json()["error"]["fields"]
    assert status_of(mine["id"]) == "confirmed"

    answer = cancel(client, mine["id"], headers, status="confirmed", reason="Toch niet")
    assert answer.status_code == 200 and answer.get_json()["status"] == "cancelled"
    # Over already: whatever status is named, the same enrolment again, nothing changed.
    again = cancel(client, mine["id"], headers, status="waitlisted")
    assert again.status_code == 200
    assert (again.get_json()["status"], again.get_json()["promoted"]) == ("cancelled", [])


def test_the_cancel_status_is_in_the_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/enrolments/{enrolment_id}/cancel"]["post"]
    body = operation["requestBody"]
    assert body["required"] is False
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = doc["components"]["schemas"][ref]["properties"]
    assert set(fields) == {"reason", "status"}
    assert "`changed`" in fields["status"]["description"]
    assert "`changed`" in operation["responses"]["409"]["description"]


def test_after_the_deadline_only_the_team_leader_cancels_and_it_is_late(client, db_session, make):
    start = make.future(5)
    session_id = new_session(start=start, cancellation_deadline=utcnow() + timedelta(hours=1))
    leader, leader_headers = person("team_leader")
    _, headers = person(team_=leader.team)
    mine = enrolled(client, session_id, headers)
    db.session.rollback()
    db.session.get(Session, session_id).cancellation_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()

    response = cancel(client, mine["id"], headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "deadline_passed"
    response = cancel(client, mine["id"], leader_headers)
    assert response.status_code == 200
    assert response.get_json()["late_cancel"] is True


# -- offers -------------------------------------------------------------------------------------


@pytest.fixture
def offered(client, db_session):
    """A full session that offers freed places: (session id, offered answer, headers of the
    offered person, the next in line)."""
    session_id = new_session(capacity={"in_person": 1}, promotion="offer")
    _, first = person()
    holder = enrolled(client, session_id, first)
    _, headers = person()
    waiting = enrolled(client, session_id, headers)
    later = fill(client, session_id, 1)[0]
    promoted = cancel(client, holder["id"], first).get_json()["promoted"]
    assert promoted == [waiting["id"]]
    answer = client.get(f"/api/v1/enrolments/{waiting['id']}", headers=headers).get_json()
    assert answer["status"] == "offered" and answer["offer_expires_at"]
    return session_id, answer, headers, later


def test_accepting_an_offer_confirms(client, offered):
    session_id, answer, headers, _later = offered
    response = client.post(f"/api/v1/enrolments/{answer['id']}/accept", headers=headers)
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["promoted"]) == ("confirmed", [])
    assert seat_counts(session_id) == (1, 0)
    again = client.post(f"/api/v1/enrolments/{answer['id']}/accept", json={}, headers=headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "no_offer"


def test_declining_an_offer_offers_it_to_the_next(client, offered):
    session_id, answer, headers, later = offered
    response = client.post(f"/api/v1/enrolments/{answer['id']}/decline", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "declined"
    assert response.get_json()["promoted"] == [later["id"]]
    assert status_of(later["id"]) == "offered"
    assert seat_counts(session_id) == (0, 1)


def test_only_the_offered_person_answers(client, offered):
    _session_id, answer, _headers, _later = offered
    for action in ("accept", "decline"):
        response = client.post(f"/api/v1/enrolments/{answer['id']}/{action}", headers=person()[1])
        assert response.status_code == 404
    assert status_of(answer["id"]) == "offered"


def test_an_expired_offer_goes_to_the_next(client, offered):
    _session_id, answer, headers, later = offered
    db.session.rollback()
    db.session.get(Enrolment, answer["id"]).offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/api/v1/enrolments/{answer['id']}/accept", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "expired"
    assert response.get_json()["promoted"] == [later["id"]]


# -- my enrolments ------------------------------------------------------------------------------


def test_my_enrolments_filters_and_pages(client, db_session, make):
    user, headers = person()
    soon = new_session(start=make.future(3))
    later = new_session(start=make.future(9))
    full = new_session(start=make.future(6), capacity={"in_person": 1})
    fill(client, full, 1)
    ids = {
        "soon": enrolled(client, soon, headers)["id"],
        "later": enrolled(client, later, headers)["id"],
        "full": enrolled(client, full, headers)["id"],
    }
    cancel(client, ids["later"], headers)
    other = person()[1]
    enrolled(client, soon, other)

    def listed(query: str = "") -> dict:
        response = client.get(f"/api/v1/me/enrolments{query}", headers=headers)
        assert response.status_code == 200
        return response.get_json()

    active = listed()
    assert [e["id"] for e in active["items"]] == [ids["soon"], ids["full"]]  # soonest first
    assert active["items"][1]["waitlist_position"] == 1
    assert all(e["participant"] == user.email for e in active["items"])
    assert [e["id"] for e in listed("?status=all")["items"]] == [
        ids["soon"],
        ids["full"],
        ids["later"],
    ]
    assert [e["id"] for e in listed("?status=cancelled")["items"]] == [ids["later"]]
    assert [e["id"] for e in listed("?status=waitlisted&upcoming=true")["items"]] == [ids["full"]]
    first = listed("?status=all&per_page=2")
    assert (len(first["items"]), first["has_more"], first["total"]) == (2, True, None)
    second = listed("?status=all&per_page=2&page=2")
    assert ([e["id"] for e in second["items"]], second["has_more"]) == ([ids["later"]], False)
    assert listed("?page=50")["items"] == []


def test_my_enrolments_do_not_grow_in_queries(client, db_session, count_queries, make):
    user, headers = person()
    _, organiser = person("organiser")
    client.get("/api/v1/me/enrolments", headers=headers)  # the token's first use

    def add(days: int) -> None:
        """A waitlisted place, booked by the organiser (so `booked_by` is someone else)."""
        session_id = new_session(start=make.future(days), capacity={"in_person": 1})
        fill(client, session_id, 1)
        enrolled(client, session_id, organiser, participant=user.email)

    def count() -> tuple[int, int]:
        count_queries.reset()
        response = client.get("/api/v1/me/enrolments", headers=headers)
        assert response.status_code == 200
        return len(response.get_json()["items"]), len(count_queries)

    add(3)
    add(4)
    two, few = count()
    for days in (5, 6, 7, 8):
        add(days)
    six, more = count()
    assert (two, six) == (2, 6)
    assert more == few, count_queries.statements
