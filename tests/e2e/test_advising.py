"""Journey (issue 9): a member of staff books a career conversation from the menu, sees it
under their own conversations, and moves it; the advisor sees it in their agenda."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from booking.advising import advisors, services
from booking.advising.models import AdvisorBooking

pytestmark = pytest.mark.e2e


def test_a_member_of_staff_books_a_career_conversation(page, make, db_session, log_in, new_context):
    advisor = make.user("advisor", education_level=None)
    advisors.set_advisor(
        advisor,
        advisors.ProfileData(meeting_url="https://teams.example.nl/l/gesprek"),
        actor=advisor,
    )
    slots = []
    for hour in (10, 14):
        start = make.future(4, hour)
        slots.append(
            services.publish_slot(
                advisor,
                starts_at=start,
                ends_at=start + timedelta(minutes=45),
                mode="online",
                actor=advisor,
            )
        )
    person = make.user()
    db_session.commit()

    log_in(page, person.email)
    page.get_by_role("navigation").get_by_role("link", name="Loopbaangesprekken").click()
    expect(page.get_by_role("heading", name="Loopbaangesprekken", level=1)).to_be_visible()
    expect(page.locator("#mijn-gesprekken")).to_contain_text(
        "Je hebt geen loopbaangesprek geboekt."
    )
    page.locator(f"#tijd-{slots[0].id}").get_by_role("button").click()

    mine = page.locator("#mijn-gesprekken")
    expect(page.get_by_role("status")).to_contain_text("Je loopbaangesprek is geboekt.")
    expect(mine).to_contain_text(f"Met {advisor.name}")
    expect(mine.get_by_role("link", name="Vergaderlink")).to_have_attribute(
        "href", "https://teams.example.nl/l/gesprek"
    )
    expect(page.locator(f"#tijd-{slots[0].id}")).to_have_count(0)  # no longer free

    mine.get_by_label("Verplaatsen naar").select_option(str(slots[1].id))
    mine.get_by_role("button", name="Verplaatsen").click()
    expect(page.get_by_role("status")).to_contain_text("Je loopbaangesprek is verplaatst.")
    db_session.rollback()
    booking = db_session.query(AdvisorBooking).one()
    assert booking.slot_id == slots[1].id and booking.user_id == person.id

    other = new_context().new_page()
    log_in(other, advisor.email)
    other.goto("/loopbaangesprekken/agenda")
    expect(other.locator(f"#tijd-{slots[1].id}")).to_contain_text(person.name)
    expect(other.locator(f"#tijd-{slots[0].id}")).to_contain_text("Vrij")
