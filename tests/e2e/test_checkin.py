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
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

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
    assert [(f.text, f.format) for f in found] == [(code, zxingcpp.BarcodeFormat.QRCode)]

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


def y4m_of(png: bytes, path, width: int = 640, height: int = 480) -> None:
    """A still video (grey YUV 4:2:0) of the QR image, as Chromium's fake camera reads it."""
    image = Image.open(io.BytesIO(png)).convert("L")
    image.thumbnail((height - 40, height - 40))
    frame = Image.new("L", (width, height), 255)
    frame.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(5):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


def test_the_camera_scans_a_code(browser, server, course, log_in, tmp_path):
    """Chromium's fake camera shows the participant's QR code; the page decodes it itself
    (BarcodeDetector or the vendored jsQR) and checks them in."""
    session, organiser, person, place = course
    video = tmp_path / "qr.y4m"
    y4m_of(checkin.qr_png(checkin.code_for(place.id)), video)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    camera = browser.browser_type.launch(executable_path=str(CHROMIUM), args=args)
    try:
        context = camera.new_context(base_url=server.url, locale="nl-NL")
        context.grant_permissions(["camera"], origin=server.url)
        trainer = context.new_page()
        log_in(trainer, organiser.email)
        trainer.goto(f"/beheer/sessies/{session.id}/inchecken")
        trainer.locator("#checkin-start").click()
        expect(trainer.locator("#checkin-result")).to_contain_text(person.name, timeout=15_000)
        expect(trainer.locator("#checkin-result")).to_have_attribute("data-ok", "yes")
        context.close()
    finally:
        camera.close()
        server.wait_idle()
