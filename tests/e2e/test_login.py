"""Journey 3: log-in errors, log-in, log-out, and a copied session cookie after log-out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from booking.accounts.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_wrong_password_is_explained_at_the_field(page, make, db_session):
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(person.email)
    page.get_by_label("Wachtwoord").fill("not the password at all")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Inloggen").click()
    assert answer.value.status == 422
    assert page.url.endswith("/inloggen")
    password = page.get_by_label("Wachtwoord")
    expect(password).to_have_attribute("aria-invalid", "true")
    described_by = (password.get_attribute("aria-describedby") or "").split()
    assert "password-error" in described_by  # read out with the field
    expect(page.locator("#password-error")).to_have_text(
        "Dit e-mailadres en wachtwoord komen niet overeen."
    )
    expect(password).to_have_value("")  # a password is never sent back
    expect(page.get_by_label("E-mailadres")).to_have_value(person.email)
    assert page.get_by_label("E-mailadres").get_attribute("aria-invalid") in (None, "false")
    expect(page.get_by_role("link", name="Mijn overzicht")).to_have_count(0)


def test_log_in_log_out_and_the_old_cookie_stops_working(
    page, context, new_context, make, db_session
):
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(person.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/mijn")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welkom, {person.name}")
    expect(page.locator(".site-nav__who")).to_have_text(person.name)

    # The session cookie, as someone who got hold of it would copy it.
    cookies = [c for c in context.cookies() if c["name"] == "session"]
    assert len(cookies) == 1
    assert cookies[0]["httpOnly"] is True
    copy = new_context()
    copy.add_cookies(cookies)
    other_device = copy.new_page()
    other_device.goto("/mijn")
    expect(other_device.get_by_role("heading", level=1)).to_have_text(f"Welkom, {person.name}")

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Trainingen en evenementen")
    expect(page.get_by_role("status").filter(has_text="Je bent uitgelogd.")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    expect(page.get_by_role("navigation").get_by_role("link", name="Inloggen")).to_be_visible()
    page.goto("/mijn")
    page.wait_for_url("**/inloggen?next=%2Fmijn")

    # The copy taken before log-out is refused too, in a fresh context.
    fresh = new_context()
    fresh.add_cookies(cookies)
    replay = fresh.new_page()
    replay.goto("/mijn")
    replay.wait_for_url("**/inloggen?next=%2Fmijn")
    expect(replay.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(replay.get_by_text(f"Welkom, {person.name}")).to_have_count(0)
    # And so is the other device that already used it.
    other_device.goto("/mijn")
    other_device.wait_for_url("**/inloggen?next=%2Fmijn")
