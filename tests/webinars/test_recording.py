"""Issue 9: after the webinar the organiser adds a recording link; confirmed places are
mailed it once per URL, through the outbox, and it shows on their place page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.accounts.services import create_api_token
from booking.core.db import atomic
from booking.core.errors import ValidationError
from booking.enrolment.messages import MessageKind
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render
from booking.scheduling import services as scheduling
from booking.scheduling.models import Session
from tests.enrolment.helpers import enrol
from tests.factories import future, login

RECORDING = "https://video.example/opname/1"


def bearer(person) -> dict:
    _token, plain = create_api_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def ended(make, monkeypatch):
    """A hybrid webinar with places, then the clock moved past its end."""
    session = make.session(mode="hybrid", start=future(days=1))
    people = {
        "online": enrol(session, make.user(language="en"), mode="online").enrolment,
        "there": enrol(session, make.user(language="nl"), mode="in_person").enrolment,
    }
    later = session.ends_at + timedelta(hours=1)
    monkeypatch.setattr(scheduling, "utcnow", lambda: later)
    return session, people


def recordings():
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.RECORDING.value)
    ).all()


def test_mailed_once_per_url_in_the_persons_language(make, ended):
    session, people = ended
    organiser = make.user(role="organiser")
    atomic(scheduling.set_recording, session.id, RECORDING, actor=organiser)
    atomic(scheduling.set_recording, session.id, RECORDING, actor=organiser)  # the same again
    sent = recordings()
    assert sorted(m.enrolment_id for m in sent) == sorted(e.id for e in people.values())
    texts = {m.enrolment_id: render(m).text for m in sent}
    assert RECORDING in texts[people["online"].id] and "recording of" in texts[people["online"].id]
    assert "opname van" in texts[people["there"].id]
    corrected = RECORDING + "-gecorrigeerd"
    atomic(scheduling.set_recording, session.id, corrected, actor=organiser)
    assert len(recordings()) == 4  # a correction is mailed once more, with the new link
    atomic(scheduling.set_recording, session.id, corrected, actor=organiser)
    assert len(recordings()) == 4


def test_refused_before_the_end_and_for_other_links(make, monkeypatch):
    session = make.session(mode="online", start=future(days=1))
    db.session.commit()  # a refusal rolls back its unit of work
    with pytest.raises(ValidationError) as error:
        atomic(scheduling.set_recording, session.id, RECORDING)
    assert error.value.code == "not_ended"
    end = session.ends_at
    monkeypatch.setattr(scheduling, "utcnow", lambda: end)
    for bad in ("javascript:alert(1)", "ftp://x.example/a", "geen link"):
        with pytest.raises(ValidationError) as error:
            atomic(scheduling.set_recording, session.id, bad)
        assert error.value.code == "invalid_url"
    assert not recordings()


def test_api_patch_and_place_page(client, make, ended):
    session, people = ended
    headers = bearer(make.user(role="organiser"))
    path = f"/api/v1/sessions/{session.id}"
    bad = client.patch(path, json={"recording_url": "javascript:x"}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_url"
    done = client.patch(path, json={"recording_url": RECORDING}, headers=headers)
    assert done.status_code == 200 and done.get_json()["recording_url"] == RECORDING
    assert db.session.get(Session, session.id).recording_url == RECORDING
    assert len(recordings()) == 2
    person = people["online"].user
    login(client, person)
    page = client.get(f"/cursussen/{session.course.slug}").text
    assert RECORDING in page and "data-recording" in page


def test_api_refuses_before_the_end(client, make):
    session = make.session(mode="online", start=future(days=1))
    headers = bearer(make.user(role="organiser"))
    answer = client.patch(
        f"/api/v1/sessions/{session.id}", json={"recording_url": RECORDING}, headers=headers
    )
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "not_ended"


def test_the_session_page_saves_the_recording(client, make, ended):
    session, _people = ended
    boss = make.user(role="organiser")
    db.session.commit()
    login(client, boss)
    page = client.get(f"/beheer/sessies/{session.id}")
    assert page.status_code == 200 and 'name="recording_url"' in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(
        f"/beheer/sessies/{session.id}/opname",
        data={"recording_url": RECORDING, "csrf_token": token},
    )
    assert answer.status_code == 302
    db.session.rollback()
    assert db.session.get(Session, session.id).recording_url == RECORDING
    assert len(recordings()) == 2
