"""Journey 2: keyboard use and accessible names of form controls."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from booking.accounts.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

CONTROLS = "input:not([type=hidden]), select, textarea"


def accessible_controls(page) -> list[dict]:
    """Every visible form control as Chromium's accessibility tree exposes it to a screen
    reader: id, role, computed accessible name, and whether it is announced as invalid."""
    page.wait_for_load_state("load")  # node ids of a document still being replaced go stale
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": CONTROLS})
        controls = []
        for node_id in found["nodeIds"]:
            node = cdp.send("DOM.describeNode", {"nodeId": node_id})["node"]
            attributes = dict(zip(node["attributes"][::2], node["attributes"][1::2], strict=True))
            ax = cdp.send(
                "Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False}
            )["nodes"][0]
            properties = {p["name"]: p["value"].get("value") for p in ax.get("properties", [])}
            controls.append(
                {
                    "id": attributes.get("id") or attributes.get("name"),
                    "role": ax.get("role", {}).get("value"),
                    "name": (ax.get("name", {}).get("value") or "").strip(),
                    "invalid": properties.get("invalid") not in (None, "false"),
                }
            )
        return controls
    finally:
        cdp.detach()


def unnamed_controls(page) -> tuple[list[dict], list[str]]:
    controls = accessible_controls(page)
    return controls, [c["id"] for c in controls if not c["name"]]


def tab_until(page, locator, limit: int = 30) -> int:
    """Press Tab until `locator` has focus; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"{locator} never got the focus in {limit} presses of Tab")


@pytest.mark.parametrize("path", ["/", "/inloggen"])
def test_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(page, path):
    page.goto(path)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visible on focus, for sighted keyboard users
    expect(skip).to_have_attribute("href", "#inhoud")
    page.keyboard.press("Enter")
    expect(page.locator("main#inhoud")).to_be_focused()
    # The next Tab continues inside the content, not back at the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_log_in_with_the_keyboard_only(page, make, db_session):
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    page.goto("/inloggen")
    email = page.get_by_label("E-mailadres")
    password = page.get_by_label("Wachtwoord")
    tab_until(page, email)
    page.keyboard.type(person.email)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Inloggen")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/mijn")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welkom, {person.name}")


def test_every_control_of_the_login_page_has_an_accessible_name(page):
    page.goto("/inloggen")
    controls, unnamed = unnamed_controls(page)
    assert len(controls) == 2
    assert unnamed == []
    expect(page.get_by_label("E-mailadres")).to_have_attribute("type", "email")
    expect(page.get_by_label("Wachtwoord")).to_have_attribute("type", "password")
    expect(page.get_by_label("Wachtwoord")).to_have_attribute(
        "aria-describedby", "password-description"
    )
    expect(page.locator("#password-description")).to_have_text("Minstens 12 tekens.")


@pytest.fixture
def session_form(page, make, db_session, log_in):
    """An organiser on the empty form to schedule a session, with choices to pick from."""
    organiser = make.user(Role.ORGANISER)
    make.course("Netwerken met LinkedIn")
    make.physical_venue("Stadskantoor", rooms=(("Zaal 1", 20), ("Zaal 2", 8)))
    make.online_venue("Teams")
    db_session.commit()
    log_in(page, organiser.email)
    page.goto("/beheer/sessies/nieuw")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessie plannen")
    return page


def test_every_control_of_the_session_form_has_an_accessible_name(session_form, tmp_path):
    page = session_form
    controls, unnamed = unnamed_controls(page)
    assert len(controls) > 20  # course, form, three meeting rows, places, enrolment, ...
    assert unnamed == []
    # The labels a person hears, and repeated labels told apart by their group.
    for label in (
        "Cursus",
        "Locatie en zaal",
        "Plaatsen op locatie",
        "Online locatie",
        "Plaatsen online",
        "Minimaal aantal deelnemers",
    ):
        expect(page.get_by_label(label, exact=True)).to_have_count(1)
    for number in (1, 2, 3):
        row = page.get_by_role("group", name=f"Bijeenkomst {number}")
        for label in ("Datum", "Van", "Tot"):
            expect(row.get_by_label(label, exact=True)).to_have_count(1)
    expect(page.get_by_role("radio", name="Hybride (op locatie of online)")).to_have_count(1)
    shot = tmp_path / "sessieformulier.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 5_000


DANGLING_DESCRIPTIONS = """() => Array.from(document.querySelectorAll('[aria-describedby]'))
  .flatMap(el => el.getAttribute('aria-describedby').split(/\\s+/)
    .filter(ref => !document.getElementById(ref)).map(ref => `${el.id} -> ${ref}`))"""


def test_fields_without_errors_are_not_announced_as_invalid(session_form):
    """Browsers treat any aria-invalid value but "false" as true (aria-invalid="None" was
    rendered on every field once), and an aria-describedby naming no element describes nothing."""
    page = session_form
    invalid = [c["id"] for c in accessible_controls(page) if c["invalid"]]
    assert invalid == []
    assert page.evaluate(DANGLING_DESCRIPTIONS) == []
    page.context.clear_cookies()
    page.goto("/inloggen")
    invalid = [c["id"] for c in accessible_controls(page) if c["invalid"]]
    assert invalid == []
    assert page.evaluate(DANGLING_DESCRIPTIONS) == []
    # After a failed attempt exactly the field with the message is announced as invalid.
    page.get_by_label("E-mailadres").fill("iemand@example.nl")
    page.get_by_label("Wachtwoord").fill("not the password at all")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("#password-error")).to_be_visible()
    assert [c["id"] for c in accessible_controls(page) if c["invalid"]] == ["password"]
    assert page.evaluate(DANGLING_DESCRIPTIONS) == []
