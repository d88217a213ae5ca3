"""Invariant 7 (organisations walled off): a session closed to another organisation is a 404
on every page and API path that takes a session id, before any other check, with the same
answer as an id that does not exist; so neither its existence, its state nor its rules leak.
The trainers named for it (of any organisation) still reach its attendance."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from booking.accounts.models import Role
from booking.accounts.services import create_api_token
from booking.attendance import services as attendance
from booking.core.db import atomic
from booking.enrolment import services as enrolment
from booking.extensions import db
from booking.scheduling.models import Session
from tests.events.fixtures import make_festival

MISSING = 2_000_000_000  # within the INTEGER range, no such row


@pytest.fixture
def walled(make, db_session):
    """Organisation A's closed session (with a confirmed place and a meeting), and people of
    organisation B: a participant, their team leader and their HR contact."""
    org_a, org_b = make.organisation(), make.organisation()
    session = make.session(visibility="organisation", organisation_id=org_a.id)
    own = make.user(Role.PARTICIPANT, org=org_a)
    place = enrolment.enrol(session.id, own, actor=own).enrolment
    team_b = make.team(org_b)
    people = {
        "participant": make.user(Role.PARTICIPANT, team_=team_b),
        "team_leader": make.user(Role.TEAM_LEADER, team_=team_b),
        "hr": make.user(Role.HR, org=org_b),
    }
    event_id, items, _organiser = make_festival(make, db_session)
    db.session.execute(
        update(Session)
        .where(Session.id == items[0])
        .values(visibility="organisation", organisation_id=org_a.id)
    )
    db_session.commit()
    return {
        "event": event_id,
        "item": items[0],
        "session": session,
        "meeting": session.meetings[0].id,
        "place": place.id,
        "own": own,
        "people": people,
        "org_b": org_b.id,
    }


def _probes(w: dict, person) -> list[tuple[str, str, dict]]:
    """(method, path with {id}, keyword arguments of the request) for every path that takes
    a session id, in the address or in the body."""
    member = w["people"]["participant"].email
    meeting, place = w["meeting"], w["place"]
    api = [
        ("GET", "/api/v1/sessions/{id}", {}),
        ("PATCH", "/api/v1/sessions/{id}", {"json": {"notes": "x"}}),
        ("POST", "/api/v1/sessions/{id}/cancel", {"json": {"reason": "weg"}}),
        ("POST", "/api/v1/sessions/{id}/enrolments", {"json": {}}),
        ("POST", "/api/v1/sessions/{id}/enrolments", {"json": {"participant": member}}),
        ("GET", "/api/v1/sessions/{id}/enrolments", {}),
        (
            "POST",
            "/api/v1/sessions/{id}/reservations",
            {
                "json": {
                    "organisation_id": w["org_b"],
                    "mode": "in_person",
                    "seats": 1,
                    "until": "2099-01-01T00:00:00+01:00",
                }
            },
        ),
        ("GET", "/api/v1/sessions/{id}/attendance", {}),
        (
            "PUT",
            "/api/v1/sessions/{id}/attendance",
            {"json": {"meeting_id": meeting, "records": []}},
        ),
        ("POST", "/api/v1/sessions/{id}/close", {"json": {}}),
        ("GET", "/api/v1/sessions/{id}/trainers", {}),
        ("POST", "/api/v1/sessions/{id}/trainers", {"json": {"email": member}}),
        ("DELETE", f"/api/v1/sessions/{{id}}/trainers/{person.id}", {}),
        ("POST", "/api/v1/sessions/{id}/results", {"json": {"certification_id": 1, "results": []}}),
        (
            "POST",
            "/api/v1/team-bookings",
            {"json": {"session_id": "{id}", "participants": [member], "all_or_nothing": False}},
        ),
        ("POST", "/api/v1/check-in", {"json": {"code": "K7QM4X9PRT", "meeting_id": "{meeting}"}}),
        (
            "POST",
            f"/api/v1/events/{w['event']}/registrations",
            {"json": {"choices": ["{item}"]}},
        ),
        # the place of organisation A's participant in it
        ("GET", "/api/v1/enrolments/{place}", {}),
        ("GET", "/api/v1/enrolments/{place}/invite.ics", {}),
        ("POST", "/api/v1/enrolments/{place}/cancel", {"json": {}}),
        ("POST", "/api/v1/enrolments/{place}/accept", {"json": {}}),
        ("POST", "/api/v1/enrolments/{place}/decline", {"json": {}}),
        ("POST", "/api/v1/enrolments/{place}/approve", {"json": {}}),
        ("POST", "/api/v1/enrolments/{place}/reject", {"json": {"reason": "nee"}}),
        ("POST", "/api/v1/enrolments/{place}/move", {"json": {"mode": "online"}}),
    ]
    pages = [
        ("POST", "/sessies/{id}/inschrijven", {"data": {}}),
        (
            "POST",
            "/mijn-team/boeken",
            {
                "data": {
                    "booking-session": "{id}",
                    "booking-fill": "partial",
                    "booking-members": [str(p.id) for p in w["people"].values()],
                }
            },
        ),
        ("GET", "/presentie/sessies/{id}", {}),
        ("GET", f"/presentie/sessies/{{id}}/bijeenkomsten/{meeting}", {}),
        ("POST", f"/presentie/sessies/{{id}}/bijeenkomsten/{meeting}", {"data": {}}),
        ("GET", "/presentie/sessies/{id}/resultaten", {}),
        ("POST", "/presentie/sessies/{id}/resultaten", {"data": {}}),
        ("POST", "/presentie/sessies/{id}/sluiten", {"data": {}}),
        ("POST", "/presentie/sessies/{id}/trainers", {"data": {"email": member}}),
        ("POST", f"/presentie/sessies/{{id}}/trainers/{person.id}/verwijderen", {"data": {}}),
        ("GET", "/beheer/sessies/{id}", {}),
        ("GET", "/beheer/sessies/{id}/deelnemers", {}),
        ("GET", "/beheer/sessies/{id}/annuleren", {}),
        ("GET", "/beheer/sessies/{id}/inchecken", {}),
        ("POST", "/beheer/sessies/{id}/inchecken", {"data": {"code": "x", "meeting": meeting}}),
        (
            "POST",
            "/beheer/sessies/{id}/inchecken/json",
            {"json": {"code": "x", "meeting_id": meeting}},
        ),
        ("POST", "/beheer/sessies/{id}/opname", {"data": {"url": "https://x.example"}}),
        ("POST", "/beheer/sessies/{id}/reserveringen", {"data": {}}),
        ("POST", "/beheer/sessies/{id}/deelnemers/toevoegen", {"data": {"email": member}}),
        ("POST", f"/beheer/sessies/{{id}}/deelnemers/{place}/besluit", {"data": {}}),
        ("POST", f"/beheer/sessies/{{id}}/deelnemers/{place}/verplaatsen", {"data": {}}),
        ("GET", f"/beheer/sessies/{{id}}/deelnemers/{place}/annuleren", {}),
        ("POST", f"/beheer/sessies/{{id}}/deelnemers/{place}/wachtrij-verlaten", {"data": {}}),
        ("GET", "/beheer/sessies/nieuw?session={id}", {}),
        ("POST", "/inschrijvingen/{place}/annuleren", {"data": {}}),
        ("POST", "/inschrijvingen/{place}/aanbod", {"data": {"answer": "accept"}}),
        ("POST", "/inschrijvingen/{place}/besluit", {"data": {"decision": "approve"}}),
        ("POST", "/inschrijvingen/{place}/niet-meer-wachten", {"data": {}}),
    ]
    return api + pages


PLACEHOLDERS = ("{id}", "{meeting}", "{place}", "{item}")


def _fill(value, ids: dict):
    if isinstance(value, str):
        if value in ids:
            return ids[value]
        for name, number in ids.items():
            value = value.replace(name, str(number))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _answer(client, method: str, path: str, options: dict, ids: dict, headers: dict):
    url = _fill(path, ids)
    kwargs = {k: _fill(v, ids) for k, v in options.items()}
    if path.startswith("/api/"):
        kwargs["headers"] = headers
    response = client.open(url, method=method, **kwargs)
    body = response.get_data(as_text=True)
    body = re.sub(r'name="csrf_token" value="[^"]*"', "", body)
    for shown in (url, url.replace("?", "%3F").replace("=", "%3D")):
        body = body.replace(shown, "{url}")  # the language switch returns to this address
    if path.startswith("/api/"):  # an error may name the id sent ("not in the programme: 7")
        for number in ids.values():
            body = re.sub(rf"\b{number}\b", "{n}", body)
    return response.status_code, body


# A form that offers the sessions to choose: an id it did not offer is a form error (422),
# the same for a hidden and a missing session.
FORM_CHOICE = {"/mijn-team/boeken"}


@pytest.mark.parametrize("role", ["participant", "team_leader", "hr"])
def test_another_organisations_closed_session_answers_as_a_missing_one(
    app, client, make, walled, role
):
    person = walled["people"][role]
    _token, plain = create_api_token(person)
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    make.login(client, person)
    hidden = {
        "{id}": walled["session"].id,
        "{meeting}": walled["meeting"],
        "{place}": walled["place"],
        "{item}": walled["item"],
    }
    missing = dict.fromkeys(hidden, MISSING)
    differing = []
    for method, path, options in _probes(walled, person):
        seen = _answer(client, method, path, options, hidden, headers)
        absent = _answer(client, method, path, options, missing, headers)
        expected = (403, 404, 422) if path in FORM_CHOICE or "/events/" in path else (403, 404)
        if seen != absent:
            differing.append(f"{method} {path}: {seen[0]} != {absent[0]} (missing)")
            if seen[0] == absent[0]:
                differing.append(f"   {seen[1][:300]!r}\n   {absent[1][:300]!r}")
        elif absent[0] not in expected:
            differing.append(f"{method} {path}: {absent[0]} for a missing session")
    assert differing == [], "\n".join(differing)


def test_the_session_is_there_for_its_own_organisation_and_its_trainers(app, client, make, walled):
    """The same paths are no 404 for whom the session is meant: the check is visibility."""
    own, session = walled["own"], walled["session"]
    make.login(client, own)
    assert client.get(f"/cursussen/{session.course.slug}").status_code == 200
    _token, plain = create_api_token(own)
    db.session.commit()
    answer = client.get(
        f"/api/v1/sessions/{session.id}", headers={"Authorization": f"Bearer {plain}"}
    )
    assert answer.status_code == 200
    # A trainer from organisation B, named for it, takes its attendance.
    trainer = walled["people"]["participant"]
    organiser = make.user(Role.ORGANISER)
    db.session.commit()
    other = app.test_client()
    make.login(other, trainer)
    assert other.get(f"/presentie/sessies/{session.id}").status_code == 404  # not yet named
    atomic(attendance.name_trainer, session.id, trainer.email, actor=organiser)
    assert other.get(f"/presentie/sessies/{session.id}").status_code == 200
    token = create_api_token(trainer)[1]
    db.session.commit()
    roster = other.get(
        f"/api/v1/sessions/{session.id}/attendance", headers={"Authorization": f"Bearer {token}"}
    )
    assert roster.status_code == 200
