"""Check-in codes: the code round trip and its refusals (forged, another session's, a
cancelled place, before the start, after closing, a stranger), the QR images decode to the
code, the reminder mail carries the QR inline, the page's no-JS form and JSON endpoint."""

from __future__ import annotations

import email
import io
from datetime import timedelta
from email import policy

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from booking.attendance import checkin
from booking.attendance.models import AttendanceRecord, SessionClosure, SessionTrainer
from booking.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from booking.enrolment import services as enrolment
from booking.enrolment.messages.kinds import MessageKind
from booking.extensions import db
from booking.notifications.mime import build
from booking.notifications.render import render
from booking.notifications.services import queue
from tests.factories import login


def decode(image: Image.Image) -> str:
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code found"
    # A full QR code: segno.make would choose a Micro QR for short text, which phones'
    # decoders (BarcodeDetector, jsQR) do not read.
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def records(place) -> list[tuple[int, str, str]]:
    return [
        (r.meeting_id, r.status, r.source)
        for r in db.session.scalars(
            select(AttendanceRecord).where(AttendanceRecord.enrolment_id == place.id)
        )
    ]


@pytest.fixture
def started(two_meetings):
    two_meetings.now = two_meetings.first + timedelta(minutes=5)
    return two_meetings


def scan(course, code, *, actor=None, meeting=0, now=None):
    return checkin.check_in(
        code,
        course.meeting_ids[meeting],
        actor=actor or course.organiser,
        now=now or course.now,
    )


def test_code_round_trip(app):
    for place_id in (1, 30, 31, 12345, 2**31 - 1):
        code = checkin.code_for(place_id)
        assert not set(code.replace("-", "")) & set("01OIL")
        assert checkin.parse(code) == place_id
        assert checkin.parse(f"  {code.lower().replace('-', '')} ") == place_id
        assert checkin.parse(code.replace("-", " - ")) == place_id


def test_forged_and_altered_codes_are_refused(app):
    code = checkin.code_for(42)
    mac = code.replace("-", "")[-8:]
    assert checkin.parse(checkin.code_for(43).split("-")[0] + mac) is None  # another id
    last = code[-1]
    assert checkin.parse(code[:-1] + ("A" if last != "A" else "B")) is None
    assert checkin.parse("2" + code) is None  # a padded id: one spelling per place
    for junk in ("", "-", "0O1IL", "K7", "x" * 200, None):
        assert checkin.parse(junk) is None


def test_check_in_records_attended_once(started, db_session):
    place = started.places[0]
    assert scan(started, checkin.code_for(place.id)).id == place.id
    db_session.commit()
    assert records(place) == [(started.meeting_ids[0], "attended", "qr")]
    scan(started, checkin.code_for(place.id))  # a repeat scan: no change, no error
    db_session.commit()
    assert records(place) == [(started.meeting_ids[0], "attended", "qr")]


def test_unknown_and_forged_codes_404(started):
    with pytest.raises(NotFound) as error:
        scan(started, checkin.code_for(999_999))
    assert error.value.code == "unknown_code"
    forged = checkin.code_for(started.places[0].id)[:-1] + "Z"
    forged = forged if checkin.parse(forged) is None else forged[:-1] + "Y"
    with pytest.raises(NotFound) as error:
        scan(started, forged)
    assert error.value.code == "unknown_code"


def test_another_sessions_code_422(make, started):
    other = make.session(start=started.first)
    person = make.user()
    place = enrolment.enrol(other.id, person, actor=person).enrolment
    db.session.commit()
    with pytest.raises(ValidationError) as error:
        scan(started, checkin.code_for(place.id))
    assert error.value.code == "other_session"


def test_cancelled_place_422(started, db_session):
    place = started.places[1]
    enrolment.cancel(place.id, actor=place.user)
    db_session.commit()
    with pytest.raises(ValidationError) as error:
        scan(started, checkin.code_for(place.id))
    assert error.value.code == "not_confirmed"


def test_before_start_and_after_close_409(started, db_session):
    code = checkin.code_for(started.places[0].id)
    with pytest.raises(Conflict) as error:
        scan(started, code, now=started.first - timedelta(minutes=1))
    assert error.value.code == "not_started"
    db.session.rollback()
    db.session.add(SessionClosure(session_id=started.session.id, closed_at=started.now))
    db_session.commit()
    with pytest.raises(Conflict) as error:
        scan(started, code)
    assert error.value.code == "session_closed"


def test_trainer_allowed_stranger_refused(make, started, db_session):
    trainer, stranger = make.user(), make.user("team_leader")
    db.session.add(SessionTrainer(session_id=started.session.id, user_id=trainer.id))
    db_session.commit()
    code = checkin.code_for(started.places[2].id)
    with pytest.raises(PermissionDenied) as error:
        scan(started, code, actor=stranger)
    assert error.value.code == "not_a_trainer"
    db.session.rollback()
    assert scan(started, code, actor=trainer).id == started.places[2].id


def test_qr_png_decodes_to_the_code(app):
    """(The SVG is decoded from Chromium's rendering: tests/e2e/test_checkin.py.)"""
    code = checkin.code_for(777)
    assert decode(Image.open(io.BytesIO(checkin.qr_png(code)))) == code
    svg = checkin.qr_svg(code)
    assert svg.startswith("<svg") and "<path" in svg and code in svg  # its title names the code


def test_reminder_carries_the_qr_inline(started, db_session):
    place = started.places[0]
    message = queue(place.user, MessageKind.REMINDER, session=place.session, enrolment=place)
    db_session.commit()
    rendered = render(message)
    code = checkin.code_for(place.id)
    assert code in rendered.text
    cid = checkin.CONTENT_ID_PREFIX + code
    assert f'src="cid:{cid}"' in rendered.html
    parsed = email.message_from_bytes(
        build(message, rendered, "opleidingen@example.nl").as_bytes(), policy=policy.default
    )
    images = [p for p in parsed.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == f"<{cid}>"
    assert decode(Image.open(io.BytesIO(images[0].get_content()))) == code


def test_no_qr_in_an_online_reminder(make, db_session):
    session = make.session(mode="online")
    person = make.user()
    place = enrolment.enrol(session.id, person, actor=person).enrolment
    message = queue(person, MessageKind.REMINDER, session=session, enrolment=place)
    db_session.commit()
    rendered = render(message)
    assert not rendered.files and "cid:" not in rendered.html


# -- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def clock(started, monkeypatch):
    monkeypatch.setattr(checkin, "utcnow", lambda: started.now)
    return started


def test_course_page_shows_the_own_code_only(client, make, two_meetings, db_session):
    place = two_meetings.places[0]
    code = checkin.code_for(place.id)
    login(client, place.user)
    page = client.get(f"/cursussen/{two_meetings.session.course.slug}").get_data(as_text=True)
    assert "data-checkin-code" in page and code in page and "<svg" in page
    client.post("/uitloggen")
    other = two_meetings.places[1].user
    login(client, other)
    page = client.get(f"/cursussen/{two_meetings.session.course.slug}").get_data(as_text=True)
    assert code not in page and checkin.code_for(two_meetings.places[1].id) in page


def test_page_refuses_strangers(client, make, two_meetings):
    login(client, make.user())
    assert client.get(f"/beheer/sessies/{two_meetings.session.id}/inchecken").status_code == 403


def test_typed_code_through_the_plain_form(client, clock, db_session):
    place = clock.places[0]
    login(client, clock.organiser)
    url = f"/beheer/sessies/{clock.session.id}/inchecken"
    page = client.get(f"{url}?meeting={clock.meeting_ids[0]}")
    assert page.status_code == 200
    answer = client.post(
        url, data={"meeting": clock.meeting_ids[0], "code": checkin.code_for(place.id).lower()}
    )
    assert answer.status_code == 200 and place.user.name in answer.get_data(as_text=True)
    assert records(place) == [(clock.meeting_ids[0], "attended", "qr")]
    refused = client.post(url, data={"meeting": clock.meeting_ids[0], "code": "ABCD-EFGH-JKMN"})
    assert refused.status_code == 422


def test_json_endpoint(client, clock, db_session):
    place = clock.places[1]
    login(client, clock.organiser)
    url = f"/beheer/sessies/{clock.session.id}/inchecken/json"
    body = {"code": checkin.code_for(place.id), "meeting_id": clock.meeting_ids[0]}
    answer = client.post(url, json=body)
    assert answer.status_code == 200
    assert answer.get_json()["name"] == place.user.name and answer.get_json()["ok"]
    wrong = client.post(url, json={"code": "nonsense", "meeting_id": clock.meeting_ids[0]})
    assert wrong.status_code == 422 and wrong.get_json()["code"] == "unknown_code"


def test_the_codes_cost_no_query_per_place(client, make, db_session, count_queries):
    """The participant's overview shows a code per place from what its query loaded."""
    person = make.user()
    days = iter(range(5, 50, 3))  # no two places at one time

    def overview_with(places: int) -> int:
        for _ in range(places):
            session = make.session(start=make.future(next(days), 9))
            enrolment.enrol(session.id, person, actor=person)
        db_session.commit()
        login(client, person)
        count_queries.reset()
        page = client.get("/mijn").get_data(as_text=True)
        return len(count_queries), page.count("data-checkin-code")

    (one, shown_one), (four, shown_four) = overview_with(1), overview_with(3)
    assert (shown_one, shown_four) == (1, 4) and one == four


def test_a_team_leader_does_not_see_a_members_code(client, make, db_session):
    team = make.team()
    leader = make.user("team_leader", team_=team)
    member = make.user(team_=team)
    session = make.session()
    place = enrolment.enrol(session.id, member, actor=member).enrolment
    db_session.commit()
    login(client, leader)
    page = client.get("/mijn-team").get_data(as_text=True)
    assert member.name in page
    assert checkin.code_for(place.id) not in page and "data-checkin-code" not in page
