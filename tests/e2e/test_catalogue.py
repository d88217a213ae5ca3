"""Journey 1: an anonymous visitor browses the catalogue, searches, filters, opens a course and
switches the language."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def catalogue(make, db_session):
    """Three published courses of different formats; the LinkedIn workshop has a hybrid session."""
    linkedin = make.course(
        "Netwerken met LinkedIn", format="workshop", summary="Je profiel en je netwerk"
    )
    make.course("Assertiviteitstraining", format="training", summary="Opkomen voor jezelf")
    make.course("Webinar pensioen", format="webinar", summary="Gastspreker van het pensioenfonds")
    venue = make.physical_venue("Stadskantoor Schiedam", rooms=(("Zaal Noord", 20),))
    online = make.online_venue("Teams van het centrum")
    start = make.future(days=21, hour=9)
    session = make.session(
        linkedin,
        mode="hybrid",
        capacity={"in_person": 12, "online": 30},
        start=start,
        venue=venue,
        online=online,
    )
    db_session.commit()
    return {"course": linkedin, "session": session, "start": start}


def card_titles(page) -> list[str]:
    return page.locator("ul.cards > li.card h2").all_inner_texts()


def test_visitor_searches_filters_opens_a_course_and_switches_language(page, catalogue, tmp_path):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trainingen en evenementen")
    expect(page.locator("#result-count")).to_have_text("3 cursussen gevonden")
    assert sorted(card_titles(page)) == [
        "Assertiviteitstraining",
        "Netwerken met LinkedIn",
        "Webinar pensioen",
    ]
    shot = tmp_path / "catalogus.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 5_000

    # Search: a word from one title, in another case, submitted with Enter.
    search = page.get_by_label("Zoeken", exact=True)
    search.fill("linkedin")
    search.press("Enter")
    page.wait_for_url("**/?*q=linkedin*")
    expect(page.locator("#result-count")).to_have_text("1 cursus gevonden")
    assert card_titles(page) == ["Netwerken met LinkedIn"]
    expect(page.get_by_label("Zoeken", exact=True)).to_have_value("linkedin")

    # Filter by format only.
    page.get_by_label("Zoeken", exact=True).fill("")
    page.get_by_label("Werkvorm").select_option(label="Training")
    page.get_by_role("search").get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/?*format=training*")
    assert card_titles(page) == ["Assertiviteitstraining"]
    expect(page.get_by_label("Werkvorm")).to_have_value("training")

    # Back to everything, then open the course.
    page.get_by_label("Werkvorm").select_option(label="Alle vormen")
    page.get_by_role("search").get_by_role("button", name="Zoeken").click()
    expect(page.locator("#result-count")).to_have_text("3 cursussen gevonden")
    linkedin_card = page.locator("li.card").filter(has_text="Netwerken met LinkedIn")
    expect(linkedin_card).to_contain_text("1 sessie gepland")
    expect(linkedin_card).to_contain_text("42 plaatsen vrij")
    linkedin_card.get_by_role("link", name="Netwerken met LinkedIn").click()

    slug = catalogue["course"].slug
    session_id = catalogue["session"].id
    page.wait_for_url(f"**/cursussen/{slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Netwerken met LinkedIn")
    section = page.locator(f"#sessie-{session_id}")
    start = catalogue["start"].astimezone(AMSTERDAM)
    end = start + timedelta(hours=3)
    expect(section.get_by_role("heading")).to_have_text(
        format_date(start, "EEEE d MMMM yyyy", locale="nl")
    )
    when = section.locator("time").first
    expect(when).to_have_attribute("datetime", catalogue["start"].isoformat())
    expect(when).to_contain_text(start.strftime("%H:%M"))
    expect(section.locator("time").nth(1)).to_have_text(end.strftime("%H:%M"))
    expect(section).to_contain_text("Hybride (op locatie of online)")
    expect(section.locator(".place-physical")).to_have_text(
        "Stadskantoor Schiedam, Zaal Noord – Stadserf 1, 3112 DZ Schiedam"
    )
    expect(section.locator(".place-online")).to_have_text("Online via Teams")
    expect(section.locator('.places[data-mode="in_person"]')).to_have_text(
        "12 plaatsen vrij op locatie"
    )
    expect(section.locator('.places[data-mode="online"]')).to_have_text("30 plaatsen vrij online")

    # Switch to English with the header button: same page, English text.
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"**/cursussen/{slug}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Coming sessions")).to_be_visible()
    expect(section.get_by_role("heading")).to_have_text(
        format_date(start, "EEEE d MMMM yyyy", locale="en")
    )
    expect(section.locator('.places[data-mode="in_person"]')).to_have_text(
        "12 places free in person"
    )
    expect(section.locator('.places[data-mode="online"]')).to_have_text("30 places free online")
    page.get_by_role("link", name="Catalogue", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trainings and events")

    # And back to Dutch; the choice is remembered on the next page too.
    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trainingen en evenementen")
    page.goto(f"/cursussen/{slug}")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Komende sessies")).to_be_visible()
