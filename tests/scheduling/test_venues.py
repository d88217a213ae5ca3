"""Venues and rooms: the rules and the organisers' pages."""

from __future__ import annotations

import pytest

from booking.accounts.models import Role
from booking.core.errors import ValidationError
from booking.scheduling.models import Venue
from booking.scheduling.venues import RoomData, VenueData, create_venue, update_venue


def test_physical_venue_needs_address_city_and_rooms(make, db_session):
    with pytest.raises(ValidationError) as error:
        create_venue(VenueData(name="Stadhuis", kind="physical"))
    assert set(error.value.fields) == {"address", "city", "rooms"}


def test_rooms_need_a_name_and_a_positive_capacity(make, db_session):
    with pytest.raises(ValidationError) as error:
        create_venue(
            VenueData(
                name="Stadhuis",
                kind="physical",
                address="Markt 1",
                city="Vlaardingen",
                rooms=[RoomData("", 10), RoomData("Zaal", 0), RoomData("zaal", -4)],
            )
        )
    fields = error.value.fields
    assert {"rooms.0.name", "rooms.1.capacity", "rooms.2.name", "rooms.2.capacity"} <= set(fields)


def test_online_venue_needs_a_web_link_and_provider(make, db_session):
    with pytest.raises(ValidationError) as error:
        create_venue(VenueData(name="Teams", kind="online", join_url="javascript:alert(1)"))
    assert set(error.value.fields) == {"join_url", "provider"}


def test_names_are_unique_regardless_of_case(make, db_session):
    make.physical_venue("Stadhuis Schiedam")
    with pytest.raises(ValidationError) as error:
        make.physical_venue("stadhuis schiedam")
    assert "name" in error.value.fields


def test_a_room_cannot_shrink_below_a_planned_session_nor_disappear(make, db_session):
    venue = make.physical_venue(rooms=(("Zaal", 20), ("Kamer", 8)))
    make.session(venue=venue, capacity={"in_person": 15})
    db_session.commit()
    data = VenueData(
        name=venue.name,
        kind="physical",
        address="Stadserf 1",
        city="Schiedam",
        rooms=[RoomData("Zaal", 10, id=venue.rooms[1].id)],
    )
    rooms = {r.name: r for r in venue.rooms}
    data.rooms = [RoomData("Zaal", 10, id=rooms["Zaal"].id), RoomData("Kamer", 8)]
    with pytest.raises(ValidationError) as error:
        update_venue(venue, data)
    assert "15" in str(error.value.fields["rooms.0.capacity"])
    db_session.rollback()
    venue = db_session.get(Venue, venue.id)
    data.rooms = [RoomData("Kamer", 8)]
    with pytest.raises(ValidationError) as error:
        update_venue(venue, data)
    assert "Zaal" in str(error.value.fields["rooms"])


def test_organiser_adds_a_physical_venue_through_the_form(client, make, db_session):
    organiser = make.user(Role.ORGANISER)
    make.login(client, organiser)
    response = client.post(
        "/beheer/locaties/nieuw",
        data={
            "kind": "physical",
            "name": "Stadskantoor",
            "address": "Stadserf 1",
            "postcode": "3112 DZ",
            "city": "Schiedam",
            "rooms-0-name": "Zaal 1",
            "rooms-0-capacity": "24",
            "rooms-1-name": "Zaal 2",
            "rooms-1-capacity": "12",
            "rooms-2-name": "",
            "rooms-2-capacity": "",
        },
    )
    assert response.status_code == 302
    venue = db_session.query(Venue).filter_by(name="Stadskantoor").one()
    assert sorted((r.name, r.capacity) for r in venue.rooms) == [("Zaal 1", 24), ("Zaal 2", 12)]


def test_venue_form_errors_are_shown_next_to_the_fields(client, make, db_session):
    organiser = make.user(Role.ORGANISER)
    make.login(client, organiser)
    response = client.post(
        "/beheer/locaties/nieuw",
        data={
            "kind": "physical",
            "name": "Stadskantoor",
            "address": "",
            "city": "Schiedam",
            "rooms-0-name": "Zaal 1",
            "rooms-0-capacity": "-5",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul straat en huisnummer in." in text
    assert 'id="rooms-0-capacity-error"' in text
    assert db_session.query(Venue).count() == 0


def test_organiser_edits_an_online_venue(client, make, db_session):
    organiser = make.user(Role.ORGANISER)
    venue = make.online_venue("Teams")
    make.login(client, organiser)
    assert "teams.example" in client.get(f"/beheer/locaties/{venue.id}").get_data(as_text=True)
    response = client.post(
        f"/beheer/locaties/{venue.id}",
        data={
            "kind": "online",
            "name": "Teams",
            "provider": "Microsoft Teams",
            "join_url": "https://teams.microsoft.com/l/meetup-join/x",
        },
    )
    assert response.status_code == 302
    db_session.rollback()
    assert db_session.get(Venue, venue.id).provider == "Microsoft Teams"
    assert client.get("/beheer/locaties/999999").status_code == 404


def test_a_changed_address_updates_every_coming_invite(make, db_session):
    from booking.core.db import atomic
    from booking.notifications.models import OutboxMessage
    from tests.enrolment.helpers import enrol

    venue = make.physical_venue("Stadskantoor", rooms=(("Zaal 1", 20), ("Zaal 2", 10)))
    here = make.session(venue=venue)
    elsewhere = make.session()
    person = make.user()
    enrol(here, person)
    enrol(elsewhere, make.user())
    revision = here.revision
    data = VenueData(
        name="Stadskantoor",
        kind="physical",
        address="Nieuwe Haven 1",
        city="Schiedam",
        rooms=[RoomData("Zaal 1", 20), RoomData("Zaal 2", 10)],
    )
    atomic(update_venue, db_session.get(Venue, venue.id), data)
    db_session.rollback()
    assert db_session.get(type(here), here.id).revision == revision + 1
    changed = db_session.query(OutboxMessage).filter_by(kind="session_changed").all()
    assert [m.user_id for m in changed] == [person.id]
    # A capacity change alone says nothing new to anyone.
    data.rooms = [RoomData("Zaal 1", 25), RoomData("Zaal 2", 10)]
    atomic(update_venue, db_session.get(Venue, venue.id), data)
    assert db_session.query(OutboxMessage).filter_by(kind="session_changed").count() == 1
