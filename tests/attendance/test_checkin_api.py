"""POST /api/v1/check-in: the contract (200 with the place, 404/422 for wrong codes) over the
same rules as the check-in page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.attendance import checkin
from booking.enrolment import services as enrolment
from tests.attendance.test_api import bearer


@pytest.fixture
def started(two_meetings, monkeypatch):
    later = two_meetings.first + timedelta(minutes=10)
    monkeypatch.setattr(checkin, "utcnow", lambda: later)
    return two_meetings


def _post(client, course, code, headers, meeting=0):
    body = {"code": code, "meeting_id": course.meeting_ids[meeting]}
    return client.post("/api/v1/check-in", json=body, headers=headers)


def test_check_in(client, started):
    place = started.places[0]
    headers = bearer(started.organiser)
    answer = _post(client, started, checkin.code_for(place.id), headers)
    assert answer.status_code == 200
    assert answer.get_json() == {"enrolment_id": place.id, "status": "attended"}
    assert _post(client, started, checkin.code_for(place.id), headers).status_code == 200
    rows = client.get(f"/api/v1/sessions/{started.session.id}/attendance", headers=headers)
    found = {row["enrolment_id"]: row for row in rows.get_json()}
    assert found[place.id]["meetings"][0] == {
        "meeting_id": started.meeting_ids[0],
        "status": "attended",
        "source": "qr",
    }


def test_wrong_codes(client, make, started, db_session):
    headers = bearer(started.organiser)
    unknown = _post(client, started, "ABCD-EFGH-JKMN", headers)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "unknown_code"
    other = make.session(start=started.first)
    person = make.user()
    theirs = enrolment.enrol(other.id, person, actor=person).enrolment
    db_session.commit()
    answer = _post(client, started, checkin.code_for(theirs.id), headers)
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "other_session"
    place = started.places[1]
    enrolment.cancel(place.id, actor=place.user)
    db_session.commit()
    answer = _post(client, started, checkin.code_for(place.id), headers)
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "not_confirmed"


def test_before_start_and_strangers(client, make, two_meetings):
    code = checkin.code_for(two_meetings.places[0].id)
    answer = _post(client, two_meetings, code, bearer(two_meetings.organiser))
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "not_started"
    answer = _post(client, two_meetings, code, bearer(make.user()))
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "not_a_trainer"
    assert client.post("/api/v1/check-in", json={"code": code, "meeting_id": 1}).status_code == 401
    bad = client.post("/api/v1/check-in", json={"code": ""}, headers=bearer(two_meetings.organiser))
    assert bad.status_code == 422
