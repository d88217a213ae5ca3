"""Check-in in Chromium: the participant's course page shows their QR code (the SVG as the
browser draws it decodes to their code), and the organiser types that code on the check-in
page (the script posts it) and sees the participant's name."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from booking.accounts.models import Role
from booking.attendance import checkin
from booking.enrolment import services as enrolment
from booking.extensions import db

pytestmark = pytest.mark.e2e


@pytest.fixture
def course(make, db_session, monkeypatch):
    organiser = make.user(Role.ORGANISER)
    start = make.future(3, 9)
    session = make.session(start=start)
    person = make.user()
    place = enrolment.enrol(session.id, person, actor=person).enrolment
    db.session.commit()
    monkeypatch.setattr(checkin, "utcnow", lambda: start + timedelta(minutes=5))
    return session, organiser, person, place


def test_participant_shows_the_code_and_the_organiser_checks_them_in(
    page, new_context, course, log_in
):
    session, organiser, person, place = course
    code = checkin.code_for(place.id)

    log_in(page, person.email)
    page.goto(f"/cursussen/{session.course.slug}")
    qr = page.locator("[data-checkin-code] svg")
    expect(qr).to_be_visible()
    expect(page.locator("[data-checkin-code] figcaption")).to_have_text(code)
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert [f.text for f in found] == [code]

    trainer = new_context().new_page()
    log_in(trainer, organiser.email)
    trainer.goto(f"/beheer/sessies/{session.id}/deelnemers")
    trainer.locator("#check-in").click()
    expect(trainer.locator("#checkin-code")).to_be_visible()
    trainer.locator("#checkin-code").fill(code.lower())
    with trainer.expect_response(lambda r: r.url.endswith("/inchecken/json")) as answer:
        trainer.locator("#checkin-code").press("Enter")
    assert answer.value.status == 200
    expect(trainer.locator("#checkin-result")).to_contain_text(person.name)
    expect(trainer.locator("#checkin-result")).to_have_attribute("data-ok", "yes")
    expect(trainer.locator("#checkin-code")).to_have_value("")

    trainer.locator("#checkin-code").fill("ABCD-EFGH-JKMN")
    trainer.locator("#checkin-code").press("Enter")
    expect(trainer.locator("#checkin-result")).to_have_attribute("data-ok", "no")
