"""Journey (issue 10): on a phone, an organiser opens the attendance of a meeting that has
started, marks everyone present with one button, corrects the one who did not come, names a
trainer; the trainer finds the session on their overview and opens the same list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from booking.accounts.models import Role
from booking.attendance.models import AttendanceRecord
from booking.core.db import utcnow
from booking.demo.webinars import move_back
from booking.enrolment import services as enrolment
from booking.scheduling.services import MeetingData, SessionData, schedule_session

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def _started_course(make, db_session):
    """A course of two meetings whose first began half an hour ago (planned ahead, filled,
    then moved back, as the demo history is: the services refuse to plan the past)."""
    venue = make.physical_venue()
    first = make.future(10, 9)
    session = schedule_session(
        SessionData(
            course_id=make.course(title="Projectassistent").id,
            mode="physical",
            capacity={"in_person": 10},
            meetings=[
                MeetingData(first, first + timedelta(hours=7)),
                MeetingData(first + timedelta(days=7), first + timedelta(days=7, hours=7)),
            ],
            venue_id=venue.id,
            room_id=venue.rooms[0].id,
        )
    )
    people = [make.user() for _ in range(3)]
    places = [enrolment.enrol(session.id, p, actor=p).enrolment for p in people]
    move_back(session, first - utcnow() + timedelta(minutes=30))
    db_session.commit()
    return session, people, places


def test_an_organiser_takes_attendance_on_a_phone(page, make, db_session, log_in, new_context):
    organiser = make.user(Role.ORGANISER)
    trainer = make.user()
    session, people, places = _started_course(make, db_session)
    page.set_viewport_size(PHONE)
    log_in(page, organiser.email)
    page.goto("/presentie")
    page.locator(f'tr[data-session="{session.id}"]').get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Presentie van Projectassistent")
    page.locator("#meetings").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bijeenkomst 1 van 2")

    page.get_by_role("button", name="Iedereen aanwezig").click()
    expect(page.get_by_role("status").first).to_contain_text("3 personen vastgelegd.")
    absent = page.get_by_role("group", name=people[1].name)
    expect(absent.get_by_role("radio", name="Aanwezig")).to_be_checked()
    absent.get_by_role("radio", name="Afwezig").check()
    page.get_by_role("button", name="Presentie opslaan").click()
    expect(page.locator(f'li[data-enrolment="{places[1].id}"]')).to_have_attribute(
        "data-status", "absent"
    )
    db_session.rollback()
    statuses = dict(
        db_session.execute(select(AttendanceRecord.enrolment_id, AttendanceRecord.status)).all()
    )
    assert statuses == {places[0].id: "attended", places[1].id: "absent", places[2].id: "attended"}

    page.get_by_role("link", name="Projectassistent").click()
    page.get_by_label("E-mailadres van de trainer").fill(trainer.email)
    page.get_by_role("button", name="Trainer toevoegen").click()
    expect(page.locator("#trainers")).to_contain_text(trainer.name)

    other = new_context().new_page()
    other.set_viewport_size(PHONE)
    log_in(other, trainer.email)
    other.locator("#training").get_by_role("link", name="Projectassistent").click()
    expect(other.locator("#add-trainer")).to_have_count(0)
    other.locator("#meetings").get_by_role("link").first.click()
    expect(
        other.get_by_role("group", name=people[1].name).get_by_role("radio", name="Afwezig")
    ).to_be_checked()
