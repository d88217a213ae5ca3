"""Organisers act on one person's place: add by e-mail, cancel, move between modes, decide."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.accounts.models import Role
from booking.core.models import AuditEntry
from booking.enrolment import services
from booking.enrolment.models import Enrolment
from booking.notifications.models import OutboxMessage
from booking.scheduling.models import SessionSeats

BASE = "/beheer/sessies/{}/deelnemers"


def as_organiser(client, make):
    person = make.user(Role.ORGANISER)
    make.login(client, person)
    return person


def fresh(db_session):
    """End the test's read transaction, to see what the requests committed."""
    db_session.rollback()
    return db_session


def seats(db_session, session_id, mode="in_person") -> SessionSeats:
    return fresh(db_session).get(SessionSeats, (session_id, mode))


def enrolments(db_session, session_id) -> dict[int, Enrolment]:
    rows = fresh(db_session).query(Enrolment).filter_by(session_id=session_id)
    return {e.user_id: e for e in rows if e.is_active}


# -- add a person -------------------------------------------------------------------------------


def test_an_organiser_adds_people_by_email_until_full_then_to_the_waitlist(
    client, make, db_session
):
    s = make.session(capacity={"in_person": 1})
    first, second = make.user(), make.user(email="Jan.Jansen@Example.nl")
    boss = as_organiser(client, make)
    url = BASE.format(s.id) + "/toevoegen"
    response = client.post(url, data={"add-email": first.email})
    assert response.status_code == 302 and response.headers["Location"].endswith(BASE.format(s.id))
    assert client.post(url, data={"add-email": " JAN.jansen@example.nl "}).status_code == 302
    again = client.post(url, data={"add-email": first.email})  # a repeat changes nothing
    assert again.status_code == 302
    found = enrolments(db_session, s.id)
    assert found[first.id].status == "confirmed" and found[first.id].booked_by_id == boss.id
    assert found[second.id].status == "waitlisted"
    assert seats(db_session, s.id).confirmed == 1
    assert fresh(db_session).query(Enrolment).count() == 2
    kinds = {m.kind for m in db_session.query(OutboxMessage).filter_by(user_id=second.id)}
    assert kinds == {"waitlisted"}


@pytest.mark.parametrize(
    "email",
    [
        "not an address",
        "",
        "a@b",
        "x" * 300 + "@example.nl",
        "nobody@example.nl",
        "'; DROP TABLE users; --",
    ],
)
def test_bad_or_unknown_addresses_are_refused_with_a_message(client, make, db_session, email):
    s = make.session()
    as_organiser(client, make)
    response = client.post(BASE.format(s.id) + "/toevoegen", data={"add-email": email})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="add-email-error"' in page and 'role="alert"' in page
    assert fresh(db_session).query(Enrolment).count() == 0


def test_inactive_accounts_are_not_added(client, make, db_session):
    s = make.session()
    person = make.user()
    person.active = False
    as_organiser(client, make)
    response = client.post(BASE.format(s.id) + "/toevoegen", data={"add-email": person.email})
    assert response.status_code == 422
    assert fresh(db_session).query(Enrolment).count() == 0


def test_a_hybrid_session_needs_a_mode_and_a_real_one(client, make, db_session):
    s = make.session(mode="hybrid")
    person = make.user()
    as_organiser(client, make)
    url = BASE.format(s.id) + "/toevoegen"
    for mode in ("", "elsewhere"):
        response = client.post(url, data={"add-email": person.email, "add-mode": mode})
        assert response.status_code == 422
        assert 'id="add-mode-error"' in response.get_data(as_text=True)
    assert fresh(db_session).query(Enrolment).count() == 0
    response = client.post(url, data={"add-email": person.email, "add-mode": "online"})
    assert response.status_code == 302
    assert enrolments(db_session, s.id)[person.id].mode == "online"


def overlapping(make):
    start = make.future(days=12)
    return make.session(start=start), make.session(start=start + timedelta(hours=1))


def test_a_double_booking_is_refused_unless_overridden_with_a_recorded_reason(
    client, make, db_session
):
    booked, other = overlapping(make)
    person = make.user()
    services.enrol(booked.id, person, actor=person)
    boss = as_organiser(client, make)
    url = BASE.format(other.id) + "/toevoegen"

    refused = client.post(url, data={"add-email": person.email})
    assert refused.status_code == 409 and 'role="alert"' in refused.get_data(as_text=True)
    assert person.id not in enrolments(db_session, other.id)

    no_reason = client.post(
        url, data={"add-email": person.email, "add-override": "y", "add-override_reason": "   "}
    )
    assert no_reason.status_code == 422
    assert 'id="add-override_reason-error"' in no_reason.get_data(as_text=True)
    assert person.id not in enrolments(db_session, other.id)

    reason = "Komt alleen het tweede uur; afgestemd met de trainer"
    allowed = client.post(
        url, data={"add-email": person.email, "add-override": "y", "add-override_reason": reason}
    )
    assert allowed.status_code == 302
    placed = enrolments(db_session, other.id)[person.id]
    assert placed.status == "confirmed" and placed.override_reason == reason
    entry = db_session.query(AuditEntry).filter_by(action="enrolment.overlap_allowed").one()
    assert entry.actor_id == boss.id and entry.target_id == placed.id
    assert entry.after == {"reason": reason}
    page = client.get(BASE.format(other.id)).get_data(as_text=True)
    assert 'data-override="1"' in page


def test_a_reason_without_the_tick_is_not_an_override(client, make, db_session):
    booked, other = overlapping(make)
    person = make.user()
    services.enrol(booked.id, person, actor=person)
    as_organiser(client, make)
    response = client.post(
        BASE.format(other.id) + "/toevoegen",
        data={"add-email": person.email, "add-override_reason": "zomaar"},
    )
    assert response.status_code == 409
    assert (
        fresh(db_session).query(AuditEntry).filter_by(action="enrolment.overlap_allowed").count()
        == 0
    )


def test_nobody_is_added_to_a_started_or_cancelled_session(client, make, db_session):
    from booking.enrolment.organiser import cancel_session

    s = make.session()
    person = make.user()
    boss = as_organiser(client, make)
    cancel_session(s.id, actor=boss, reason="ziek")
    response = client.post(BASE.format(s.id) + "/toevoegen", data={"add-email": person.email})
    assert response.status_code == 409
    assert fresh(db_session).query(Enrolment).count() == 0


# -- cancel a place -----------------------------------------------------------------------------


def test_cancelling_asks_first_then_promotes_the_waitlist_in_order(client, make, db_session):
    s = make.session(capacity={"in_person": 2})
    a, b, c, d = (make.user() for _ in range(4))
    placed = [services.enrol(s.id, p, actor=p).enrolment for p in (a, b)]
    for person in (c, d):
        services.enrol(s.id, person, actor=person)
    as_organiser(client, make)
    url = f"{BASE.format(s.id)}/{placed[0].id}/annuleren"
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'id="cancel-place"' in confirm.get_data(as_text=True)
    assert 'id="late-warning"' not in confirm.get_data(as_text=True)
    assert client.post(url, data={"reason": "Dubbel ingepland"}).status_code == 302
    found = enrolments(db_session, s.id)
    assert found[c.id].status == "confirmed" and found[d.id].status == "waitlisted"
    gone = db_session.get(Enrolment, placed[0].id)
    assert gone.status == "cancelled" and gone.cancel_reason == "Dubbel ingepland"
    assert not gone.late_cancel
    assert seats(db_session, s.id).confirmed == 2
    # a second cancel of the same place says so and changes nothing
    assert client.post(url, data={}).status_code == 302
    assert enrolments(db_session, s.id)[d.id].status == "waitlisted"
    second = f"{BASE.format(s.id)}/{placed[1].id}/annuleren"
    assert client.post(second).status_code == 302
    assert enrolments(db_session, s.id)[d.id].status == "confirmed"


def test_a_cancellation_after_the_deadline_is_recorded_as_late(client, make, db_session):
    start = make.future(days=2)
    s = make.session(start=start, cancellation_deadline=start - timedelta(days=4))
    person = make.user()
    enrolment = services.enrol(s.id, person, actor=person).enrolment
    as_organiser(client, make)
    url = f"{BASE.format(s.id)}/{enrolment.id}/annuleren"
    assert 'id="late-warning"' in client.get(url).get_data(as_text=True)
    assert client.post(url).status_code == 302
    assert fresh(db_session).get(Enrolment, enrolment.id).late_cancel is True


def test_a_too_long_reason_is_refused_and_changes_nothing(client, make, db_session):
    s = make.session()
    person = make.user()
    enrolment = services.enrol(s.id, person, actor=person).enrolment
    as_organiser(client, make)
    response = client.post(
        f"{BASE.format(s.id)}/{enrolment.id}/annuleren", data={"reason": "x" * 501}
    )
    assert response.status_code == 422
    assert fresh(db_session).get(Enrolment, enrolment.id).status == "confirmed"


# -- move between modes -------------------------------------------------------------------------


def test_moving_a_person_frees_their_seat_for_the_next_in_line(client, make, db_session):
    s = make.session(mode="hybrid", capacity={"in_person": 1, "online": 2})
    a, b = make.user(), make.user()
    moved = services.enrol(s.id, a, actor=a, mode="in_person").enrolment
    services.enrol(s.id, b, actor=b, mode="in_person")
    as_organiser(client, make)
    url = f"{BASE.format(s.id)}/{moved.id}/verplaatsen"
    assert client.post(url, data={"mode": "online"}).status_code == 302
    found = enrolments(db_session, s.id)
    assert (found[a.id].mode, found[a.id].status) == ("online", "confirmed")
    assert (found[b.id].mode, found[b.id].status) == ("in_person", "confirmed")
    assert seats(db_session, s.id, "online").confirmed == 1
    assert db_session.query(OutboxMessage).filter_by(user_id=a.id, kind="mode_changed").count()


def test_a_move_into_a_full_mode_or_a_strange_mode_is_refused(client, make, db_session):
    s = make.session(mode="hybrid", capacity={"in_person": 1, "online": 1})
    a, b = make.user(), make.user()
    services.enrol(s.id, a, actor=a, mode="online")
    staying = services.enrol(s.id, b, actor=b, mode="in_person").enrolment
    as_organiser(client, make)
    url = f"{BASE.format(s.id)}/{staying.id}/verplaatsen"
    assert client.post(url, data={"mode": "online"}).status_code == 409
    assert client.post(url, data={"mode": "on the moon"}).status_code == 422
    assert client.post(url, data={}).status_code == 422
    assert enrolments(db_session, s.id)[b.id].mode == "in_person"
    assert seats(db_session, s.id, "online").confirmed == 1


def test_someone_confirmed_online_can_stop_waiting_for_in_person(client, make, db_session):
    s = make.session(mode="hybrid", capacity={"in_person": 1, "online": 2})
    a, b = make.user(), make.user()
    services.enrol(s.id, a, actor=a, mode="in_person")
    both = services.enrol(s.id, b, actor=b, mode="in_person", accept_online=True).enrolment
    as_organiser(client, make)
    url = f"{BASE.format(s.id)}/{both.id}/wachtrij-verlaten"
    assert client.post(url).status_code == 302
    found = enrolments(db_session, s.id)[b.id]
    assert (found.status, found.mode, found.waiting_for) == ("confirmed", "online", None)


# -- approvals ----------------------------------------------------------------------------------


def approval_session(make, capacity=1):
    s = make.session(capacity={"in_person": capacity})
    s.requires_approval = True
    return s


def test_an_organiser_decides_pending_requests_and_a_decline_frees_the_place(
    client, make, db_session
):
    s = approval_session(make)
    a, b, c = make.user(), make.user(), make.user()
    pending = services.enrol(s.id, a, actor=a).enrolment
    other = approval_session(make)
    second = services.enrol(other.id, c, actor=c).enrolment
    services.enrol(s.id, b, actor=b)  # waits; will need approval in its turn
    as_organiser(client, make)
    url = f"{BASE.format(s.id)}/{pending.id}/besluit"
    assert (
        client.post(url, data={"decision": "decline", "reason": "Geen budget"}).status_code == 302
    )
    declined = fresh(db_session).get(Enrolment, pending.id)
    assert declined.status == "declined" and declined.decision_reason == "Geen budget"
    assert enrolments(db_session, s.id)[b.id].status == "pending_approval"  # promoted in turn
    ok = client.post(f"{BASE.format(other.id)}/{second.id}/besluit", data={"decision": "approve"})
    assert ok.status_code == 302
    assert fresh(db_session).get(Enrolment, second.id).status == "confirmed"
    assert seats(db_session, other.id).confirmed == 1 and seats(db_session, other.id).held == 0


def test_bad_decisions_are_refused_and_change_nothing(client, make, db_session):
    s = approval_session(make, capacity=2)
    a, b = make.user(), make.user()
    pending = services.enrol(s.id, a, actor=a).enrolment
    placed = services.enrol(s.id, b, actor=make.user(Role.ORGANISER)).enrolment  # confirmed
    as_organiser(client, make)
    url = f"{BASE.format(s.id)}/{pending.id}/besluit"
    assert client.post(url, data={"decision": "maybe"}).status_code == 422
    assert client.post(url, data={"decision": "approve", "reason": "x" * 600}).status_code == 422
    assert (
        client.post(
            f"{BASE.format(s.id)}/{placed.id}/besluit", data={"decision": "approve"}
        ).status_code
        == 409
    )
    assert fresh(db_session).get(Enrolment, pending.id).status == "pending_approval"
    assert seats(db_session, s.id).held == 1


def test_an_allowed_overlap_also_holds_when_the_person_is_promoted_later(client, make, db_session):
    booked, other = overlapping(make)
    other_seats = other.seats[0]
    other_seats.capacity = 1
    person, holder = make.user(), make.user()
    services.enrol(booked.id, person, actor=person)
    taken = services.enrol(other.id, holder, actor=holder).enrolment
    as_organiser(client, make)
    response = client.post(
        BASE.format(other.id) + "/toevoegen",
        data={"add-email": person.email, "add-override": "y", "add-override_reason": "afgestemd"},
    )
    assert response.status_code == 302
    assert enrolments(db_session, other.id)[person.id].status == "waitlisted"
    assert client.post(f"{BASE.format(other.id)}/{taken.id}/annuleren").status_code == 302
    assert enrolments(db_session, other.id)[person.id].status == "confirmed"
