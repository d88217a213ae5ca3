"""WCAG 2.1 AA over every page of the key journeys: each role, both languages, two widths.

For each entry of `pages.PAGES`, each role that opens it and each language, the page is opened
in Chromium at desktop width (1280 CSS px) and at phone width (390), and at each width:
axe-core finds no violation of the tags in `probes.AXE_TAGS`; no id is used twice; every
target is at least 24 by 24 CSS px (links inside a sentence excepted); on English pages every
Dutch-only text is marked `lang="nl"`; at desktop width, focusing each interactive element
draws an outline.
"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import update

from booking.accounts.models import User
from booking.core.db import atomic
from booking.extensions import db
from tests.e2e.a11y import probes
from tests.e2e.a11y.pages import (
    ANONYMOUS,
    EMAILS,
    EXCLUDED,
    EXCLUDED_PREFIXES,
    PAGES,
    PASSWORD,
    Demo,
)
from tests.e2e.conftest import _open_context

pytestmark = pytest.mark.e2e

LANGUAGES = ("nl", "en")
ERROR_PREFIX = {"nl": "Fout: ", "en": "Error: "}
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
RUNS = [
    pytest.param(entry, role, language, id=f"{entry.name}-{role}-{language}")
    for entry in PAGES
    for role in entry.roles
    for language in LANGUAGES
]


@pytest.fixture(scope="module")
def demo_ids(demo, app):
    with app.app_context():
        ids = Demo()
        db.session.remove()
    return ids


@pytest.fixture(scope="module")
def signed_in(browser, server, demo):
    """Each role's cookies after one real log-in through the form, reused by its tests."""
    states = {}

    def state_of(role: str):
        if role not in states:
            ctx = _open_context(browser, server)
            page = ctx.new_page()
            page.goto("/inloggen")
            page.locator("input[type=email]").fill(EMAILS[role])
            page.locator("input[type=password]").fill(PASSWORD)
            page.locator("main form button[type=submit]").first.click()
            page.wait_for_url("**/mijn")
            states[role] = ctx.storage_state()
            ctx.close()
        return states[role]

    return state_of


def _url(server, entry, demo_ids) -> str:
    with server.app.test_request_context():
        args = entry.args(demo_ids)
        if entry.prepare:
            args |= atomic(entry.prepare, demo_ids, attempts=1)
            db.session.remove()
        path = url_for(entry.endpoint, **args)
    return path + (f"?{entry.query}" if entry.query else "")


def check_page(page, language: str, dutch_texts: list[str], width: str) -> list[str]:
    """Every problem the page has at its current width, as readable lines."""
    problems = []
    for v in page.evaluate(probes.RUN_AXE, probes.AXE_TAGS):
        problems.append(f"[{width}] axe {v['id']} ({v['impact']}, {v['count']}x): {v['help']}")
        problems.extend(f"    {node}" for node in v["nodes"])
    for duplicate in page.evaluate(probes.DUPLICATE_IDS):
        problems.append(f"[{width}] id used more than once: {duplicate}")
    for small in page.evaluate(probes.SMALL_TARGETS, probes.INTERACTIVE):
        problems.append(f"[{width}] target under 24x24 px: {small}")
    if language == "en":
        for unmarked in page.evaluate(probes.UNMARKED_DUTCH, dutch_texts):
            problems.append(f'[{width}] Dutch text without lang="nl": {unmarked}')
    if width == "desktop":
        for element in page.evaluate(probes.NO_FOCUS_STYLE, probes.INTERACTIVE):
            problems.append(f"[{width}] no visible focus: {element}")
    return problems


@pytest.mark.parametrize(("entry", "role", "language"), RUNS)
def test_page_is_accessible(
    entry, role, language, context, server, demo_ids, signed_in, db_session
):
    if role == ANONYMOUS:
        context.add_cookies([{"name": "lang", "value": language, "url": server.url}])
    else:
        context.add_cookies(signed_in(role)["cookies"])
        db_session.execute(update(User).where(User.email == EMAILS[role]).values(language=language))
        db_session.commit()
    page = context.new_page()
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["desktop"], strict=True)))
    response = page.goto(_url(server, entry, demo_ids))
    assert response.status == entry.status, f"{entry.name} answered {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    if entry.action:
        entry.action(page, language, demo_ids)
    if entry.action and not entry.expects_errors:
        assert page.evaluate(probes.ERROR_SUMMARY) == {"found": False}
    elif entry.action:
        summary = page.evaluate(probes.ERROR_SUMMARY)
        assert summary["found"], f"{entry.name}: no error summary at {page.url}: {page.title()}"
        prefix = ERROR_PREFIX[language]
        assert summary["title"].startswith(prefix), summary["title"]
        assert not summary["title"].startswith(prefix * 2), summary["title"]  # said once
        assert summary["focused"] and summary["role"] == "alert", summary
        assert summary["items"] >= 1 and not summary["broken"], summary

    problems = []
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        # The page reacts to the resize (scroll-regions.js) before the next frames are drawn.
        page.evaluate(TWO_FRAMES)
        problems += check_page(page, language, demo_ids.dutch_texts, width)
    assert not problems, f"{page.url} as {role} in {language}:\n" + "\n".join(problems)


def test_every_html_page_is_listed(app):
    """A GET route renders a page the tests open, or is excluded here with its reason."""
    listed = {entry.endpoint for entry in PAGES}
    missing, stale = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        endpoint = rule.endpoint
        if endpoint in listed or endpoint in EXCLUDED:
            continue
        if any(endpoint.startswith(prefix) for prefix in EXCLUDED_PREFIXES):
            continue
        missing.append(f"{endpoint} {rule.rule}")
    known = {rule.endpoint for rule in app.url_map.iter_rules()}
    stale = sorted((listed | set(EXCLUDED)) - known)
    assert not missing, "GET routes without an entry in tests/e2e/a11y/pages.py:\n" + "\n".join(
        sorted(missing)
    )
    assert not stale, f"entries for endpoints that no longer exist: {stale}"


def test_every_role_and_both_widths_are_covered():
    roles = {role for entry in PAGES for role in entry.roles}
    assert roles == {ANONYMOUS, *EMAILS}
    assert len(RUNS) * len(WIDTHS) >= 300
