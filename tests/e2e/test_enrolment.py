"""Journey 6: a participant enrols, lands on the waitlist, and the team leader approves."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from booking.accounts.models import Role

pytestmark = pytest.mark.e2e


def test_enrol_waitlist_cancel_and_promotion(page, make, db_session, log_in, new_context):
    course = make.course("Netwerken met LinkedIn")
    session = make.session(course, mode="hybrid", capacity={"in_person": 1, "online": 5})
    first, second = make.user(), make.user()
    db_session.commit()

    log_in(page, first.email)
    page.goto(f"/cursussen/{course.slug}")
    card = page.locator(f"#sessie-{session.id}")
    card.get_by_role("button", name="Inschrijven op locatie").click()
    card = page.locator(f"#sessie-{session.id}")
    expect(card).to_contain_text("Bevestigd (op locatie)")
    expect(card).to_contain_text("Vol op locatie")

    other = new_context().new_page()
    log_in(other, second.email)
    other.goto(f"/cursussen/{course.slug}")
    other_card = other.locator(f"#sessie-{session.id}")
    # In person is full, online is free: both choices are offered.
    expect(
        other_card.get_by_role(
            "button", name="Nu een online plaats nemen en op de wachtlijst voor op locatie blijven"
        )
    ).to_be_visible()
    other_card.get_by_role("button", name="Op de wachtlijst op locatie").click()
    expect(other.locator(f"#sessie-{session.id}")).to_contain_text("nummer 1")

    # The first cancels; the place goes to the second in the same transaction.
    page.goto(f"/cursussen/{course.slug}")
    mine = page.locator(f"#sessie-{session.id}")
    mine.get_by_role("button", name="Mijn plaats annuleren").click()
    expect(page.locator(f"#sessie-{session.id}")).not_to_contain_text("Bevestigd")
    other.goto("/mijn")
    expect(other.get_by_role("main")).to_contain_text("Netwerken met LinkedIn")
    expect(other.get_by_role("main")).to_contain_text("Bevestigd (op locatie)")


def test_team_leader_approves_a_request(page, make, db_session, log_in, new_context):
    leader = make.user(Role.TEAM_LEADER)
    member = make.user(team_=leader.team)
    course = make.course("Projectassistent", requires_approval=True)
    session = make.session(course, capacity={"in_person": 3})
    db_session.commit()

    log_in(page, member.email)
    page.goto(f"/cursussen/{course.slug}")
    page.locator(f"#sessie-{session.id}").get_by_role("button", name="Inschrijven").click()
    expect(page.locator(f"#sessie-{session.id}")).to_contain_text("Wacht op goedkeuring")

    boss = new_context().new_page()
    log_in(boss, leader.email)
    boss.goto("/mijn-team")
    request = boss.get_by_role("heading", name=f"{member.name} – Projectassistent")
    expect(request).to_be_visible()
    boss.get_by_role("button", name="Goedkeuren").click()
    expect(boss.get_by_role("main")).to_contain_text("goedgekeurd")

    page.goto(f"/cursussen/{course.slug}")
    expect(page.locator(f"#sessie-{session.id}")).to_contain_text("Bevestigd (op locatie)")
