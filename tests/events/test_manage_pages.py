"""The organisers' event pages: create and change an event through the services the API
uses (their refusals as form errors, in Dutch or English), an event's programme with the
fill of each item, its registrations, the session form's event select; who may enter; and a
fixed number of statements however many events, items or registrations there are."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from booking.accounts.models import Role
from booking.core.db import atomic
from booking.core.errors import ValidationError
from booking.core.timez import AMSTERDAM
from booking.events import services
from booking.scheduling.models import Event, Session
from booking.scheduling.services import update_session
from tests.events.fixtures import make_festival
from tests.scheduling.test_session_pages import form_data as session_form_data

NEXT_YEAR = datetime.now(AMSTERDAM).year + 1


def event_form(**changes) -> dict:
    data = {
        "title": "Loopbaanfestival",
        "kind": "festival",
        "description": "Een middag vol workshops.",
        "starts_at": f"{NEXT_YEAR}-07-03T12:30",
        "ends_at": f"{NEXT_YEAR}-07-03T18:00",
        "capacity": "120",
        "registration_deadline": f"{NEXT_YEAR}-06-26T17:00",
    }
    data.update(changes)
    return data


def field_error(page: str, field: str) -> str:
    """The text of the error shown with one form field."""
    found = re.search(rf'id="{field}-error">(.*?)</div>', page, re.S)
    assert found, f"no error shown for {field}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.fixture
def organiser(client, make):
    person = make.user(Role.ORGANISER)
    make.login(client, person)
    return person


@pytest.fixture
def festival(make, db_session):
    return make_festival(make, db_session)


def test_organiser_creates_an_event_in_dutch_time(client, organiser, db_session):
    response = client.post("/beheer/evenementen/nieuw", data=event_form())
    assert response.status_code == 303
    event = db_session.query(Event).one()
    assert response.headers["Location"].endswith(f"/beheer/evenementen/{event.id}")
    assert (event.title, event.kind, event.capacity) == ("Loopbaanfestival", "festival", 120)
    assert event.starts_at == datetime(NEXT_YEAR, 7, 3, 10, 30, tzinfo=UTC)  # summer: UTC+2
    assert event.registration_deadline == datetime(NEXT_YEAR, 6, 26, 15, 0, tzinfo=UTC)
    listing = client.get("/beheer/evenementen").get_data(as_text=True)
    assert "Loopbaanfestival" in listing and "0 / 120" in listing
    page = client.get(f"/beheer/evenementen/{event.id}").get_data(as_text=True)
    assert f'href="/beheer/sessies/nieuw?event={event.id}"' in page


def test_an_event_without_capacity_or_dates_is_allowed(client, organiser, db_session):
    data = event_form(starts_at="", ends_at="", capacity="", registration_deadline="")
    assert client.post("/beheer/evenementen/nieuw", data=data).status_code == 303
    event = db_session.query(Event).one()
    assert event.capacity is None and event.starts_at is None
    assert "geen limiet" in client.get("/beheer/evenementen").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Geef het evenement een titel."),
        (
            {"ends_at": f"{NEXT_YEAR}-07-03T11:00"},
            "ends_at",
            "Het evenement kan niet eindigen voordat het begint.",
        ),
        ({"capacity": "0"}, "capacity", "De capaciteit moet minstens 1 zijn."),
        ({"capacity": "veel"}, "capacity", None),
        ({"capacity": "99999999999"}, "capacity", None),
        ({"kind": "webinar"}, "kind", None),
        ({"starts_at": "1800-07-03T12:30"}, "starts_at", "Geef een datum tussen 1900 en 9000."),
        ({"registration_deadline": "morgen"}, "registration_deadline", None),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(
    client, organiser, db_session, changes, field, message
):
    response = client.post("/beheer/evenementen/nieuw", data=event_form(**changes))
    assert response.status_code == 422
    shown = field_error(response.get_data(as_text=True), field)
    if message:
        assert shown == message
    assert db_session.query(Event).count() == 0


def test_errors_are_in_english_for_an_english_reader(client, make, db_session):
    make.login(client, make.user(Role.ORGANISER, language="en"))
    response = client.post("/beheer/evenementen/nieuw", data=event_form(capacity="0"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "capacity") == "The capacity must be at least 1."
    assert "Create an event" in page


def test_edit_keeps_the_service_rules(client, make, festival, db_session):
    event_id, (a1, _b1, a2, _b2), organiser = festival
    make.login(client, organiser)
    for person in (make.user(), make.user()):
        atomic(services.register, event_id, person, actor=person, choices=[a1, a2])
    page = client.get(f"/beheer/evenementen/{event_id}/bewerken").get_data(as_text=True)
    assert 'value="Loopbaanfestival"' in page and 'value="3"' in page

    lower = event_form(capacity="1", starts_at="", ends_at="", registration_deadline="")
    response = client.post(f"/beheer/evenementen/{event_id}/bewerken", data=lower)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "capacity") == (
        "Er zijn al 2 mensen aangemeld; de capaciteit kan niet lager."
    )

    first_item = db_session.get(Session, a1).starts_at.astimezone(AMSTERDAM)
    late_start = (first_item + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/beheer/evenementen/{event_id}/bewerken",
        data=event_form(starts_at=late_start, ends_at="", registration_deadline=""),
    )
    assert response.status_code == 422
    assert "starts_at-error" in response.get_data(as_text=True)

    renamed = event_form(
        title="Loopbaanfestival 2", capacity="50", starts_at="", ends_at="", description="Nieuw"
    )
    assert client.post(f"/beheer/evenementen/{event_id}/bewerken", data=renamed).status_code == 303
    db_session.expire_all()
    event = db_session.get(Event, event_id)
    assert (event.title, event.capacity, event.description) == ("Loopbaanfestival 2", 50, "Nieuw")
    assert event.slug == "loopbaanfestival"  # the programme page's address stays


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/evenementen",
        "/beheer/evenementen/nieuw",
        "/beheer/evenementen/{id}",
        "/beheer/evenementen/{id}/bewerken",
        "/beheer/evenementen/{id}/aanmeldingen",
        "/beheer/evenementen/{id}/annuleren",
    ],
)
@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.TEAM_LEADER, Role.HR])
def test_only_organisers_enter(client, make, festival, path, role):
    event_id = festival[0]
    url = path.format(id=event_id)
    assert client.get(url).status_code == 302  # anonymous: to the log-in
    make.login(client, make.user(role))
    assert client.get(url).status_code == 403
    assert client.post(url, data=event_form()).status_code in (403, 405)


def test_unknown_events_are_404(client, organiser):
    for path in ("/beheer/evenementen/999", "/beheer/evenementen/999/bewerken"):
        assert client.get(path).status_code == 404
    assert client.get("/beheer/evenementen/99999999999999/aanmeldingen").status_code == 404


def test_programme_page_shows_fill_and_waitlist(client, make, festival):
    event_id, (a1, _b1, _a2, _b2), organiser = festival
    ann, bob = make.user(), make.user()
    atomic(services.register, event_id, ann, actor=ann, choices=[a1])
    atomic(services.register, event_id, bob, actor=bob, choices=[a1])
    make.login(client, organiser)
    page = client.get(f"/beheer/evenementen/{event_id}").get_data(as_text=True)
    row = re.search(rf'<tr class="utrecht-table__row" data-session="{a1}">(.*?)</tr>', page, re.S)
    assert 'data-taken="1" data-capacity="1"' in row.group(1)
    assert 'data-waiting="1"' in row.group(1)
    assert "2 van 3 plaatsen bezet" in page


def test_registrations_page_shows_who_chose_what(client, make, festival, db_session):
    event_id, (a1, b1, a2, _b2), organiser = festival
    ann, bob, cas = make.user(), make.user(), make.user()
    atomic(services.register, event_id, ann, actor=ann, choices=[a1, a2])
    atomic(services.register, event_id, bob, actor=bob, choices=[a1])
    cancelled = atomic(
        lambda: services.register(event_id, cas, actor=cas, choices=[b1]).registration.id
    )
    atomic(services.cancel_registration, cancelled, actor=cas)
    make.login(client, organiser)
    page = client.get(f"/beheer/evenementen/{event_id}/aanmeldingen").get_data(as_text=True)
    rows = dict(re.findall(r'data-registration="\d+" data-status="(\w+)">(.*?)</tr>', page, re.S))
    assert set(rows) == {"active", "cancelled"}
    assert ann.name in page and bob.name in page and cas.name in page
    bobs = re.search(rf"{bob.name}.*?</tr>", page, re.S).group(0)
    assert f'data-session="{a1}" data-choice-status="waitlisted"' in bobs
    assert "Op de wachtlijst, nummer 1 op de wachtlijst" in bobs
    anns = re.search(rf"{ann.name}.*?</tr>", page, re.S).group(0)
    assert anns.count('data-choice-status="confirmed"') == 2


def test_session_form_puts_an_item_in_the_programme_within_the_event_dates(
    client, make, organiser, db_session
):
    day = datetime(NEXT_YEAR, 7, 3).date()
    event = atomic(
        services.create_event,
        services.EventData(
            title="Symposium",
            kind="symposium",
            starts_at=datetime(NEXT_YEAR, 7, 3, 9, 0, tzinfo=AMSTERDAM),
            ends_at=datetime(NEXT_YEAR, 7, 3, 13, 0, tzinfo=AMSTERDAM),
        ),
        organiser,
    )
    course, venue = make.course("Plenaire opening"), make.physical_venue()
    form = client.get(f"/beheer/sessies/nieuw?event={event.id}").get_data(as_text=True)
    assert re.search(rf'<option lang="nl" selected value="{event.id}">Symposium</option>', form)

    outside = session_form_data(course, venue.rooms[0], day=day, event=str(event.id))
    outside["meetings-0-start"], outside["meetings-0-end"] = "13:30", "14:30"
    response = client.post("/beheer/sessies/nieuw", data=outside)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "event") == (
        "Een programmaonderdeel moet binnen de data van het evenement vallen."
    )
    assert db_session.query(Session).count() == 0

    inside = session_form_data(course, venue.rooms[0], day=day, event=str(event.id))
    assert client.post("/beheer/sessies/nieuw", data=inside).status_code == 302
    assert db_session.query(Session).one().event_id == event.id
    page = client.get(f"/beheer/evenementen/{event.id}").get_data(as_text=True)
    assert "Plenaire opening" in page and 'data-taken="0" data-capacity="12"' in page


def test_the_service_refuses_moving_an_item_outside_the_event_dates(make, db_session):
    """The rule lives in the service: the API's PATCH and POST meet it as the page does."""
    organiser = make.user(Role.ORGANISER)
    event = atomic(
        services.create_event,
        services.EventData(
            title="Festival",
            kind="festival",
            starts_at=make.future(20, 8),
            ends_at=make.future(20, 12),
        ),
        organiser,
    )
    session = make.session(start=make.future(21, 9))
    db_session.commit()
    with pytest.raises(ValidationError) as error:
        atomic(update_session, session.id, {"event_id": event.id}, actor=organiser)
    assert set(error.value.fields) == {"event_id"}


def _count(client, count_queries, url: str) -> int:
    count_queries.reset()
    assert client.get(url).status_code == 200
    return len(count_queries)


def test_list_programme_and_registrations_pages_take_a_fixed_number_of_statements(
    client, make, festival, db_session, count_queries
):
    event_id, items, organiser = festival
    make.login(client, organiser)
    for _ in range(2):  # the one-place item is full: the second waits
        atomic(services.register, event_id, make.user(), actor=organiser, choices=items[:1])
    db_session.commit()
    few = [
        _count(client, count_queries, url)
        for url in (
            "/beheer/evenementen",
            f"/beheer/evenementen/{event_id}",
            f"/beheer/evenementen/{event_id}/aanmeldingen",
        )
    ]
    for _ in range(3):
        atomic(
            services.create_event, services.EventData(title="Extra", kind="symposium"), organiser
        )
    atomic(services.update_event, event_id, {"capacity": 10}, organiser)
    venue = make.physical_venue(rooms=(("Zaal 9", 40),))
    added = [
        make.session(
            make.course(), start=make.future(10, hour), hours=2, venue=venue, event_id=event_id
        ).id
        for hour in (15, 17)
    ]
    db_session.commit()
    for _ in range(2):  # both wait for the one-place item
        person = make.user()
        atomic(services.register, event_id, person, actor=organiser, choices=items[:1])
    for person in (make.user(), make.user()):
        atomic(services.register, event_id, person, actor=organiser, choices=added[:1])
    db_session.commit()
    many = [
        _count(client, count_queries, url)
        for url in (
            "/beheer/evenementen",
            f"/beheer/evenementen/{event_id}",
            f"/beheer/evenementen/{event_id}/aanmeldingen",
        )
    ]
    assert many == few, count_queries.statements
