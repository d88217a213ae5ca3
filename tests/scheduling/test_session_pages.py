"""The organisers' session form: Amsterdam wall-clock times in, clear messages out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from booking.accounts.models import Role
from booking.catalogue.models import Speaker
from booking.core.timez import AMSTERDAM
from booking.scheduling.models import Session


def form_data(course, room, online=None, day=None, **extra):
    day = day or (datetime.now(AMSTERDAM).date() + timedelta(days=30))
    data = {
        "course": str(course.id),
        "mode": "physical",
        "room": str(room.id),
        "in_person_capacity": "12",
        "online_capacity": "",
        "online_venue": "",
        "meetings-0-date": day.isoformat(),
        "meetings-0-start": "10:00",
        "meetings-0-end": "12:30",
        "meetings-1-date": "",
        "meetings-1-start": "",
        "meetings-1-end": "",
        "min_participants": "0",
        "visibility": "open",
        "organisation": "",
        "team": "",
        "promotion": "auto",
        "event": "",
        "notes": "",
    }
    if online is not None:
        data["online_venue"] = str(online.id)
    data.update(extra)
    return data


def organiser_client(client, make):
    make.login(client, make.user(Role.ORGANISER))
    return client


def test_schedule_a_hybrid_session_in_dutch_time(client, make, db_session):
    course = make.course("Netwerken met LinkedIn")
    venue, online = make.physical_venue(rooms=(("Zaal Schie", 16),)), make.online_venue()
    organiser_client(client, make)
    day = datetime(datetime.now().year + 1, 7, 1).date()  # summer time: UTC+2
    response = client.post(
        "/beheer/sessies/nieuw",
        data=form_data(
            course,
            venue.rooms[0],
            online,
            day=day,
            mode="hybrid",
            in_person_capacity="16",
            online_capacity="30",
        ),
    )
    assert response.status_code == 302
    session = db_session.query(Session).one()
    assert session.starts_at == datetime(day.year, 7, 1, 8, 0, tzinfo=UTC)
    assert {s.mode: s.capacity for s in session.seats} == {"in_person": 16, "online": 30}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "16 plaatsen vrij op locatie" in page and "30 plaatsen vrij online" in page
    assert "10:00" in page and "12:30" in page


def test_a_three_day_course_keeps_its_meetings_in_order(client, make, db_session):
    course, venue = make.course(), make.physical_venue()
    organiser_client(client, make)
    first = datetime.now(AMSTERDAM).date() + timedelta(days=20)
    data = form_data(course, venue.rooms[0], day=first + timedelta(days=14))
    data.update(
        {
            "meetings-1-date": first.isoformat(),
            "meetings-1-start": "09:00",
            "meetings-1-end": "16:00",
            "meetings-2-date": (first + timedelta(days=7)).isoformat(),
            "meetings-2-start": "09:00",
            "meetings-2-end": "16:00",
        }
    )
    assert client.post("/beheer/sessies/nieuw", data=data).status_code == 302
    session = db_session.query(Session).one()
    assert [m.starts_at.astimezone(AMSTERDAM).date() for m in session.meetings] == [
        first,
        first + timedelta(days=7),
        first + timedelta(days=14),
    ]


def test_form_errors_end_up_next_to_their_fields_and_input_is_kept(client, make, db_session):
    course, venue = make.course(), make.physical_venue(rooms=(("Zaal", 10),))
    organiser_client(client, make)
    response = client.post(
        "/beheer/sessies/nieuw",
        data=form_data(
            course, venue.rooms[0], in_person_capacity="11", **{"meetings-0-end": "09:00"}
        ),
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="meetings-0-end-error"' in text and "Het einde moet na het begin liggen." in text
    assert 'id="in_person_capacity-error"' in text and "hoogstens 10 personen" in text
    assert 'value="11"' in text
    assert db_session.query(Session).count() == 0


def test_negative_capacity_and_bad_numbers_get_messages_not_errors(client, make, db_session):
    course, venue = make.course(), make.physical_venue()
    organiser_client(client, make)
    response = client.post(
        "/beheer/sessies/nieuw", data=form_data(course, venue.rooms[0], in_person_capacity="-2")
    )
    assert response.status_code == 422
    assert "Het aantal plaatsen kan niet negatief zijn." in response.get_data(as_text=True)
    response = client.post(
        "/beheer/sessies/nieuw", data=form_data(course, venue.rooms[0], in_person_capacity="twelve")
    )
    assert response.status_code == 422
    data = form_data(course, venue.rooms[0])
    data["room"] = "999999"
    response = client.post("/beheer/sessies/nieuw", data=data)
    assert response.status_code == 422


def test_half_filled_meeting_rows_are_named(client, make, db_session):
    course, venue = make.course(), make.physical_venue()
    organiser_client(client, make)
    data = form_data(course, venue.rooms[0])
    data["meetings-1-date"] = data["meetings-0-date"]
    response = client.post("/beheer/sessies/nieuw", data=data)
    assert "Geef de datum, het begin en het einde." in response.get_data(as_text=True)


def test_room_clash_is_shown_on_the_form(client, make, db_session):
    course, venue = make.course("Assertiviteitstraining"), make.physical_venue()
    organiser_client(client, make)
    data = form_data(course, venue.rooms[0])
    assert client.post("/beheer/sessies/nieuw", data=data).status_code == 302
    data["meetings-0-start"] = "11:00"
    data["meetings-0-end"] = "13:00"
    response = client.post("/beheer/sessies/nieuw", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is op dat moment in gebruik door" in text and "Assertiviteitstraining" in text


def test_edit_shows_the_session_and_saves_changes(client, make, db_session):
    session = make.session(capacity={"in_person": 8})
    organiser_client(client, make)
    page = client.get(f"/beheer/sessies/{session.id}").get_data(as_text=True)
    assert 'value="8"' in page
    local_start = session.starts_at.astimezone(AMSTERDAM)
    assert f'value="{local_start:%H:%M}"' in page
    data = form_data(
        session.course,
        session.room,
        day=local_start.date(),
        in_person_capacity="9",
        **{"meetings-0-start": f"{local_start:%H:%M}", "meetings-0-end": "23:00"},
    )
    assert client.post(f"/beheer/sessies/{session.id}", data=data).status_code == 302
    db_session.rollback()
    assert db_session.get(Session, session.id).capacity("in_person") == 9
    assert db_session.get(Session, session.id).revision == 1  # the end time moved
    assert client.get("/beheer/sessies/999999").status_code == 404


def test_closed_sessions_need_their_audience(client, make, db_session):
    course, venue = make.course(), make.physical_venue()
    team = make.team()
    organiser_client(client, make)
    response = client.post(
        "/beheer/sessies/nieuw", data=form_data(course, venue.rooms[0], visibility="team")
    )
    assert "Kies het team waarvoor deze sessie is." in response.get_data(as_text=True)
    response = client.post(
        "/beheer/sessies/nieuw",
        data=form_data(course, venue.rooms[0], visibility="team", team=str(team.id)),
    )
    assert response.status_code == 302


def test_session_list_shows_coming_and_past_sessions(client, make, db_session):
    make.session(make.course("Cursus Zwaluw"))
    organiser_client(client, make)
    assert "Cursus Zwaluw" in client.get("/beheer/sessies").get_data(as_text=True)
    assert "Cursus Zwaluw" not in client.get("/beheer/sessies?verleden=1").get_data(as_text=True)


def test_a_session_names_its_own_speakers_in_the_form(client, make, db_session):
    from_course, own = Speaker(name="Trainer Tineke"), Speaker(name="Gast Gijs", role="spreker")
    db_session.add_all([from_course, own])
    db_session.flush()
    course = make.course("Webinar", speaker_ids=[from_course.id])
    venue = make.physical_venue()
    organiser_client(client, make)
    db_session.commit()
    form = client.get("/beheer/sessies/nieuw").get_data(as_text=True)
    assert "Gast Gijs, spreker" in form
    saved = client.post(
        "/beheer/sessies/nieuw",
        data={**form_data(course, venue.rooms[0]), "speakers": [str(own.id)]},
    )
    assert saved.status_code == 302
    session = db_session.query(Session).one()
    assert [s.name for s in session.shown_speakers] == ["Gast Gijs"]
    edit = client.get(f"/beheer/sessies/{session.id}").get_data(as_text=True)
    assert re.search(rf'<input[^>]*checked[^>]*name="speakers"[^>]*value="{own.id}"', edit)
    cleared = client.post(f"/beheer/sessies/{session.id}", data=form_data(course, venue.rooms[0]))
    assert cleared.status_code == 302, cleared.get_data(as_text=True)[:2000]
    db_session.expire_all()
    assert [s.name for s in db_session.get(Session, session.id).shown_speakers] == [
        "Trainer Tineke"
    ]
