"""Journey (issue 11): on a fresh database an administrator adds an organisation and a team,
a team leader and a participant, then imports a CSV file: first the dry run with its refused
line, then the import. In English (the administrator's own language), with CSRF on.

Screenshots of the main steps go to /tmp/shots/ (not part of the repository)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from booking.accounts.models import Team, User
from booking.accounts.services import user_by_email
from booking.core.models import AuditEntry

pytestmark = pytest.mark.e2e
SHOTS = Path(tempfile.gettempdir()) / "shots"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"admin-people-{name}.png"), full_page=True)


def test_an_administrator_sets_up_an_organisation_and_imports_people(
    page, make, db_session, log_in, tmp_path
):
    admin = make.user("admin", email="beheer@centrum.nl", language="en")
    db_session.commit()
    log_in(page, admin.email)

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Staff").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff")
    page.get_by_role("link", name="Organisations and teams").click()
    page.get_by_label("Name").fill("Gemeente Vlaardingen")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Vlaardingen")

    page.get_by_role("textbox", name="Name").first.fill("Wijkteam")
    page.locator("#team-form").get_by_role("button", name="Add team").click()
    expect(page.locator("#teams")).to_contain_text("Wijkteam")

    # a team leader, refused first without a team, then with it
    page.get_by_role("link", name="Add a person to this organisation").click()
    expect(page.get_by_label("Organisation")).to_have_value(re.compile(r"^\d+$"))
    page.get_by_label("E-mail address").fill("leider@vlaardingen.nl")
    page.get_by_label("Name").fill("Lotte Leider")
    page.get_by_label("Role").select_option(label="Team leader")
    page.get_by_role("button", name="Add person").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("A team leader needs the team they lead.")
    _shot(page, "person-refused")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Team", exact=True)).to_be_focused()
    page.get_by_label("Team", exact=True).select_option(label="Wijkteam")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lotte Leider")
    expect(page.locator("#person-status")).to_have_text("Active")

    page.goto("/beheer/mensen/nieuw")
    page.get_by_label("E-mail address").fill("deelnemer@vlaardingen.nl")
    page.get_by_label("Name").fill("Daan Deelnemer")
    page.get_by_label("Organisation").select_option(label="Gemeente Vlaardingen")
    page.get_by_label("Team", exact=True).select_option(label="Wijkteam")
    page.get_by_label("Education level").select_option("hbo")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Daan Deelnemer")

    # the CSV upload: a dry run first, nothing written
    csv = tmp_path / "mensen.csv"
    csv.write_text(
        "email;name;organisation;team;role;education_level\n"
        "nieuw@vlaardingen.nl;Nina Nieuw;Gemeente Vlaardingen;Wijkteam;participant;mbo\n"
        "deelnemer@vlaardingen.nl;Daan Deelnemer;Gemeente Vlaardingen;Wijkteam;participant;hbo\n"
        "kapot;Iemand;Gemeente Vlaardingen;;participant;\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Staff").first.click()
    page.get_by_role("link", name="Import from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Check the file").click()
    expect(
        page.get_by_role("heading", name=re.compile("nothing has been written yet"))
    ).to_be_visible()
    expect(page.locator('[data-count="created"]')).to_have_text("1")
    expect(page.locator('[data-count="unchanged"]')).to_have_text("1")
    expect(page.locator('[data-count="rejected"]')).to_have_text("1")
    expect(page.locator('#import-problems tr[data-line="4"]')).to_contain_text("email")
    _shot(page, "dry-run")
    db_session.commit()  # a new snapshot: the server wrote meanwhile
    assert user_by_email("nieuw@vlaardingen.nl") is None

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import done")
    expect(page.locator("#import-summary")).to_have_text(
        "Created 1, updated 0, unchanged 1, refused 1."
    )

    page.get_by_role("link", name="Staff").last.click()
    page.get_by_label("Name or e-mail address").fill("vlaardingen")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#people-count")).to_have_text("3 people found.")
    _shot(page, "list")

    db_session.commit()  # a new snapshot: the server wrote meanwhile
    team = db_session.scalar(select(Team).where(Team.name == "Wijkteam"))
    leader = user_by_email("leider@vlaardingen.nl")
    assert leader.role == "team_leader" and leader in team.leaders
    assert user_by_email("nieuw@vlaardingen.nl").team_id == team.id
    actions = sorted(e.action for e in db_session.scalars(select(AuditEntry)))
    assert actions == [
        "account.invited",  # each new person is mailed a link to choose a password
        "account.invited",
        "account.invited",
        "organisation.created",
        "person.created",
        "person.created",
        "person.created",
        "team.created",
    ]
    assert db_session.scalar(select(User).where(User.email == "kapot")) is None
