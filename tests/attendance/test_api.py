"""The attendance API: the meetings of a session carry their id, PUT records a meeting's
attendance through the same rules as the pages, GET reads every place's record per meeting,
in a fixed number of statements; who may do it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.accounts.services import create_api_token
from booking.attendance import services
from booking.attendance.models import SessionTrainer
from booking.enrolment import services as enrolment
from booking.extensions import db


def bearer(person) -> dict:
    _token, plain = create_api_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def started(two_meetings, monkeypatch):
    """The clock just after the first meeting's start."""
    later = two_meetings.first + timedelta(minutes=10)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    return two_meetings


def _put(client, course, headers, statuses, meeting=0):
    body = {
        "meeting_id": course.meeting_ids[meeting],
        "records": [
            {"enrolment_id": p.id, "status": s}
            for p, s in zip(course.places, statuses, strict=False)
        ],
    }
    return client.put(
        f"/api/v1/sessions/{course.session.id}/attendance", json=body, headers=headers
    )


def test_meetings_carry_their_id(client, two_meetings):
    answer = client.get(f"/api/v1/sessions/{two_meetings.session.id}").get_json()
    assert [m["id"] for m in answer["meetings"]] == two_meetings.meeting_ids


def test_put_then_get(client, started):
    headers = bearer(started.organiser)
    answer = _put(client, started, headers, ["attended", "absent", "excused"])
    assert answer.status_code == 200 and answer.get_json() == {"recorded": 3}
    assert _put(client, started, headers, ["attended", "attended"]).get_json() == {"recorded": 2}
    rows = client.get(f"/api/v1/sessions/{started.session.id}/attendance", headers=headers)
    assert rows.status_code == 200
    found = {row["enrolment_id"]: row for row in rows.get_json()}
    ann, bob, cas = (found[p.id] for p in started.places)
    assert ann["participant"] == started.places[0].user.email
    assert ann["meetings"] == [
        {"meeting_id": started.meeting_ids[0], "status": "attended", "source": "list"},
        {"meeting_id": started.meeting_ids[1], "status": None, "source": None},
    ]
    assert bob["meetings"][0]["status"] == "attended"  # corrected
    assert cas["meetings"][0]["status"] == "excused"


def test_the_rules_answer_with_their_codes(client, started):
    headers = bearer(started.organiser)
    early = _put(client, started, headers, ["attended"], meeting=1)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_started"
    body = {
        "meeting_id": started.meeting_ids[0],
        "records": [{"enrolment_id": 999999, "status": "attended"}],
    }
    stranger = client.put(
        f"/api/v1/sessions/{started.session.id}/attendance", json=body, headers=headers
    )
    assert stranger.status_code == 422
    assert stranger.get_json()["error"]["code"] == "not_a_participant"
    wrong = _put(client, started, headers, ["maybe"])
    assert wrong.status_code == 422
    missing = client.get("/api/v1/sessions/999999/attendance", headers=headers)
    assert missing.status_code == 404


def test_who_may(client, make, started, db_session):
    participant = started.places[0].user
    for person in (participant, make.user("team_leader"), make.user("hr")):
        headers = bearer(person)
        assert _put(client, started, headers, ["attended"]).status_code == 403
        path = f"/api/v1/sessions/{started.session.id}/attendance"
        assert client.get(path, headers=headers).status_code == 403
    assert client.get(f"/api/v1/sessions/{started.session.id}/attendance").status_code == 401
    trainer = make.user()
    db.session.add(SessionTrainer(session_id=started.session.id, user_id=trainer.id))
    db_session.commit()
    assert _put(client, started, bearer(trainer), ["attended"]).status_code == 200


def test_get_reads_a_fixed_number_of_statements(client, make, started, count_queries, db_session):
    headers = bearer(started.organiser)
    path = f"/api/v1/sessions/{started.session.id}/attendance"
    client.get(path, headers=headers)  # the token's first use writes last_used_at
    count_queries.reset()
    client.get(path, headers=headers)
    few = len(count_queries)
    for _ in range(7):  # the session holds 10
        person = make.user()
        enrolment.enrol(started.session.id, person, actor=person)
    db_session.commit()
    _put(client, started, headers, ["attended"] * 3)
    count_queries.reset()
    assert len(client.get(path, headers=headers).get_json()) == 10
    assert len(count_queries) == few


def test_organisers_name_trainers_and_close_through_the_api(
    client, make, two_meetings, monkeypatch
):
    course = two_meetings
    sid = course.session.id
    headers = bearer(course.organiser)
    trainer = make.user()
    made = client.post(
        f"/api/v1/sessions/{sid}/trainers", json={"email": trainer.email}, headers=headers
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["user_id"] == trainer.id
    again = client.post(
        f"/api/v1/sessions/{sid}/trainers", json={"email": trainer.email}, headers=headers
    )
    assert again.status_code == 200
    unknown = client.post(
        f"/api/v1/sessions/{sid}/trainers", json={"email": "nobody@example.nl"}, headers=headers
    )
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["code"] == "unknown_person"
    listed = client.get(f"/api/v1/sessions/{sid}/trainers", headers=headers).get_json()
    assert [t["email"] for t in listed] == [trainer.email]
    # The trainer takes attendance but neither names trainers nor closes.
    trainer_headers = bearer(trainer)
    assert (
        client.post(
            f"/api/v1/sessions/{sid}/trainers",
            json={"email": trainer.email},
            headers=trainer_headers,
        ).status_code
        == 403
    )
    early = client.post(f"/api/v1/sessions/{sid}/close", headers=headers)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_ended"
    after = course.second + timedelta(hours=4)
    monkeypatch.setattr(services, "utcnow", lambda: after)
    closed = client.post(f"/api/v1/sessions/{sid}/close", headers=headers)
    assert closed.status_code == 200
    assert closed.get_json()["closed_by"] == course.organiser.email
    assert (
        client.post(f"/api/v1/sessions/{sid}/close", headers=headers).get_json()
        == closed.get_json()
    )
    removed = client.delete(f"/api/v1/sessions/{sid}/trainers/{trainer.id}", headers=headers)
    assert removed.get_json() == {"removed": True}
    assert client.delete(
        f"/api/v1/sessions/{sid}/trainers/{trainer.id}", headers=headers
    ).get_json() == {"removed": False}
    assert client.post("/api/v1/sessions/999999/close", headers=headers).status_code == 404
