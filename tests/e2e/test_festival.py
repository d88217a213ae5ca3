"""Journeys of issue 9's events: a festival visitor picks one workshop per round, lands on
the waitlist of the full one and is confirmed on the others, then changes a choice; an
organiser creates an event on its pages and adds a programme item through the session form."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from booking.accounts.models import Role
from booking.core.db import atomic
from booking.core.timez import AMSTERDAM
from booking.events import services
from tests.e2e.test_organiser import choose_room, submit_and_answer

pytestmark = pytest.mark.e2e

ROUNDS = [
    ("Je talenten in beeld", "Solliciteren bij de overheid"),
    ("Meeloopstage en detachering", "Werken vanuit je kracht"),
    ("Vitaal aan het werk", "Je cv in één middag"),
]
FULL = "Meeloopstage en detachering"


def make_festival(make, organiser):
    """Three rounds of two workshops; the first of round 2 has one place, already taken."""
    event = atomic(
        services.create_event,
        services.EventData(title="Loopbaanfestival", kind="festival", capacity=50),
        organiser,
    )
    venue = make.physical_venue(rooms=(("Studio", 30), ("Foyer", 40)))
    items = {}
    for number, titles in enumerate(ROUNDS):
        start = make.future(20, 9 + 2 * number)
        for title, room in zip(titles, venue.rooms, strict=True):
            capacity = {"in_person": 1 if title == FULL else 20}
            items[title] = make.session(
                make.course(title, format="festival_session"),
                start=start,
                hours=1,
                capacity=capacity,
                venue=venue,
                room=room,
                event_id=event.id,
            ).id
    early = make.user()
    atomic(services.register, event.id, early, actor=early, choices=[items[FULL]])
    return event, items


def choice(page, title: str):
    return page.locator(".registration-choices li").filter(has_text=title)


def test_festival_visitor_picks_one_workshop_per_round_and_waits_for_the_full_one(
    page, make, db_session, log_in
):
    _event, items = make_festival(make, make.user(Role.ORGANISER))
    visitor = make.user()
    db_session.commit()

    log_in(page, visitor.email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Evenementen").click()
    page.get_by_role("link", name="Loopbaanfestival").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Loopbaanfestival")
    timetable = page.get_by_role("table", name="Tijdschema")
    expect(timetable.locator("tbody tr")).to_have_count(3)
    expect(page.locator(f"#item-{items[FULL]}")).to_contain_text("Vol op locatie")

    for title in ("Solliciteren bij de overheid", FULL, "Vitaal aan het werk"):
        page.get_by_role("radio", name=title).check()
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("status")).to_have_text(
        "Je bent aangemeld. Bekijk hieronder de status van elke keuze."
    )
    expect(page.get_by_role("heading", name="Je aanmelding")).to_be_visible()
    expect(choice(page, FULL)).to_contain_text("Op de wachtlijst (nummer 1 op de wachtlijst)")
    expect(choice(page, "Solliciteren bij de overheid")).to_contain_text("Bevestigd")
    expect(choice(page, "Vitaal aan het werk")).to_contain_text("Bevestigd")
    expect(page.get_by_role("radio", name=FULL)).to_be_checked()

    # The full workshop is swapped for the other one of its round: confirmed there, off the
    # waitlist, the other choices kept.
    page.get_by_role("radio", name="Werken vanuit je kracht").check()
    page.get_by_role("button", name="Mijn keuzes opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Je keuzes zijn gewijzigd.")
    expect(choice(page, "Werken vanuit je kracht")).to_contain_text("Bevestigd")
    expect(choice(page, FULL)).to_have_count(0)
    expect(page.locator(".registration-choices li")).to_have_count(3)
    expect(page.locator('.registration-choices [data-status="confirmed"]')).to_have_count(3)


def test_organiser_creates_an_event_and_adds_a_programme_item(page, make, db_session, log_in):
    organiser = make.user(Role.ORGANISER)
    make.course("Keynote: Wendbaar werken", format="festival_session")
    make.physical_venue("Theater aan de Haven", rooms=(("Grote zaal", 250),))
    db_session.commit()
    day = (datetime.now(AMSTERDAM) + timedelta(days=40)).date()

    log_in(page, organiser.email)
    page.get_by_role("link", name="Evenement aanmaken").click()
    page.get_by_label("Titel").fill("Loopbaanfestival")
    page.get_by_role("radio", name="Festival").check()
    page.get_by_label("Beschrijving").fill("Een middag vol workshops.")
    page.get_by_label("Begint").fill(f"{day.isoformat()}T12:30")
    page.get_by_label("Eindigt").fill(f"{day.isoformat()}T18:00")
    page.get_by_label("Totale capaciteit").fill("0")
    assert submit_and_answer(page, "Evenement opslaan") == 422
    expect(page.locator("#capacity-error")).to_have_text("De capaciteit moet minstens 1 zijn.")
    page.get_by_label("Totale capaciteit").fill("120")
    assert submit_and_answer(page, "Evenement opslaan") == 303
    expect(page.get_by_role("status")).to_have_text("Het evenement is opgeslagen.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Loopbaanfestival")
    expect(page.get_by_text("0 van 120 plaatsen bezet")).to_be_visible()

    page.get_by_role("link", name="Programmaonderdeel toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessie plannen")
    expect(page.get_by_label("Onderdeel van evenement")).to_have_value(page.url.rsplit("=", 1)[-1])
    page.get_by_label("Cursus", exact=True).select_option(label="Keynote: Wendbaar werken")
    page.get_by_role("radio", name="Op locatie", exact=True).check()
    meeting = page.get_by_role("group", name="Bijeenkomst 1")
    meeting.get_by_label("Datum").fill(day.isoformat())
    meeting.get_by_label("Van").fill("13:00")
    meeting.get_by_label("Tot").fill("13:45")
    choose_room(page, "Theater aan de Haven", "Grote zaal")
    page.get_by_label("Plaatsen op locatie").fill("250")
    assert submit_and_answer(page, "Sessie opslaan") == 302

    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Evenementen beheren").click()
    row = page.get_by_role("row").filter(has_text="Loopbaanfestival")
    expect(row).to_contain_text("0 / 120")
    expect(row.locator("[data-items]")).to_have_text("1")
    row.get_by_role("link", name="Loopbaanfestival", exact=True).click()
    programme = page.get_by_role("table", name="1 tijdvak")
    expect(programme).to_contain_text("Keynote: Wendbaar werken")
    expect(programme).to_contain_text("op locatie: 0 / 250")
