"""Event registration: one per person and event, one choice per slot, each choice an
enrolment of the engine, the overall capacity, the deadline, changes and cancelling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.core.db import atomic, utcnow
from booking.core.errors import Conflict, PermissionDenied, ValidationError
from booking.enrolment.models import Enrolment
from booking.events import services
from booking.events.models import RegistrationStatus
from booking.extensions import db
from booking.scheduling.models import Event, Session
from tests.events.fixtures import make_festival


@pytest.fixture
def festival(make, db_session):
    return make_festival(make, db_session)


def _register(person, event_id, choices, **kw):
    return atomic(
        lambda: (
            services.register(
                event_id, person, actor=kw.pop("actor", person), choices=choices, **kw
            ).registration.id
        )
    )


def _statuses(registration_id):
    registration = db.session.get(services.EventRegistration, registration_id)
    db.session.refresh(registration)
    return {c.session_id: c.enrolment.status for c in registration.choices}


def test_register_once_with_one_choice_per_slot(make, festival):
    event_id, (a1, b1, a2, _b2), _ = festival
    ann = make.user("participant")
    first = _register(ann, event_id, [a1, a2])
    assert _statuses(first) == {a1: "confirmed", a2: "confirmed"}
    again = _register(ann, event_id, [b1])
    assert again == first  # a repeat returns the existing registration
    assert db.session.get(Event, event_id).registered == 1


def test_two_choices_in_one_slot_are_refused(make, festival):
    event_id, (a1, b1, _a2, _b2), _ = festival
    with pytest.raises(ValidationError) as error:
        _register(make.user("participant"), event_id, [a1, b1])
    assert error.value.code == "one_per_slot"
    assert db.session.get(Event, event_id).registered == 0


def test_item_outside_the_programme_is_refused(make, festival):
    event_id, _items, _ = festival
    other = make.session()
    db.session.commit()
    with pytest.raises(ValidationError) as error:
        _register(make.user("participant"), event_id, [other.id])
    assert error.value.code == "not_in_programme"


def test_full_item_waitlists_and_a_cancel_promotes(make, festival):
    event_id, (a1, _b1, _a2, _b2), _ = festival
    ann, bob = make.user("participant"), make.user("participant")
    first = _register(ann, event_id, [a1])
    second = _register(bob, event_id, [a1])
    assert _statuses(second) == {a1: "waitlisted"}
    atomic(lambda: services.cancel_registration(first, actor=ann))
    assert _statuses(first) == {a1: "cancelled"}
    assert _statuses(second) == {a1: "confirmed"}
    assert db.session.get(Event, event_id).registered == 1


def test_overall_capacity_refuses_with_event_full(make, festival):
    event_id, (_a1, b1, _a2, _b2), _ = festival
    for _ in range(3):
        _register(make.user("participant"), event_id, [b1])
    with pytest.raises(Conflict) as error:
        _register(make.user("participant"), event_id, [b1])
    assert error.value.code == "event_full"
    assert db.session.get(Event, event_id).registered == 3


def test_changing_choices_keeps_unchanged_cancels_dropped_and_moves_the_waitlist(make, festival):
    event_id, (a1, b1, a2, b2), _ = festival
    ann, bob = make.user("participant"), make.user("participant")
    first = _register(ann, event_id, [a1, a2])
    kept = {c: e for c, e in _enrolment_ids(first).items()}
    second = _register(bob, event_id, [a1])
    atomic(lambda: services.change_choices(first, actor=ann, choices=[b1, a2]))
    assert _statuses(first) == {b1: "confirmed", a2: "confirmed"}
    assert _enrolment_ids(first)[a2] == kept[a2]  # unchanged choice kept as it was
    assert db.session.get(Enrolment, kept[a1]).status == "cancelled"
    assert _statuses(second) == {a1: "confirmed"}  # bob promoted
    with pytest.raises(ValidationError):
        atomic(lambda: services.change_choices(first, actor=ann, choices=[a2, b2]))


def _enrolment_ids(registration_id):
    registration = db.session.get(services.EventRegistration, registration_id)
    db.session.refresh(registration)
    return {c.session_id: c.enrolment_id for c in registration.choices}


def test_after_the_deadline_registration_and_changes_are_refused(make, festival):
    event_id, (a1, b1, _a2, _b2), organiser = festival
    ann = make.user("participant")
    first = _register(ann, event_id, [a1])
    atomic(
        lambda: services.update_event(
            event_id, {"registration_deadline": utcnow() - timedelta(hours=1)}, organiser
        )
    )
    with pytest.raises(Conflict) as error:
        _register(make.user("participant"), event_id, [b1])
    assert error.value.code == "registration_closed"
    with pytest.raises(Conflict) as error:
        atomic(lambda: services.change_choices(first, actor=ann, choices=[b1]))
    assert error.value.code == "registration_closed"


def test_a_team_leader_registers_a_member_but_not_a_stranger(make, festival):
    event_id, (a1, _b1, _a2, _b2), _ = festival
    team = make.team()
    leader = make.user("team_leader", team_=team)
    member = make.user("participant", team_=team)
    stranger = make.user("participant")
    registration_id = _register(member.email, event_id, [a1], actor=leader)
    assert db.session.get(services.EventRegistration, registration_id).created_by_id == leader.id
    with pytest.raises(PermissionDenied):
        _register(stranger.email, event_id, [a1], actor=leader)


def test_cancel_cancels_every_choice_and_frees_the_overall_place(make, festival):
    event_id, (a1, _b1, a2, _b2), _ = festival
    ann = make.user("participant")
    first = _register(ann, event_id, [a1, a2])
    registration = atomic(lambda: services.cancel_registration(first, actor=ann))
    assert registration.status == RegistrationStatus.CANCELLED
    assert set(_statuses(first).values()) == {"cancelled"}
    assert db.session.get(Event, event_id).registered == 0
    assert _register(ann, event_id, [a2]) != first  # a new registration after cancelling


# -- the programme page -------------------------------------------------------------------------


def test_programme_page_registers_one_choice_per_slot(client, make, festival):
    event_id, (a1, b1, a2, _b2), _ = festival
    slug = db.session.get(Event, event_id).slug
    holder = make.user("participant")
    _register(holder, event_id, [a1])
    ann = make.user("participant")
    db.session.commit()
    make.login(client, ann)
    page = client.get(f"/evenementen/{slug}")
    assert page.status_code == 200
    assert b'name="slot-1"' in page.data and b'name="slot-2"' in page.data
    answer = client.post(
        f"/evenementen/{slug}/aanmelding", data={"slot-1": str(a1), "slot-2": str(a2)}
    )
    assert answer.status_code == 303
    page = client.get(f"/evenementen/{slug}").get_data(as_text=True)
    assert 'data-status="waitlisted"' in page and 'data-status="confirmed"' in page
    client.post(f"/evenementen/{slug}/aanmelding", data={"slot-1": str(b1), "slot-2": ""})
    registration = services.EventRegistration
    mine = db.session.scalars(db.select(registration).where(registration.user_id == ann.id)).one()
    db.session.refresh(mine)
    assert [c.session_id for c in mine.choices] == [b1]


def test_programme_page_statements_do_not_grow_with_registrations(
    client, make, festival, count_queries
):
    event_id, (a1, b1, a2, b2), _ = festival
    slug = db.session.get(Event, event_id).slug
    reader = make.user("participant")
    _register(reader, event_id, [a1, a2])
    db.session.commit()
    make.login(client, reader)

    def statements() -> int:
        count_queries.reset()
        assert client.get(f"/evenementen/{slug}").status_code == 200
        return len(count_queries)

    few = statements()
    for _ in range(2):  # up to the festival's capacity of 3
        _register(make.user("participant"), event_id, [b1, b2])
    assert statements() == few


def test_festival_workshops_are_not_listed_as_courses(client, make, festival):
    _event_id, items, _ = festival
    standalone = make.course("Losse cursus")
    make.session(standalone)
    db.session.commit()
    titles = [c["title"] for c in client.get("/api/v1/courses").get_json()["items"]]
    workshop_titles = {db.session.get(Session, s).course.title for s in items}
    assert "Losse cursus" in titles
    assert not workshop_titles & set(titles)
