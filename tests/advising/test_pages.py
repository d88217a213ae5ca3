"""The career conversation pages: book with one button, cancel and move, the advisor's agenda
(publish one or a series, withdraw, private notes no one else can open), the organisers'
advisors page, and a constant number of statements however many slots there are."""

from __future__ import annotations

from sqlalchemy import select

from booking.advising import advisors, services
from booking.advising.models import AdvisorBooking, AdvisorProfile, AdvisorSlot
from booking.core.timez import local


def _as(app, make, person):
    """A client of its own, logged in as `person`."""
    client = app.test_client()
    make.login(client, person)
    return client


def _page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def test_the_page_needs_a_log_in(client):
    assert client.get("/loopbaangesprekken").status_code == 302


def test_book_from_the_list_and_see_it_under_my_conversations(client, make, db_session, slot):
    person = make.user()
    free, other = slot(hour=10), slot(hour=14)
    db_session.commit()
    make.login(client, person)
    html = _page(client, "/loopbaangesprekken")
    assert f'id="tijd-{free.id}"' in html and "Deze tijd boeken" in html
    response = client.post(f"/loopbaangesprekken/tijden/{free.id}/boeken")
    assert response.status_code == 303
    html = _page(client, "/loopbaangesprekken")
    mine = html.split('id="mijn-gesprekken"')[1].split('id="h-vrij"')[0]
    assert "Dit gesprek annuleren" in mine and "teams.example.nl" in mine
    assert f'<option value="{other.id}">' in mine  # the move choices: the advisor's free slots
    assert f'id="tijd-{free.id}"' not in html.split('id="h-vrij"')[1]
    booking = db_session.scalar(select(AdvisorBooking))
    assert booking.user_id == person.id and booking.is_booked


def test_a_refusal_is_a_message_not_an_error(client, make, db_session, slot):
    one, two = make.user(), make.user()
    free = slot()
    services.book(free.id, one, actor=one)
    db_session.commit()
    make.login(client, two)
    response = client.post(f"/loopbaangesprekken/tijden/{free.id}/boeken", follow_redirects=True)
    assert response.status_code == 200
    assert "Iemand anders heeft deze tijd net geboekt." in response.get_data(as_text=True)


def test_cancel_and_move_from_the_page(client, make, db_session, slot):
    person = make.user()
    first, second = slot(hour=10), slot(hour=14)
    booking = services.book(first.id, person, actor=person).booking
    db_session.commit()
    make.login(client, person)
    response = client.post(
        f"/loopbaangesprekken/boekingen/{booking.id}/verplaatsen", data={"slot_id": second.id}
    )
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(AdvisorBooking, booking.id).slot_id == second.id
    client.post(f"/loopbaangesprekken/boekingen/{booking.id}/annuleren")
    db_session.expire_all()
    assert db_session.get(AdvisorBooking, booking.id).status == "cancelled"


def test_someone_elses_booking_is_not_found(client, make, db_session, slot):
    person, stranger = make.user(), make.user()
    booking = services.book(slot().id, person, actor=person).booking
    db_session.commit()
    make.login(client, stranger)
    assert client.post(f"/loopbaangesprekken/boekingen/{booking.id}/annuleren").status_code == 404
    assert (
        client.post(
            f"/loopbaangesprekken/boekingen/{booking.id}/verplaatsen", data={"slot_id": "x"}
        ).status_code
        == 303
    )


def test_the_list_costs_a_fixed_number_of_statements(
    client, make, db_session, advisor, count_queries
):
    person = make.user()
    second = make.user("organiser")
    advisors.set_advisor(second, advisors.ProfileData("https://meet.example/2"), actor=second)

    def publish(days):
        for who in (advisor, second):
            services.publish_series(
                who,
                services.SeriesData(
                    weekday=(local(make.future(days)).weekday()),
                    from_time=local(make.future(days, 8)).time(),
                    to_time=local(make.future(days, 12)).time(),
                    minutes=30,
                    weeks=2,
                    mode="online",
                    first_day=local(make.future(days)).date(),
                ),
                actor=who,
            )

    publish(3)
    first = db_session.scalars(select(AdvisorSlot).order_by(AdvisorSlot.id)).first()
    services.book(first.id, person, actor=person)
    db_session.commit()
    make.login(client, person)

    def counted():
        count_queries.reset()
        _page(client, "/loopbaangesprekken")
        return len(count_queries)

    few = counted()
    publish(4)
    publish(5)
    db_session.commit()
    assert db_session.query(AdvisorSlot).count() >= 90
    assert counted() == few


def test_the_agenda_is_for_advisors(app, make, db_session, advisor):
    participant, organiser = make.user(), make.user("organiser")
    db_session.commit()
    for person in (participant, organiser):
        assert _as(app, make, person).get("/loopbaangesprekken/agenda").status_code == 403
    html = _page(_as(app, make, advisor), "/loopbaangesprekken/agenda")
    assert "Eén tijd publiceren" in html and "Een reeks publiceren" in html


def test_publish_one_and_a_series_from_the_agenda(client, make, db_session, advisor, centre):
    db_session.commit()
    make.login(client, advisor)
    day = local(make.future(5)).date()
    response = client.post(
        "/loopbaangesprekken/agenda/tijden",
        data={
            "date": day.isoformat(),
            "start": "10:00",
            "minutes": "60",
            "mode": "in_person",
            "venue_id": str(centre.id),
        },
    )
    assert response.status_code == 303
    slot = db_session.scalar(select(AdvisorSlot))
    assert local(slot.starts_at).hour == 10 and slot.minutes == 60 and slot.venue_id == centre.id
    response = client.post(
        "/loopbaangesprekken/agenda/reeks",
        data={
            "weekday": str(day.weekday()),
            "from_time": "09:00",
            "to_time": "12:00",
            "minutes": "60",
            "weeks": "2",
            "first_day": day.isoformat(),
            "mode": "online",
            "venue_id": "",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "5 tijden gepubliceerd." in html
    assert "1 niet gepubliceerd" in html  # 10:00 on the first day overlaps


def test_agenda_form_errors_are_shown_in_dutch(client, make, db_session, advisor):
    db_session.commit()
    make.login(client, advisor)
    response = client.post(
        "/loopbaangesprekken/agenda/tijden",
        data={
            "date": local(make.future(5)).date().isoformat(),
            "start": "10:00",
            "minutes": "120",
            "mode": "online",
        },
    )
    assert response.status_code == 422
    response = client.post(
        "/loopbaangesprekken/agenda/tijden",
        data={"date": "2020-01-01", "start": "10:00", "minutes": "45", "mode": "online"},
    )
    assert response.status_code == 422
    assert "Kies een tijd in de toekomst." in response.get_data(as_text=True)


def test_withdraw_from_the_agenda(client, make, db_session, advisor, slot):
    free = slot()
    db_session.commit()
    make.login(client, advisor)
    assert client.post(f"/loopbaangesprekken/agenda/tijden/{free.id}/intrekken").status_code == 303
    db_session.expire_all()
    assert db_session.get(AdvisorSlot, free.id).cancelled


def test_the_private_note_is_for_the_advisor_only(app, make, db_session, advisor, slot):
    person, organiser, admin = make.user(), make.user("organiser"), make.user("admin")
    booking = services.book(slot().id, person, actor=person).booking
    db_session.commit()
    path = f"/loopbaangesprekken/agenda/gesprekken/{booking.id}"
    client = _as(app, make, advisor)
    assert client.post(path, data={"text": "Geheim: wil weg bij team X"}).status_code == 303
    assert "Geheim: wil weg bij team X" in _page(client, path)
    for reader in (person, organiser, admin):
        other = _as(app, make, reader)
        assert other.get(path).status_code == 404
        assert other.post(path, data={"text": "overschreven"}).status_code == 404
        for page in ("/loopbaangesprekken", "/mijn", "/beheer/adviseurs"):
            assert "Geheim" not in other.get(page).get_data(as_text=True)
    assert "Geheim: wil weg bij team X" in _page(client, path)


def test_organisers_mark_an_advisor(client, make, db_session):
    organiser, colleague = make.user("organiser"), make.user("organiser")
    db_session.commit()
    make.login(client, organiser)
    assert "Loopbaanadviseurs" in _page(client, "/beheer/adviseurs")
    response = client.post(
        "/beheer/adviseurs",
        data={"email": colleague.email.upper(), "meeting_url": "https://meet.example/c"},
    )
    assert response.status_code == 303
    profile = db_session.scalar(select(AdvisorProfile))
    assert profile.user_id == colleague.id and profile.meeting_url == "https://meet.example/c"
    response = client.post("/beheer/adviseurs", data={"email": "nobody@example.nl"})
    assert response.status_code == 422
    response = client.post(f"/beheer/adviseurs/{colleague.id}/intrekken")
    db_session.expire_all()
    assert not db_session.get(AdvisorProfile, profile.id).active
    participant = make.user()
    db_session.commit()
    assert _as(client.application, make, participant).get("/beheer/adviseurs").status_code == 403


def test_the_navigation_and_my_overview_link_to_career_conversations(client, make, db_session):
    person = make.user()
    db_session.commit()
    make.login(client, person)
    html = _page(client, "/mijn")
    assert html.count('href="/loopbaangesprekken"') >= 2  # the menu and the overview


def test_english_page(client, make, db_session, slot):
    person = make.user()
    slot()
    db_session.commit()
    make.login(client, person)
    client.post("/taal", data={"language": "en", "next": "/loopbaangesprekken"})
    html = _page(client, "/loopbaangesprekken")
    assert "Advisors and their free times" in html and "Book this time" in html
    assert "Adviseurs en hun vrije tijden" not in html
