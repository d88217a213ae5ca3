"""Journey 4: an organiser adds a venue with rooms and a course, schedules a hybrid session of
it, and is stopped, on the form, from booking the same room twice at one time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from booking.accounts.models import Role

pytestmark = pytest.mark.e2e

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TITLE = "Timemanagement voor teams"


def submit_and_answer(page, button: str) -> int:
    """Click a form's submit button; returns the HTTP status of the answer to the POST."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    return answer.value.status


def choose_room(page, venue: str, room: str) -> None:
    """Pick a room in the select grouped by venue, by the room's name."""
    select = page.get_by_label("Locatie en zaal")
    option = select.locator(f'optgroup[label="{venue}"] option').filter(
        has_text=re.compile(rf"^{re.escape(room)} \(")
    )
    select.select_option(option.get_attribute("value"))


def fill_session_form(page, *, course, mode, day, start, end, room, in_person, online=None):
    page.goto("/beheer/sessies/nieuw")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessie plannen")
    page.get_by_label("Cursus", exact=True).select_option(label=course)
    page.get_by_role("radio", name=mode, exact=True).check()
    meeting = page.get_by_role("group", name="Bijeenkomst 1")
    meeting.get_by_label("Datum").fill(day)
    meeting.get_by_label("Van").fill(start)
    meeting.get_by_label("Tot").fill(end)
    choose_room(page, *room)
    page.get_by_label("Plaatsen op locatie").fill(str(in_person))
    if online:
        venue, places = online
        page.get_by_label("Online locatie").select_option(label=venue)
        page.get_by_label("Plaatsen online").fill(str(places))


def test_organiser_plans_a_hybrid_session_and_cannot_double_book_the_room(
    page, make, db_session, log_in
):
    organiser = make.user(Role.ORGANISER)
    make.category("loopbaan")
    make.online_venue("Teams-omgeving")
    db_session.commit()
    log_in(page, organiser.email)
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    for item in ("Cursussen", "Sessies", "Locaties"):
        expect(nav.get_by_role("link", name=item, exact=True)).to_be_visible()

    # A physical venue with two rooms.
    page.goto("/beheer/locaties/nieuw")
    expect(page.get_by_role("radio", name="Fysiek: een adres met zalen")).to_be_checked()
    page.get_by_label("Naam", exact=True).fill("Stadhuis Vlaardingen")
    page.get_by_label("Straat en huisnummer").fill("Markt 11")
    page.get_by_label("Postcode").fill("3131 CR")
    page.get_by_label("Plaats", exact=True).fill("Vlaardingen")
    for number, (room, capacity) in enumerate((("Raadzaal", 30), ("Trouwzaal", 12)), start=1):
        row = page.get_by_role("group", name=f"Zaal {number}", exact=True)
        row.get_by_label("Zaal", exact=True).fill(room)
        row.get_by_label("Capaciteit").fill(str(capacity))
    assert submit_and_answer(page, "Locatie opslaan") == 302
    page.wait_for_url("**/beheer/locaties")
    expect(page.get_by_role("status")).to_have_text(
        "De locatie 'Stadhuis Vlaardingen' is opgeslagen."
    )
    venue_row = page.get_by_role("row").filter(has_text="Stadhuis Vlaardingen")
    expect(venue_row).to_contain_text("Markt 11, 3131 CR Vlaardingen")
    expect(venue_row).to_contain_text("Raadzaal (30), Trouwzaal (12)")

    # A course.
    page.goto("/beheer/cursussen/nieuw")
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Samenvatting (één zin)").fill("Grip op je agenda, samen met je team.")
    page.get_by_label("Werkvorm").select_option(label="Training")
    page.get_by_label("Categorie").select_option(label="Loopbaan")
    expect(page.get_by_label("Zichtbaar in de catalogus")).to_be_checked()
    assert submit_and_answer(page, "Cursus opslaan") == 302
    page.wait_for_url("**/cursussen/*")
    course_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_have_text(f"De cursus '{TITLE}' is opgeslagen.")
    expect(page.get_by_text("Er is op dit moment geen sessie gepland.")).to_be_visible()

    # A hybrid session in the Raadzaal, one meeting a month ahead.
    day = (datetime.now(AMSTERDAM) + timedelta(days=30)).date()
    fill_session_form(
        page,
        course=TITLE,
        mode="Hybride (op locatie of online)",
        day=day.isoformat(),
        start="10:00",
        end="12:30",
        room=("Stadhuis Vlaardingen", "Raadzaal"),
        in_person=25,
        online=("Teams-omgeving (Teams)", 40),
    )
    rooms = page.locator('select#room optgroup[label="Stadhuis Vlaardingen"] option')
    expect(rooms).to_have_text([re.compile(r"^Raadzaal \(30 "), re.compile(r"^Trouwzaal \(12 ")])
    assert submit_and_answer(page, "Sessie opslaan") == 302
    page.wait_for_url(f"{course_url}#sessie-*")
    expect(page.get_by_role("status")).to_have_text("De sessie is opgeslagen.")
    section = page.locator(page.url[page.url.index("#") :])
    expect(section.get_by_role("heading")).to_have_text(
        format_date(day, "EEEE d MMMM yyyy", locale="nl")
    )
    expect(section.locator("time").first).to_contain_text("10:00")
    expect(section.locator("time").nth(1)).to_have_text("12:30")
    expect(section).to_contain_text("Hybride (op locatie of online)")
    expect(section.locator(".place-physical")).to_have_text(
        "Stadhuis Vlaardingen, Raadzaal – Markt 11, 3131 CR Vlaardingen"
    )
    expect(section.locator(".place-online")).to_have_text("Online via Teams")
    expect(section.locator('.places[data-mode="in_person"]')).to_have_text(
        "25 plaatsen vrij op locatie"
    )
    expect(section.locator('.places[data-mode="online"]')).to_have_text("40 plaatsen vrij online")
    expect(section.locator(".capacity")).to_have_text(["(van 25)", "(van 40)"])

    # A second session in the same room, overlapping by an hour: refused on the form.
    fill_session_form(
        page,
        course=TITLE,
        mode="Op locatie",
        day=day.isoformat(),
        start="11:30",
        end="13:00",
        room=("Stadhuis Vlaardingen", "Raadzaal"),
        in_person=20,
    )
    assert submit_and_answer(page, "Sessie opslaan") == 422
    assert page.url.endswith("/beheer/sessies/nieuw")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessie plannen")
    room = page.get_by_label("Locatie en zaal")
    expect(room).to_have_attribute("aria-invalid", "true")
    assert "room-error" in (room.get_attribute("aria-describedby") or "").split()
    expect(page.locator("#room-error")).to_have_text(
        f"Zaal Raadzaal is op dat moment in gebruik door '{TITLE}' "
        f"({day.strftime('%d-%m-%Y')} 10:00)."
    )
    # What the organiser typed is still there.
    expect(page.get_by_label("Cursus", exact=True).locator("option:checked")).to_have_text(TITLE)
    expect(page.get_by_role("radio", name="Op locatie", exact=True)).to_be_checked()
    meeting = page.get_by_role("group", name="Bijeenkomst 1")
    expect(meeting.get_by_label("Datum")).to_have_value(day.isoformat())
    expect(meeting.get_by_label("Van")).to_have_value("11:30")
    expect(meeting.get_by_label("Tot")).to_have_value("13:00")
    expect(room.locator("option:checked")).to_have_text(re.compile(r"^Raadzaal \(30 "))
    expect(page.get_by_label("Plaatsen op locatie")).to_have_value("20")

    # Only the first session exists.
    page.goto("/beheer/sessies")
    expect(page.get_by_role("table").locator("caption")).to_have_text("1 sessie")


def test_room_choices_give_the_capacity_in_dutch(page, make, db_session, log_in):
    organiser = make.user(Role.ORGANISER)
    make.physical_venue("Stadhuis Vlaardingen", rooms=(("Raadzaal", 30), ("Trouwzaal", 12)))
    db_session.commit()
    log_in(page, organiser.email)
    page.goto("/beheer/sessies/nieuw")
    options = page.locator('select#room optgroup[label="Stadhuis Vlaardingen"] option')
    assert options.all_inner_texts() == ["Raadzaal (30 plaatsen)", "Trouwzaal (12 plaatsen)"]
