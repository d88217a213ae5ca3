"""GET /api/v1/enrolments/{id}/invite.ics: the current invite, for the people it concerns."""

from __future__ import annotations

from booking.accounts.services import create_api_token
from booking.calendar import ics
from booking.core.db import atomic
from booking.enrolment import services
from booking.enrolment.models import Enrolment
from booking.extensions import db
from tests.calendar.itip import check_itip, seq, texts, uid
from tests.enrolment.helpers import enrol


def bearer(person) -> dict:
    _token, plain = create_api_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def get_invite(client, enrolment_id: int, headers: dict):
    return client.get(f"/api/v1/enrolments/{enrolment_id}/invite.ics", headers=headers)


def test_the_participant_gets_the_request_then_the_cancel(client, make, db_session):
    person = make.user()
    session = make.session(mode="hybrid")
    place = enrol(session, person, mode="online").enrolment
    mine = bearer(person)
    response = get_invite(client, place.id, mine)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; method=REQUEST; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert "invite.ics" in response.headers["Content-Disposition"]
    request = check_itip(response.get_data(as_text=True), "REQUEST")
    assert uid(request) == f"enrolment-{place.id}@talentmvs.example.nl"
    assert "https://teams.example/j/1" not in texts(request)  # issue 9: the place page
    assert f"/cursussen/{session.course.slug}" in texts(request)

    atomic(services.cancel, place.id, actor=person)
    response = get_invite(client, place.id, mine)
    assert response.headers["Content-Type"] == "text/calendar; method=CANCEL; charset=utf-8"
    cancel = check_itip(response.get_data(as_text=True), "CANCEL")
    assert uid(cancel) == uid(request) and seq(cancel) > seq(request)
    assert "https://teams.example/j/1" not in texts(cancel)


def test_same_invite_as_the_mail(client, make, db_session):
    person = make.user()
    place = enrol(make.session(), person).enrolment
    body = get_invite(client, place.id, bearer(person)).get_data(as_text=True)
    db.session.rollback()
    mailed = ics.invite(db.session.get(Enrolment, place.id), "REQUEST")
    drop_stamp = lambda text: [l for l in text.split("\r\n") if not l.startswith("DTSTAMP")]  # noqa: E731, E741
    assert drop_stamp(body) == drop_stamp(mailed)


def test_who_may_read_the_invite(client, make, db_session):
    team = make.team()
    person = make.user(team_=team)
    leader = make.user("team_leader", team_=team)
    other_leader = make.user("team_leader")
    place = enrol(make.session(), person).enrolment
    allowed = {"participant": person, "leader": leader, "organiser": make.user("organiser")}
    for who, reader in allowed.items():
        assert get_invite(client, place.id, bearer(reader)).status_code == 200, who
    refused = {
        "another participant": make.user(),
        "another team's leader": other_leader,
        "HR of the organisation": make.user("hr", org=person.organisation),
        "a colleague": make.user(team_=team),
    }
    for who, reader in refused.items():
        response = get_invite(client, place.id, bearer(reader))
        assert response.status_code == 404, who
        assert response.get_json()["error"]["code"] == "enrolment_not_found"
    assert get_invite(client, place.id, {}).status_code == 401
    assert get_invite(client, place.id + 1000, bearer(person)).status_code == 404
    assert get_invite(client, 2**40, bearer(person)).status_code == 404


def test_a_waitlisted_enrolment_has_no_place_to_announce(client, make, db_session):
    session = make.session(capacity={"in_person": 1})
    enrol(session, make.user())
    person = make.user()
    waiting = enrol(session, person).enrolment
    response = get_invite(client, waiting.id, bearer(person))
    assert response.headers["Content-Type"] == "text/calendar; method=CANCEL; charset=utf-8"
    check_itip(response.get_data(as_text=True), "CANCEL")


def test_documented_in_openapi(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/enrolments/{enrolment_id}/invite.ics"]["get"]
    assert "text/calendar" in operation["description"]
    assert {"401", "404"} <= set(operation["responses"])
    assert set(operation["responses"]["200"]["content"]) == {"text/calendar"}
