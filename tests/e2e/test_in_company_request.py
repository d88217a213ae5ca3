"""Journey: a team leader finds the DISC training, given only in company, in the catalogue
and asks for it for their team from its page; the organiser sees the request."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from booking.accounts.models import Role

pytestmark = pytest.mark.e2e


def test_team_leader_requests_the_disc_training(page, make, db_session, log_in, new_context):
    team = make.team(make.organisation("Gemeente Vlaardingen"), "Openbaar Groen")
    leader = make.user(Role.TEAM_LEADER, team_=team)
    organiser = make.user(Role.ORGANISER)
    make.course(
        "DISC teamtraining",
        format="training",
        summary="Inzicht in jezelf en je team met het DISC-model.",
        in_company_only=True,
    )
    db_session.commit()

    log_in(page, leader.email)
    page.goto("/")
    card = page.get_by_role("listitem").filter(has_text="DISC teamtraining")
    expect(card).to_contain_text("Op aanvraag")
    card.get_by_role("link", name="DISC teamtraining").click()
    expect(page.get_by_role("heading", name="Op aanvraag, voor je team")).to_be_visible()

    page.get_by_label("Aantal deelnemers").fill("0")
    page.get_by_role("button", name="Deze training aanvragen").click()
    expect(page.get_by_text("Geef het aantal deelnemers.").first).to_be_visible()

    page.get_by_label("Aantal deelnemers").fill("14")
    page.get_by_label("Gewenste periode").fill("Twee ochtenden in maart")
    page.get_by_label("Opmerking voor de organisatoren").fill("Buitendienst, vroeg beginnen")
    page.get_by_role("button", name="Deze training aanvragen").click()
    expect(page.get_by_role("status").first).to_contain_text("is naar de organisatoren gestuurd")
    expect(page.get_by_text("voor 14 personen")).to_be_visible()

    other = new_context().new_page()
    log_in(other, organiser.email)
    other.goto("/beheer/incompany")
    expect(other.get_by_role("table")).to_contain_text("DISC teamtraining")
    expect(other.get_by_role("table")).to_contain_text("Buitendienst, vroeg beginnen")
