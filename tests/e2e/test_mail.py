"""Journey 7: a freed place is offered by e-mail; the person answers from the mail, without
logging in, and the confirmation brings the calendar invite. The mail goes through the real
worker into a folder of .eml files (the embedded default of `make run`)."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

import icalendar
import pytest
from playwright.sync_api import expect

from booking.enrolment import services
from booking.enrolment.models import Enrolment
from booking.notifications.filedrop import FileBackend
from booking.notifications.worker import drain

pytestmark = pytest.mark.e2e


def mails_to(folder, address: str) -> list:
    found = []
    for path in sorted(folder.glob("*.eml")):
        message = BytesParser(policy=policy.default).parse(path.open("rb"))
        if message["To"] == address:
            found.append(message)
    return found


def test_an_offer_is_accepted_from_the_mail(
    page, make, db_session, app, server, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "BASE_URL", server.url)  # links point at the live server
    course = make.course("Netwerken met LinkedIn")
    session = make.session(course, capacity={"in_person": 1}, promotion="offer")
    first, me = make.user(), make.user(language="nl")
    taken = services.enrol(session.id, first, actor=first).enrolment
    mine = services.enrol(session.id, me, actor=me).enrolment
    services.cancel(taken.id, actor=first)
    db_session.commit()
    assert mine.status == "offered"

    assert drain(backend=FileBackend(tmp_path)).failed == 0
    (offer,) = [
        m for m in mails_to(tmp_path, me.email) if "/aanbod/" in str(m.get_body(("plain",)))
    ]
    text = offer.get_body(("plain",)).get_content()
    accept = re.search(r"Plaats aannemen: (\S+)", text).group(1)
    assert accept.startswith(server.url)

    page.goto(accept)  # a fresh browser: nobody is logged in
    expect(page.get_by_role("heading", name="Aangeboden plaats")).to_be_visible()
    db_session.rollback()  # a fresh snapshot: the server wrote in its own connection
    assert db_session.get(Enrolment, mine.id).status == "offered"  # opening changed nothing
    page.get_by_role("button", name="Plaats aannemen").click()
    expect(page.locator("[data-status=confirmed]")).to_contain_text("aangenomen")
    db_session.rollback()  # a fresh snapshot: the server wrote in its own connection
    assert db_session.get(Enrolment, mine.id).status == "confirmed"

    assert drain(backend=FileBackend(tmp_path)).sent >= 1
    confirmed = [m for m in mails_to(tmp_path, me.email) if "bevestigd" in str(m["Subject"])]
    assert len(confirmed) == 1
    part = next(p for p in confirmed[0].walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]).startswith(f"enrolment-{mine.id}@")
    assert str(event["ATTENDEE"]) == f"mailto:{me.email}"
