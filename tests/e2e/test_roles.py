"""Journey 5: what the menu offers and which pages open depends on a person's role."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from booking.accounts.models import Role

pytestmark = pytest.mark.e2e

ORGANISER_ITEMS = ("Cursussen", "Sessies", "Locaties")


def main_menu(page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def test_team_leader_sees_their_team(page, make, db_session, log_in):
    organisation = make.organisation("Gemeente Maassluis")
    team = make.team(organisation, "Burgerzaken")
    leader = make.user(Role.TEAM_LEADER, team_=team)
    members = [make.user(Role.PARTICIPANT, team_=team) for _ in range(2)]
    outsider = make.user(Role.PARTICIPANT, team_=make.team(organisation, "Sport"))
    db_session.commit()

    log_in(page, leader.email)
    menu = main_menu(page)
    for item in ORGANISER_ITEMS:
        expect(menu.get_by_role("link", name=item, exact=True)).to_have_count(0)
    menu.get_by_role("link", name="Mijn team").click()
    page.wait_for_url("**/mijn-team")
    expect(menu.get_by_role("link", name="Mijn team")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team Burgerzaken")
    table = page.get_by_role("table")
    for member in members:
        row = table.get_by_role("row").filter(has_text=member.email)
        expect(row).to_contain_text(member.name)
        expect(row).to_contain_text("Deelnemer")
    expect(table).not_to_contain_text(outsider.email)


def test_participant_has_no_organiser_menu_and_gets_403_on_organiser_pages(
    page, make, db_session, log_in
):
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    log_in(page, person.email)
    menu = main_menu(page)
    expect(menu.get_by_role("link", name="Mijn overzicht")).to_be_visible()
    for item in (*ORGANISER_ITEMS, "Mijn team"):
        expect(menu.get_by_role("link", name=item, exact=True)).to_have_count(0)

    for path in ("/beheer/sessies", "/beheer/sessies/nieuw", "/beheer/locaties/nieuw"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Je hebt geen toegang tot deze pagina"
        )
        expect(page.get_by_role("link", name="Terug naar de catalogus")).to_be_visible()


def test_anonymous_visitor_is_sent_to_log_in_for_organiser_pages(page):
    page.goto("/beheer/sessies")
    page.wait_for_url("**/inloggen?next=%2Fbeheer%2Fsessies")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
