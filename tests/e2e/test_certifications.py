"""Journey (issue 10): an organiser takes the attendance of the last meeting of a
Projectassistent edition whose first meeting was already recorded, marks everyone present;
the participant finds the certificate on their page and in their mail (a PDF attached), and a
stranger, not logged in, checks its code on the verification page.

Screenshots of each step go to /tmp/shots/ (not part of the repository)."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from booking.accounts.models import Role
from booking.attendance import services as attendance
from booking.attendance.services import Entry
from booking.certifications import services as certifications
from booking.certifications.models import Award, CompletionRule
from booking.certifications.services import CertificationInput, Kind
from booking.core.db import atomic, utcnow
from booking.demo.webinars import move_back
from booking.enrolment import services as enrolment
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render
from booking.scheduling.services import MeetingData, SessionData, schedule_session

pytestmark = pytest.mark.e2e
SHOTS = Path(tempfile.gettempdir()) / "shots"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"certifications-{name}.png"), full_page=True)


def _edition_at_its_last_meeting(make, db_session, organiser):
    """Two meetings a week apart, the second begun half an hour ago, the first recorded
    attended for both participants; a certification for the course (every meeting, 24
    months). Planned ahead and moved back, as the demo history is."""
    course = make.course(title="Projectassistent", certified=True)
    atomic(
        certifications.define,
        CertificationInput(
            name_nl="Projectassistent",
            name_en="Project assistant",
            course_ids=[course.id],
            rule=CompletionRule.ALL_MEETINGS,
            validity_months=24,
        ),
        actor=organiser,
    )
    venue = make.physical_venue()
    first = make.future(10, 9)
    last = first + timedelta(days=7)
    session = schedule_session(
        SessionData(
            course_id=course.id,
            mode="physical",
            capacity={"in_person": 10},
            meetings=[
                MeetingData(first, first + timedelta(hours=7)),
                MeetingData(last, last + timedelta(hours=7)),
            ],
            venue_id=venue.id,
            room_id=venue.rooms[0].id,
        )
    )
    people = [make.user() for _ in range(2)]
    places = [enrolment.enrol(session.id, p, actor=p).enrolment for p in people]
    move_back(session, last - utcnow() + timedelta(minutes=30))
    db_session.commit()
    meetings = sorted(session.meetings, key=lambda m: m.starts_at)
    atomic(
        attendance.record,
        session.id,
        meetings[0].id,
        [Entry(place.id, "attended") for place in places],
        actor=organiser,
    )
    return session, meetings[-1], people


def test_a_certificate_follows_from_attendance_and_anyone_can_verify_it(
    page, make, db_session, log_in, new_context
):
    organiser = make.user(Role.ORGANISER)
    session, last, people = _edition_at_its_last_meeting(make, db_session, organiser)
    holder = people[0]
    assert db_session.scalar(select(Award.id)) is None  # one meeting is not all of them

    # The organiser marks everyone present at the last meeting.
    log_in(page, organiser.email)
    page.goto(f"/presentie/sessies/{session.id}/bijeenkomsten/{last.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bijeenkomst 2 van 2")
    _shot(page, "1-attendance-list")
    page.get_by_role("button", name="Iedereen aanwezig").click()
    expect(page.get_by_role("status").first).to_contain_text("2 personen vastgelegd.")
    _shot(page, "2-everyone-present")

    db_session.rollback()
    awards = db_session.scalars(select(Award).order_by(Award.user_id)).all()
    assert {a.user_id for a in awards} == {p.id for p in people}
    award = next(a for a in awards if a.user_id == holder.id)
    assert award.status(utcnow()) == "valid"

    # The holder's mail: the certificate as a PDF attachment.
    message = db_session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.user_id == holder.id, OutboxMessage.kind == Kind.AWARDED
        )
    ).one()
    rendered = render(message)
    pdfs = [f for f in rendered.files if f.content_type == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].data.startswith(b"%PDF")

    # The holder's own page lists it, with its code.
    mine = new_context().new_page()
    log_in(mine, holder.email)
    mine.goto("/mijn/certificaten")
    row = mine.locator(f'tr[data-award="{award.id}"]')
    expect(row).to_have_attribute("data-status", "valid")
    expect(row.get_by_role("rowheader")).to_have_text("Projectassistent")
    expect(row.get_by_role("link", name=award.code)).to_be_visible()
    _shot(mine, "3-my-certificates")

    # A stranger, not logged in, checks the code.
    stranger = new_context().new_page()
    stranger.goto(f"/verify/{award.code}")
    expect(stranger.locator("#verification")).to_have_attribute("data-status", "valid")
    expect(stranger.get_by_role("status")).to_contain_text("Geldig")
    expect(stranger.locator("#holder")).to_have_text(holder.name)
    expect(stranger.locator("#certification")).to_have_text("Projectassistent")
    _shot(stranger, "4-verified")
