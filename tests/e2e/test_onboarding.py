"""Journey: a new member of staff, imported without a password, opens the invitation link from
the mail, chooses a password, logs in with it and enrols in a session; with a mouse on a
desktop, and with the keyboard only on a phone-sized screen. The mail goes through the real
worker into a folder of .eml files."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

import pytest
from playwright.sync_api import expect

from booking.accounts import onboarding
from booking.notifications.filedrop import FileBackend
from booking.notifications.worker import drain
from tests.e2e.test_keyboard import tab_until, unnamed_controls

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "zonnebloemen langs de dijk"


def invitation_link(folder, address: str) -> str:
    for path in sorted(folder.glob("*.eml")):
        message = BytesParser(policy=policy.default).parse(path.open("rb"))
        if message["To"] == address:
            text = message.get_body(("plain",)).get_content()
            found = re.search(r"Kies je wachtwoord met deze link:\s+(\S+)", text)
            if found:
                return found.group(1)
    raise AssertionError(f"no invitation to {address} in {folder}")


@pytest.fixture
def newcomer(make, db_session, app, server, tmp_path, monkeypatch):
    """A member of staff without a password, their invitation delivered; returns them, the
    link from the mail and the course to enrol in."""
    monkeypatch.setitem(app.config, "BASE_URL", server.url)  # links point at the live server
    course = make.course("Netwerken met LinkedIn")
    session = make.session(course, capacity={"in_person": 8})
    person = make.user(password=None, language="nl")
    onboarding.send_invitation(person)
    db_session.commit()
    assert drain(backend=FileBackend(tmp_path)).sent == 1
    link = invitation_link(tmp_path, person.email)
    assert link.startswith(f"{server.url}/welkom/")
    return person, link, course, session


def test_a_new_member_of_staff_accepts_the_invitation_and_enrols(page, newcomer):
    person, link, course, session = newcomer
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welkom, {person.name}")
    _controls, unnamed = unnamed_controls(page)
    assert unnamed == []
    expect(page.get_by_label("Je e-mailadres (hiermee log je in)")).to_have_value(person.email)

    # A common password is refused with a clear message, and the link still works.
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("qwerty123456")
    page.get_by_label("Nieuw wachtwoord nogmaals").fill("qwerty123456")
    page.get_by_role("button", name="Mijn wachtwoord instellen").click()
    expect(page.get_by_role("alert")).to_contain_text("een van de meest gebruikte")
    expect(page).to_have_title(re.compile(r"^Fout: Welkom"))

    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nieuw wachtwoord nogmaals").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Mijn wachtwoord instellen").click()
    page.wait_for_url("**/inloggen")
    expect(page.get_by_role("status")).to_contain_text("Je wachtwoord is ingesteld")

    page.get_by_label("E-mailadres").fill(person.email)
    page.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/mijn")

    page.goto(f"/cursussen/{course.slug}")
    card = page.locator(f"#sessie-{session.id}")
    card.get_by_role("button", name="Inschrijven").click()
    expect(page.locator(f"#sessie-{session.id}")).to_contain_text("Bevestigd")

    # The link was for once only.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link is al gebruikt")
    expect(page.get_by_role("link", name="Nieuwe link aanvragen")).to_be_visible()


def test_the_same_journey_with_the_keyboard_only_on_a_phone(page, newcomer):
    person, link, course, session = newcomer
    page.set_viewport_size(PHONE)
    page.goto(link)
    new = page.get_by_label("Nieuw wachtwoord", exact=True)
    tab_until(page, new)
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Nieuw wachtwoord nogmaals")).to_be_focused()
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Mijn wachtwoord instellen")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/inloggen")

    email = page.get_by_label("E-mailadres")
    tab_until(page, email)
    page.keyboard.type(person.email)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Inloggen")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/mijn")

    page.goto(f"/cursussen/{course.slug}")
    button = page.locator(f"#sessie-{session.id}").get_by_role("button", name="Inschrijven")
    tab_until(page, button, limit=60)
    page.keyboard.press("Enter")
    expect(page.locator(f"#sessie-{session.id}")).to_contain_text("Bevestigd")
    # Nothing on the way was wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_forgot_password_from_the_log_in_page_with_the_keyboard(page, make, db_session):
    person = make.user()
    db_session.commit()
    page.set_viewport_size(PHONE)
    page.goto("/inloggen")
    link = page.get_by_role("link", name="Wachtwoord vergeten?")
    tab_until(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url("**/wachtwoord-vergeten")
    tab_until(page, page.get_by_label("E-mailadres"))
    page.keyboard.type(person.email)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je mail")
    expect(page.get_by_role("status")).to_contain_text("Als er een account is met dit adres")
