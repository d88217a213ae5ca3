"""Organisers act on a whole session: reserve and release seats, change capacity, cancel it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.accounts.models import Role
from booking.core.timez import AMSTERDAM
from booking.enrolment import organiser, services
from booking.enrolment.models import Enrolment
from booking.notifications.models import OutboxMessage
from booking.scheduling.models import SeatReservation, Session, SessionSeats

BASE = "/beheer/sessies/{}"


def as_organiser(client, make):
    person = make.user(Role.ORGANISER)
    make.login(client, person)
    return person


def fresh(db_session):
    db_session.rollback()
    return db_session


def seats(db_session, session_id, mode="in_person") -> SessionSeats:
    return fresh(db_session).get(SessionSeats, (session_id, mode))


def local_input(moment) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M")


# -- reservations -------------------------------------------------------------------------------


def reserve_data(org, until, seats="2", mode="in_person"):
    return {
        "reserve-organisation": str(org.id),
        "reserve-mode": mode,
        "reserve-seats": seats,
        "reserve-until": until,
    }


def test_reserved_seats_are_kept_for_one_organisation_until_released(client, make, db_session):
    s = make.session(capacity={"in_person": 3})
    kept_for = make.organisation("Gemeente Schiedam")
    colleague, outsider, waiting = (make.user(org=kept_for), make.user(), make.user())
    as_organiser(client, make)
    until = local_input(make.future(days=4))
    response = client.post(f"{BASE.format(s.id)}/reserveringen", data=reserve_data(kept_for, until))
    assert response.status_code == 302 and response.headers["Location"].endswith("#reserveringen")
    counters = seats(db_session, s.id)
    assert (counters.reserved, counters.free) == (2, 1)
    reservation = db_session.query(SeatReservation).one()
    assert reservation.organisation_id == kept_for.id and reservation.seats == 2
    boss = make.user(Role.ORGANISER)
    services.enrol(s.id, outsider, actor=outsider)  # takes the one free seat
    services.enrol(s.id, waiting, actor=waiting)  # waits: the rest is reserved
    assert services.enrol(s.id, colleague, actor=boss).enrolment.status == "confirmed"
    db_session.commit()

    page = client.get(f"{BASE.format(s.id)}/deelnemers").get_data(as_text=True)
    assert f'id="reservation-{reservation.id}" data-released="0"' in page
    release = client.post(f"{BASE.format(s.id)}/reserveringen/{reservation.id}/vrijgeven")
    assert release.status_code == 302
    assert fresh(db_session).get(SeatReservation, reservation.id).released_at is not None
    counters = seats(db_session, s.id)
    assert (counters.reserved, counters.confirmed) == (0, 3)  # the waiting person got it
    placed = db_session.query(Enrolment).filter_by(user_id=waiting.id).one()
    assert placed.status == "confirmed"
    again = client.post(f"{BASE.format(s.id)}/reserveringen/{reservation.id}/vrijgeven")
    assert again.status_code == 302 and seats(db_session, s.id).confirmed == 3


@pytest.mark.parametrize(
    "change",
    [
        {"reserve-seats": "-3"},
        {"reserve-seats": "0"},
        {"reserve-seats": "abc"},
        {"reserve-seats": "99"},  # more than are free
        {"reserve-seats": "99999999999999999999999"},
        {"reserve-until": "2001-01-01T10:00"},  # the past
        {"reserve-until": "0001-01-01T00:00"},
        {"reserve-until": "tomorrow"},
        {"reserve-until": ""},
        {"reserve-organisation": ""},
        {"reserve-organisation": "999999"},
        {"reserve-organisation": "99999999999999999999"},
        {"reserve-organisation": "x"},
        {"reserve-mode": "online"},  # the session has no online places
        {"reserve-mode": "garbage"},
    ],
)
def test_bad_reservations_are_refused_with_a_message_and_change_nothing(
    client, make, db_session, change
):
    s = make.session(capacity={"in_person": 5})
    org = make.organisation()
    as_organiser(client, make)
    data = {**reserve_data(org, local_input(make.future(days=3))), **change}
    response = client.post(f"{BASE.format(s.id)}/reserveringen", data=data)
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    assert fresh(db_session).query(SeatReservation).count() == 0
    assert seats(db_session, s.id).reserved == 0


def test_a_reservation_must_end_before_the_session_starts(client, make, db_session):
    s = make.session(start=make.future(days=5))
    org = make.organisation()
    as_organiser(client, make)
    late = local_input(make.future(days=6))
    response = client.post(f"{BASE.format(s.id)}/reserveringen", data=reserve_data(org, late))
    assert response.status_code == 422
    assert 'id="reserve-until-error"' in response.get_data(as_text=True)
    assert fresh(db_session).query(SeatReservation).count() == 0


def test_a_reservation_of_another_session_or_an_unknown_one_is_404(client, make, db_session):
    s, other = make.session(), make.session(start=make.future(days=20))
    boss = as_organiser(client, make)
    theirs = organiser.reserve_seats(
        other.id,
        actor=boss,
        organisation_id=make.organisation().id,
        mode="in_person",
        seats=1,
        until=make.future(days=2),
    )
    db_session.commit()
    assert (
        client.post(f"{BASE.format(s.id)}/reserveringen/{theirs.id}/vrijgeven").status_code == 404
    )
    assert client.post(f"{BASE.format(s.id)}/reserveringen/424242/vrijgeven").status_code == 404
    assert fresh(db_session).get(SeatReservation, theirs.id).released_at is None


# -- capacity, through the session form ---------------------------------------------------------


def edit_data(s, in_person: int) -> dict:
    meeting = s.meetings[0]
    start, end = meeting.starts_at.astimezone(AMSTERDAM), meeting.ends_at.astimezone(AMSTERDAM)
    return {
        "course": str(s.course_id),
        "mode": s.mode,
        "room": str(s.room_id),
        "in_person_capacity": str(in_person),
        "online_capacity": "",
        "online_venue": "",
        "meetings-0-date": start.date().isoformat(),
        "meetings-0-start": start.strftime("%H:%M"),
        "meetings-0-end": end.strftime("%H:%M"),
        "min_participants": "0",
        "visibility": "open",
        "organisation": "",
        "team": "",
        "promotion": s.promotion,
        "event": "",
        "notes": "",
    }


def test_raising_capacity_on_the_edit_form_promotes_the_waitlist_in_order(client, make, db_session):
    s = make.session(capacity={"in_person": 1})
    people = [make.user() for _ in range(4)]
    for person in people:
        services.enrol(s.id, person, actor=person)
    as_organiser(client, make)
    page = client.get(f"{BASE.format(s.id)}/deelnemers").get_data(as_text=True)
    assert f'href="/beheer/sessies/{s.id}"' in page  # the capacity link
    assert client.post(BASE.format(s.id), data=edit_data(s, 3)).status_code == 302
    fresh(db_session)
    status = {e.user_id: e.status for e in db_session.query(Enrolment)}
    assert [status[p.id] for p in people] == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    assert seats(db_session, s.id).confirmed == 3
    assert db_session.query(OutboxMessage).filter_by(kind="promoted").count() == 2


def test_lowering_capacity_below_the_taken_places_is_refused_clearly(client, make, db_session):
    s = make.session(capacity={"in_person": 3})
    for person in (make.user(), make.user()):
        services.enrol(s.id, person, actor=person)
    as_organiser(client, make)
    response = client.post(BASE.format(s.id), data=edit_data(s, 1))
    assert response.status_code == 422
    assert 'id="in_person_capacity-error"' in response.get_data(as_text=True)
    counters = seats(db_session, s.id)
    assert (counters.capacity, counters.confirmed) == (3, 2)


# -- cancel the whole session -------------------------------------------------------------------


def test_cancelling_a_session_asks_for_a_reason_and_a_tick_then_tells_everyone(
    client, make, db_session
):
    s = make.session(mode="hybrid", capacity={"in_person": 1, "online": 2})
    boss = as_organiser(client, make)
    organiser.reserve_seats(
        s.id,
        actor=boss,
        organisation_id=make.organisation().id,
        mode="online",
        seats=1,
        until=make.future(days=1),
    )
    a, b, c = make.user(), make.user(), make.user()
    services.enrol(s.id, a, actor=a, mode="in_person")
    services.enrol(s.id, b, actor=b, mode="in_person", accept_online=True)
    services.enrol(s.id, c, actor=c, mode="in_person")
    url = f"{BASE.format(s.id)}/annuleren"
    page = client.get(url).get_data(as_text=True)
    assert 'data-active="3"' in page and 'name="confirm"' in page
    assert client.post(url, data={"reason": "Trainer ziek"}).status_code == 422  # no tick
    assert client.post(url, data={"reason": "  ", "confirm": "y"}).status_code == 422
    assert fresh(db_session).get(Session, s.id).status == "scheduled"

    done = client.post(url, data={"reason": "Trainer ziek", "confirm": "y"})
    assert done.status_code == 302
    session = fresh(db_session).get(Session, s.id)
    assert session.status == "cancelled"
    assert {e.status for e in db_session.query(Enrolment)} == {"cancelled"}
    assert all(x.confirmed == x.held == x.reserved == 0 for x in session.seats)
    assert db_session.query(SeatReservation).one().released_at is not None
    told = db_session.query(OutboxMessage).filter_by(kind="session_cancelled").all()
    assert sorted(m.user_id for m in told) == sorted([a.id, b.id, c.id])
    assert all(m.data.get("reason") == "Trainer ziek" for m in told)
    # afterwards: no actions, a second cancel changes nothing
    page = client.get(f"{BASE.format(s.id)}/deelnemers").get_data(as_text=True)
    assert 'id="session-cancelled"' in page and 'id="add-person"' not in page
    assert client.post(url, data={"reason": "nog eens", "confirm": "y"}).status_code == 302
    assert fresh(db_session).query(OutboxMessage).filter_by(kind="session_cancelled").count() == 3


def test_cancelling_an_unknown_session_is_404(client, make, db_session):
    as_organiser(client, make)
    assert client.get(f"{BASE.format(987654)}/annuleren").status_code == 404
    assert (
        client.post(
            f"{BASE.format(987654)}/annuleren", data={"reason": "x", "confirm": "y"}
        ).status_code
        == 404
    )


def test_a_started_session_cannot_take_reservations(client, make, db_session):
    s = make.session(start=make.future(days=3))
    org = make.organisation()
    as_organiser(client, make)
    s.meetings[0].starts_at = s.starts_at = make.future(days=-1)
    s.meetings[0].ends_at = s.ends_at = make.future(days=-1) + timedelta(hours=2)
    db_session.commit()
    page = client.get(f"{BASE.format(s.id)}/deelnemers").get_data(as_text=True)
    assert 'id="reserve-form"' not in page and 'id="add-person"' not in page
    response = client.post(
        f"{BASE.format(s.id)}/reserveringen",
        data=reserve_data(org, local_input(make.future(days=1))),
    )
    assert response.status_code == 422
    assert fresh(db_session).query(SeatReservation).count() == 0
