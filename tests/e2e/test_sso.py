"""Journey: a member of staff signs in through their organisation's identity provider (the
loopback OpenID provider of tests/oidc_provider.py, with its own login form) and lands on
their overview."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from booking.accounts.sso_models import IdentityProvider
from tests.e2e.test_keyboard import tab_until
from tests.oidc_provider import CLIENTS

pytestmark = pytest.mark.e2e


def organisation_with_provider(make, db_session, oidc_provider, name):
    org = make.organisation(name)
    db_session.add(
        IdentityProvider(
            organisation_id=org.id,
            issuer=oidc_provider.issuer,
            client_id="booking-a",
            client_secret=CLIENTS["booking-a"],
            require_sso=True,
        )
    )
    return org


def test_a_person_signs_in_through_their_organisation(
    page, context, server, make, db_session, oidc_provider
):
    org = organisation_with_provider(make, db_session, oidc_provider, "Gemeente Eedorp")
    make.organisation("Gemeente Zonder Inlog")
    person = make.user(org=org, email="kim@eedorp.nl", password=None, language="en")
    db_session.commit()
    oidc_provider.add_user("kim.eedorp", "kim@eedorp.nl")
    # English, the source language: the Dutch texts arrive with the merged catalogue.
    context.add_cookies([{"name": "lang", "value": "en", "url": server.url}])

    page.goto("/inloggen")
    expect(page.locator(".sso-choice a")).to_have_count(1)  # organisations with a provider
    page.get_by_role("link", name="Log in through Gemeente Eedorp", exact=True).click()

    # The provider's own login form, on its own address.
    page.wait_for_url(f"{oidc_provider.issuer}/interaction/**")
    page.locator("input[name=login]").fill("kim.eedorp")
    page.locator("input[name=password]").fill("whatever the provider asks")
    page.get_by_role("button", name="Sign-in").click()

    page.wait_for_url(f"{server.url}/mijn")
    expect(page.locator(".site-nav__who")).to_have_text(person.name)
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.name)


def test_with_the_keyboard_only_on_a_phone(page, context, server, make, db_session, oidc_provider):
    """The same journey at a phone's width, without a mouse: Tab, arrow keys and Enter."""
    organisation_with_provider(make, db_session, oidc_provider, "Gemeente Aadorp")
    org = organisation_with_provider(make, db_session, oidc_provider, "Gemeente Fedorp")
    person = make.user(org=org, email="noor@fedorp.nl", password=None, language="en")
    db_session.commit()
    oidc_provider.add_user("noor", "noor@fedorp.nl")
    context.add_cookies([{"name": "lang", "value": "en", "url": server.url}])
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto("/inloggen")
    link = page.get_by_role("link", name="Log in through Gemeente Fedorp", exact=True)
    tab_until(page, link)  # past Aadorp's
    expect(link).to_have_attribute("href", re.compile(rf"/inloggen/sso/{org.id}(\?|$)"))
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375  # not off the screen
    page.keyboard.press("Enter")

    page.wait_for_url(f"{oidc_provider.issuer}/interaction/**")
    expect(page.locator("input[name=login]")).to_be_focused()  # the provider's autofocus
    page.keyboard.type("noor")
    page.keyboard.press("Tab")
    page.keyboard.type("any password")
    page.keyboard.press("Enter")

    page.wait_for_url(f"{server.url}/mijn")
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.name)
