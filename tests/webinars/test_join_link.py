"""Issue 9: the join link, shown to confirmed online places only from an hour before the
start until the end, always through /deelnemen/<token> (page, API, redirect)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.accounts.services import create_api_token
from booking.api.shapes import enrolments as enrolment_shapes
from booking.core.db import atomic
from booking.enrolment import join_links, services
from booking.enrolment.join_links import join_link_opened, join_token
from booking.enrolment.messages import context
from booking.enrolment.views import join_page, pages
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render
from tests.enrolment.helpers import enrol
from tests.factories import future, login

MEETING = "https://teams.example/j/1"


@pytest.fixture
def clock(monkeypatch):
    """Sets the time every reader of the join-link rule sees (they all call `utcnow`)."""

    def set_to(moment):
        for module in (join_page, pages, enrolment_shapes, context):
            monkeypatch.setattr(module, "utcnow", lambda: moment)

    return set_to


@pytest.fixture
def webinar(make):
    return make.session(mode="hybrid", start=future(days=2))


def bearer(person) -> dict:
    _token, plain = create_api_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def join_path(enrolment) -> str:
    return f"/deelnemen/{join_token(enrolment)}"


def test_redirect_only_inside_the_window(client, make, webinar, clock):
    person = make.user(language="en")
    place = enrol(webinar, person, mode="online").enrolment
    path = join_path(place)
    opened = []

    def record(sender, at):
        opened.append((sender.id, at))

    join_link_opened.connect(record)
    try:
        clock(webinar.starts_at - timedelta(hours=1, minutes=1))
        early = client.get(path)
        assert early.status_code == 409 and 'data-status="too-early"' in early.text
        assert MEETING not in early.text
        clock(webinar.starts_at - timedelta(minutes=59))
        inside = client.get(path)
        assert inside.status_code == 303 and inside.headers["Location"] == MEETING
        clock(webinar.ends_at - timedelta(minutes=1))
        assert client.get(path).status_code == 303
        clock(webinar.ends_at)
        ended = client.get(path)
        assert ended.status_code == 409 and 'data-status="ended"' in ended.text
    finally:
        join_link_opened.disconnect(record)
    assert [who for who, _at in opened] == [place.id, place.id]


def test_refused_for_in_person_cancelled_and_forged(client, make, webinar, clock):
    clock(webinar.starts_at - timedelta(minutes=10))
    there = enrol(webinar, make.user(), mode="in_person").enrolment
    assert client.get(join_path(there)).status_code == 403
    online = enrol(webinar, make.user(), mode="online").enrolment
    path = join_path(online)
    atomic(services.cancel, online.id, actor=online.user)
    refused = client.get(path)
    assert refused.status_code == 403 and 'data-status="not-yours"' in refused.text
    assert client.get("/deelnemen/garbage").status_code == 404
    forged = join_links._serializer().dumps([there.id, there.user_id + 1])
    assert client.get(f"/deelnemen/{forged}").status_code == 404


def test_api_join_url_null_until_the_hour_before(client, make, webinar, clock):
    person = make.user()
    place = enrol(webinar, person, mode="online").enrolment
    headers = bearer(person)
    path = f"/api/v1/enrolments/{place.id}"
    clock(webinar.starts_at - timedelta(hours=2))
    body = client.get(path, headers=headers).get_json()
    assert body["join_url"] is None and body["status"] == "confirmed"
    clock(webinar.starts_at - timedelta(minutes=30))
    body = client.get(path, headers=headers).get_json()
    assert body["join_url"].endswith(join_path(place)) and MEETING not in str(body)
    clock(webinar.ends_at + timedelta(minutes=1))
    assert client.get(path, headers=headers).get_json()["join_url"] is None


def test_api_join_url_is_only_the_participants_own(client, make, webinar, clock):
    """Opening the link says the person joined, so an organiser reading the place (or a team
    leader, HR) never gets it."""
    person = make.user()
    place = enrol(webinar, person, mode="online").enrolment
    organiser = make.user(role="organiser")
    clock(webinar.starts_at - timedelta(minutes=30))
    body = client.get(f"/api/v1/enrolments/{place.id}", headers=bearer(organiser)).get_json()
    assert body["status"] == "confirmed" and body["join_url"] is None


def test_place_page_shows_the_link_in_the_window_only(client, make, webinar, clock):
    person = make.user(language="en")
    place = enrol(webinar, person, mode="online").enrolment
    login(client, person)
    url = f"/cursussen/{webinar.course.slug}"
    clock(webinar.starts_at - timedelta(hours=3))
    page = client.get(url).text
    assert 'data-join="too-early"' in page and "/deelnemen/" not in page
    clock(webinar.starts_at - timedelta(minutes=5))
    page = client.get(url).text
    assert 'data-join="open"' in page and join_path(place) in page and MEETING not in page


def test_the_confirmation_never_carries_the_link(make, webinar, clock):
    clock(webinar.starts_at - timedelta(minutes=30))
    person = make.user(language="en")
    enrol(webinar, person, mode="online")
    from_outbox = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.user_id == person.id)
    ).all()
    assert from_outbox
    rendered = [render(m) for m in from_outbox]
    for message in rendered:
        whole = message.text + message.html + (message.ics or "")
        assert "/deelnemen/" not in whole and MEETING not in whole
