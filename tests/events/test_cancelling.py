"""Cancelling an event (service, API, page) and an organiser registering someone from the
registrations page: every item and registration cancelled, everyone told once in a way that
also clears their calendar, nothing more possible afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.accounts.models import Role
from booking.accounts.services import create_api_token
from booking.core.db import atomic
from booking.core.errors import Conflict, PermissionDenied
from booking.enrolment.models import Enrolment
from booking.events import services
from booking.events.models import EventRegistration
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render
from booking.scheduling.models import Event, Session
from tests.events.fixtures import make_festival


@pytest.fixture
def festival(make, db_session):
    return make_festival(make, db_session)


@pytest.fixture
def token_for(db_session):
    def _headers(person) -> dict:
        _, plain = create_api_token(person)
        db_session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return _headers


def _kinds(person) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.user_id == person.id)
            .order_by(OutboxMessage.id)
        )
    )


def _register(person, event_id, choices):
    return atomic(
        lambda: services.register(event_id, person, actor=person, choices=choices).registration.id
    )


def test_cancelling_ends_every_item_and_registration(make, festival, db_session):
    event_id, (a1, _b1, a2, _b2), organiser = festival
    ann, bob, cas = make.user(), make.user(), make.user()
    _register(ann, event_id, [a1, a2])
    _register(bob, event_id, [a1])  # a1 has one place: bob waits
    _register(cas, event_id, [])  # registered without choosing a workshop
    before = {p.id: len(_kinds(p)) for p in (ann, bob, cas)}

    atomic(services.cancel_event, event_id, actor=organiser, reason="De zaal is niet beschikbaar.")

    event = db.session.get(Event, event_id)
    assert event.is_cancelled and event.registered == 0
    assert event.cancel_reason == "De zaal is niet beschikbaar."
    statuses = set(db.session.scalars(select(Session.status).where(Session.event_id == event_id)))
    assert statuses == {"cancelled"}
    assert set(
        db.session.scalars(
            select(EventRegistration.status).where(EventRegistration.event_id == event_id)
        )
    ) == {"cancelled"}
    assert set(db.session.scalars(select(Enrolment.status))) == {"cancelled"}
    # Choice holders get the engine's cancellation per item (with its CANCEL invite and the
    # reason); a registrant without a place gets the event's own message, once.
    assert _kinds(ann)[before[ann.id] :] == ["session_cancelled", "session_cancelled"]
    assert _kinds(bob)[before[bob.id] :] == ["session_cancelled"]
    assert _kinds(cas)[before[cas.id] :] == ["event_cancelled"]
    message = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.user_id == ann.id, OutboxMessage.kind == "session_cancelled"
        )
    )
    rendered = render(message)
    assert "De zaal is niet beschikbaar." in rendered.text
    assert rendered.ics_method == "CANCEL"
    told = render(
        db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "event_cancelled"))
    )
    assert "Loopbaanfestival" in told.subject and "De zaal is niet beschikbaar." in told.text


def test_a_cancelled_event_takes_nothing_new(make, festival, db_session):
    event_id, (a1, *_rest), organiser = festival
    ann = make.user()
    registration = _register(ann, event_id, [a1])
    atomic(services.cancel_event, event_id, actor=organiser)
    again = atomic(services.cancel_event, event_id, actor=organiser)  # a repeat: nothing
    assert again.is_cancelled
    with pytest.raises(Conflict) as error:
        _register(make.user(), event_id, [])
    assert error.value.code == "event_cancelled"
    with pytest.raises(Conflict):
        atomic(services.change_choices, registration, actor=ann, choices=[])
    assert db.session.get(Event, event_id).registered == 0


def test_only_organisers_cancel(make, festival):
    event_id, _items, _organiser = festival
    with pytest.raises(PermissionDenied):
        atomic(services.cancel_event, event_id, actor=make.user(Role.TEAM_LEADER))
    assert not db.session.get(Event, event_id).is_cancelled


def test_api_cancel_and_the_refusals_after_it(client, make, festival, token_for, db_session):
    event_id, (_a1, *_rest), organiser = festival
    headers = token_for(organiser)
    participant = make.user()
    answer = client.post(f"/api/v1/events/{event_id}/cancel", headers=headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["cancelled_at"] and body["slots"] == []
    assert client.post(f"/api/v1/events/{event_id}/cancel", headers=headers).status_code == 200
    refused = client.post(
        f"/api/v1/events/{event_id}/registrations",
        json={"choices": [], "participant": participant.email},
        headers=headers,
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "event_cancelled"
    other = client.post(
        f"/api/v1/events/{event_id}/cancel", headers=token_for(make.user(Role.PARTICIPANT))
    )
    assert other.status_code == 403
    assert client.post("/api/v1/events/999999/cancel", headers=headers).status_code == 404


def test_the_cancel_page_asks_for_a_reason_then_cancels(client, make, festival, db_session):
    event_id, (a1, *_rest), organiser = festival
    _register(make.user(), event_id, [a1])
    make.login(client, organiser)
    page = client.get(f"/beheer/evenementen/{event_id}")
    assert f'href="/beheer/evenementen/{event_id}/annuleren"' in page.get_data(as_text=True)
    assert f'data-cancel-item="{a1}"' in page.get_data(as_text=True)
    refused = client.post(f"/beheer/evenementen/{event_id}/annuleren", data={"reason": ""})
    assert refused.status_code == 422
    assert "Geef de reden" in refused.get_data(as_text=True)
    assert not db.session.get(Event, event_id).is_cancelled
    done = client.post(
        f"/beheer/evenementen/{event_id}/annuleren",
        data={"reason": "Te weinig aanmeldingen.", "confirm": "y"},
    )
    assert done.status_code == 303
    page = client.get(f"/beheer/evenementen/{event_id}").get_data(as_text=True)
    assert 'id="event-cancelled"' in page and "Te weinig aanmeldingen." in page
    slug = db.session.get(Event, event_id).slug
    public = client.get(f"/evenementen/{slug}").get_data(as_text=True)
    assert 'id="event-cancelled"' in public
    assert slug not in client.get("/evenementen").get_data(as_text=True)


def test_an_organiser_registers_someone_from_the_page(client, make, festival, db_session):
    event_id, (a1, b1, _a2, b2), organiser = festival
    ann = make.user()
    make.login(client, organiser)
    page = client.get(f"/beheer/evenementen/{event_id}/aanmeldingen").get_data(as_text=True)
    assert 'id="register-person"' in page and 'name="slot-2"' in page
    done = client.post(
        f"/beheer/evenementen/{event_id}/aanmeldingen",
        data={"email": ann.email.upper(), "slot-1": str(a1), "slot-2": str(b2)},
    )
    assert done.status_code == 303
    registration = db.session.scalar(
        select(EventRegistration).where(EventRegistration.user_id == ann.id)
    )
    assert {c.session_id for c in registration.choices} == {a1, b2}
    assert registration.created_by_id == organiser.id
    again = client.post(
        f"/beheer/evenementen/{event_id}/aanmeldingen",
        data={"email": ann.email, "slot-1": str(b1)},
        follow_redirects=True,
    )
    assert "al aangemeld" in again.get_data(as_text=True)
    unknown = client.post(
        f"/beheer/evenementen/{event_id}/aanmeldingen", data={"email": "niemand@example.nl"}
    )
    assert unknown.status_code == 422
    assert "Deze persoon bestaat niet." in unknown.get_data(as_text=True)
