"""Journey: an organiser sets up two-step verification on first log-in (the QR code read back
from the screen, the code computed by pyotp from it, as a phone's app would) and then signs in
with a code; once with the pointer at desktop width, once with the keyboard only at phone width.

The pages are in English (the language cookie): the Dutch of these texts is merged into the
catalogues separately.
"""

from __future__ import annotations

import io
import time
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from booking.accounts.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def totp_required(server, monkeypatch):
    monkeypatch.setitem(server.app.config, "TOTP_REQUIRED_ROLES", "organiser,hr,admin,advisor")


class Person:
    """Does what a person does: with the pointer (fill, click) or with Tab, typing and Enter."""

    def __init__(self, page, keyboard: bool):
        self.page = page
        self.keyboard = keyboard

    def focus(self, locator, limit: int = 80) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if locator.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"{locator} never got the focus in {limit} presses of Tab")

    def fill(self, label: str, value: str) -> None:
        field = self.page.get_by_label(label, exact=True)
        if self.keyboard:
            self.focus(field)
            self.page.keyboard.type(value)
        else:
            field.fill(value)

    def press(self, locator) -> None:
        if self.keyboard:
            self.focus(locator)
            self.page.keyboard.press("Enter")
        else:
            locator.click()

    def button(self, name: str) -> None:
        self.press(self.page.get_by_role("button", name=name, exact=True))

    def link(self, name: str) -> None:
        self.press(self.page.get_by_role("link", name=name, exact=True))


def read_qr(page) -> str:
    shot = page.locator("figure.totp-qr svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert found, "no QR code found on the set-up page"
    return found[0].text


@pytest.mark.parametrize("keyboard", [False, True], ids=["pointer", "keyboard"])
def test_organiser_sets_up_the_app_and_signs_in_with_a_code(
    page, context, server, make, db_session, totp_required, keyboard
):
    organiser = make.user(Role.ORGANISER, language="en")
    db_session.commit()
    context.add_cookies([{"name": "lang", "value": "en", "url": server.url}])
    if keyboard:
        page.set_viewport_size(PHONE)
    person = Person(page, keyboard)

    page.goto("/inloggen")
    person.fill("E-mail address", organiser.email)
    person.fill("Password", PASSWORD)
    person.button("Log in")
    page.wait_for_url("**/account/tweestapsverificatie")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step verification")
    expect(page.get_by_role("status").filter(has_text="requires two-step")).to_be_visible()
    page.goto("/mijn")  # nothing else opens before it is set up
    page.wait_for_url("**/account/tweestapsverificatie")

    uri = read_qr(page)
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    secret = parse_qs(parts.query)["secret"][0]
    shown = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    assert shown == secret  # the key to type by hand is the one in the QR code
    totp = pyotp.TOTP(secret)

    person.fill("Code", "000000" if totp.now() != "000000" else "111111")
    person.button("Turn on two-step verification")
    expect(page.locator("#totp-code-error")).to_contain_text("This code is not right")
    expect(page.get_by_label("Code", exact=True)).to_have_attribute("aria-invalid", "true")

    person.fill("Code", totp.now())
    person.button("Turn on two-step verification")
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    person.link("I have stored them: go to my overview")
    page.wait_for_url("**/mijn")
    person.button("Log out")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")

    page.goto("/inloggen")
    person.fill("E-mail address", organiser.email)
    person.fill("Password", PASSWORD)
    person.button("Log in")
    page.wait_for_url("**/inloggen/code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.goto("/mijn")  # the password alone has not logged in
    page.wait_for_url("**/inloggen?next=%2Fmijn")
    page.goto("/inloggen/code")
    # The next time step's code: the one used to set up is not accepted a second time.
    person.fill("Code", totp.at(time.time() + 30))
    person.button("Log in")
    page.wait_for_url("**/mijn")
    expect(page.locator(".site-nav__who")).to_have_text(organiser.name)
