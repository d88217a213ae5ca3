"""A person's own data: what the export holds (and what not), a fixed number of statements
whatever the amount, the page with its JSON download and `GET /api/v1/me/export`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from booking.accounts.services import create_api_token
from booking.advising import advisors, notes
from booking.advising import services as advising
from booking.core.db import atomic
from booking.core.models import audit
from booking.enrolment import services as enrolment
from booking.extensions import db
from booking.privacy import export
from tests.privacy.setup import make_world


@pytest.fixture
def world(make, db_session):
    return make_world(make)


def _conversation(make, person, note: str):
    advisor = make.user("advisor", org=None, education_level=None)
    advisors.set_advisor(
        advisor, advisors.ProfileData(meeting_url="https://teams.example.nl/l/a"), actor=advisor
    )
    start = make.future(3, 10)
    slot = advising.publish_slot(
        advisor,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        mode="online",
        actor=advisor,
    )
    booking = advising.book(slot.id, person, actor=person).booking
    notes.save_note(booking.id, note, actor=advisor)
    db.session.commit()
    return advisor, booking


def test_the_export_holds_everything_about_the_person(world, make, db_session):
    advisor, _booking = _conversation(make, world.person, "Wil graag naar de afdeling ICT.")
    atomic(enrolment.cancel, world.waiting.id, actor=world.organiser, reason="Op verzoek")
    data = export.export(world.person.id)
    assert set(export.SECTIONS) <= set(data)
    profile = data["profile"]
    assert profile["email"] == world.person.email and profile["name"] == world.person.name
    assert profile["organisation"] == world.person.organisation.name
    assert profile["has_calendar_address"] is True and "password_hash" not in profile
    sessions = {e["session_id"]: e for e in data["enrolments"]}
    assert set(sessions) == {world.past.session.id, world.upcoming.id}
    assert sessions[world.past.session.id]["status"] == "confirmed"
    assert sessions[world.upcoming.id]["confirmed_at"] is not None
    assert [a["status"] for a in data["attendance"]] == ["attended", "attended"]
    (award,) = data["certifications"]
    assert award["code"] == world.award_code and award["status"] == "valid"
    kinds = {m["kind"] for m in data["messages"]}
    assert {"enrolment_confirmed", "certificate_awarded"} <= kinds
    assert all(set(m) >= {"kind", "subject", "status", "queued_at"} for m in data["messages"])
    (token,) = data["api_tokens"]
    assert token["name"] == "Laptop van Jan" and token["prefix"].startswith("bk_")
    assert world.token not in json.dumps(data, default=str)  # never the token, nor its hash
    (conversation,) = data["career_conversations"]
    assert conversation["advisor"] == advisor.name and conversation["status"] == "booked"
    # The advisor's private note is theirs: not in the export.
    assert "ICT" not in export.to_json(data)
    # Nothing about the colleague's cancellation (another person's place) is in it.
    assert all(e["target_id"] != world.waiting.id for e in data["audit_about_me"])


def test_audit_entries_about_and_by_the_person(world, make, db_session):
    place = world.past.places[0]
    audit(world.organiser, "enrolment.moved", place, before={"mode": "online"})
    audit(world.person, "award.revoked", world.past.places[1])  # made up: an action *by* them
    db_session.commit()
    data = export.export(world.person.id)
    about = [(a["action"], a["target_id"]) for a in data["audit_about_me"]]
    assert ("enrolment.moved", place.id) in about
    assert data["audit_about_me"][about.index(("enrolment.moved", place.id))]["actor"] == (
        world.organiser.name
    )
    assert [a["action"] for a in data["audit_by_me"]] == ["award.revoked"]


def test_a_fixed_number_of_statements_whatever_the_amount(world, make, db_session, count_queries):
    db_session.commit()
    count_queries.reset()
    export.export(world.other.id)
    few = len(count_queries)
    for days in range(30, 40):
        session = make.session(start=make.future(days))
        atomic(enrolment.enrol, session.id, world.person, actor=world.person)
        create_api_token(world.person, f"token {days}")
        audit(world.organiser, "enrolment.added", session)
    _conversation(make, world.person, "notitie")
    db_session.commit()
    count_queries.reset()
    data = export.export(world.person.id)
    assert len(data["enrolments"]) == 12 and len(data["api_tokens"]) == 11
    assert len(count_queries) == few, count_queries.statements
    selects = [s for s in count_queries.statements if not s.startswith("BEGIN")]
    assert len(selects) == 12


def test_the_page_and_its_download(world, client, make):
    make.login(client, world.person)
    page = client.get("/mijn/gegevens")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert world.person.email in text and world.award_code in text
    assert 'id="export-enrolments"' in text and 'href="/mijn/gegevens.json"' in text
    download = client.get("/mijn/gegevens.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "private, no-store"
    data = json.loads(download.get_data(as_text=True))
    assert data["profile"]["email"] == world.person.email
    assert {e["session_id"] for e in data["enrolments"]} == {
        world.past.session.id,
        world.upcoming.id,
    }


def test_the_page_needs_a_log_in(client):
    assert client.get("/mijn/gegevens").status_code == 302
    assert client.get("/mijn/gegevens.json").status_code == 302


def test_the_api_export(world, client):
    answer = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {world.token}"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["person_id"] == world.person.id
    assert body["profile"]["email"] == world.person.email
    assert body["certifications"][0]["code"] == world.award_code
    assert len(body["attendance"]) == 2
    assert client.get("/api/v1/me/export").status_code == 401
