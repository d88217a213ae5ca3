"""Subscription feeds: what they list, who can read them (the token is the secret), and a
fixed number of statements however many places there are."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from booking.accounts.models import User
from booking.advising import advisors
from booking.advising import services as advising
from booking.calendar import feeds, ics
from booking.calendar.advising import booking_uid
from booking.core.db import atomic, utcnow
from booking.enrolment import organiser, services
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import Meeting, Session
from booking.scheduling.services import (
    MeetingData,
    SessionData,
    schedule_session,
)
from tests.calendar.itip import check_timezones, instants, occurrences, parse, texts
from tests.enrolment.helpers import enrol

JOIN = "https://teams.example/j/1"


_TOKENS: dict[str, str] = {}  # hash -> token: what the person copied when it was shown


def feed_path(person: User) -> str:
    """The person's address: the one made earlier in the test (only its hash is stored, so
    the test remembers it as the person would), else a new one."""
    db.session.refresh(person)
    token = _TOKENS.get(person.calendar_token_hash or "")
    if token is None:
        token = feeds.new_token(person)
        db.session.commit()
        _TOKENS[person.calendar_token_hash] = token
    return f"/calendar/{token}.ics"


def shown_token(page: str) -> str:
    (token,) = set(re.findall(r"/calendar/([A-Za-z0-9_-]{43})[./]", page))
    return token


def by_uid(parsed) -> dict[str, list]:
    found: dict[str, list] = {}
    for event in parsed.vobj_events:
        found.setdefault(event.uid.value, []).append(event)
    return found


def get_feed(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["ETag"]
    parsed = parse(response.get_data(as_text=True))
    assert "METHOD" not in parsed.ical and "method" not in parsed.vobj.contents
    assert parsed.ical.walk("VTIMEZONE")
    check_timezones(parsed)
    for event in parsed.vobj_events:  # a published calendar: nobody to answer
        assert "organizer" not in event.contents and "attendee" not in event.contents
    return response, parsed


# -- the personal feed --------------------------------------------------------------------------


def test_personal_feed_lists_the_places_held(client, make, db_session):
    person, other = make.user(language="en"), make.user()
    boss = make.user("organiser")
    physical = make.session(start=make.future(days=5))
    hybrid = make.session(mode="hybrid", start=make.future(days=6))
    approval = make.session(
        make.course(requires_approval=True), mode="online", start=make.future(days=7)
    )
    full = make.session(capacity={"in_person": 1}, start=make.future(days=8))
    dropped = make.session(start=make.future(days=9))
    cancelled = make.session(start=make.future(days=10))
    confirmed = enrol(physical, person).enrolment
    online = enrol(hybrid, person, mode="online").enrolment
    pending = enrol(approval, person).enrolment
    enrol(full, other)
    enrol(full, person)  # waitlisted: not a place
    atomic(services.cancel, enrol(dropped, person).enrolment.id, actor=person)
    enrol(cancelled, person)
    atomic(organiser.cancel_session, cancelled.id, actor=boss)
    enrol(hybrid, other, mode="online")  # someone else's place

    _response, parsed = get_feed(client, feed_path(person))
    events = by_uid(parsed)
    uids = {e.id: f"enrolment-{e.id}@talentmvs.example.nl" for e in (confirmed, online, pending)}
    assert set(events) == set(uids.values())
    status = {uid: [e.status.value for e in found] for uid, found in events.items()}
    assert status == {
        uids[confirmed.id]: ["CONFIRMED"],
        uids[online.id]: ["CONFIRMED"],
        uids[pending.id]: ["TENTATIVE"],
    }
    [online_event] = events[uids[online.id]]
    assert online_event.url.value.endswith(f"/cursussen/{online.session.course.slug}")
    assert JOIN not in texts(parsed)  # issue 9: never the meeting URL in a calendar
    [pending_event] = events[uids[pending.id]]
    assert JOIN not in texts(parsed).replace(online_event.description.value, "").replace(
        online_event.location.value, ""
    ).replace(online_event.url.value, "")
    assert "team leader decides" in pending_event.description.value
    db.session.rollback()
    [confirmed_event] = events[uids[confirmed.id]]
    assert "Stadserf 1" in confirmed_event.location.value
    place = db.session.get(Enrolment, confirmed.id)
    assert confirmed_event.sequence.value == str(ics.sequence(place))
    assert sorted((s, e) for _u, _r, s, e in instants(parsed))[0][0] == physical.starts_at
    assert str(parsed.ical["X-WR-CALNAME"]).startswith("Talent MVS")


def test_feed_and_invite_share_uid_sequence_and_meetings(client, make, db_session):
    first = make.future(days=15, hour=8)
    session = schedule_session(
        SessionData(
            course_id=make.course().id,
            mode="physical",
            capacity={"in_person": 5},
            meetings=[
                MeetingData(first, first + timedelta(hours=3)),
                MeetingData(first + timedelta(days=1), first + timedelta(days=1, hours=6)),
            ],
            venue_id=(venue := make.physical_venue()).id,
            room_id=venue.rooms[0].id,
        )
    )
    person = make.user()
    place = enrol(session, person).enrolment
    _response, feed = get_feed(client, feed_path(person))
    db.session.rollback()
    invite = parse(ics.invite(db.session.get(Enrolment, place.id), "REQUEST"))
    assert (
        occurrences(feed)
        == occurrences(invite)
        == [
            (first, first + timedelta(hours=3)),
            (first + timedelta(days=1), first + timedelta(days=1, hours=6)),
        ]
    )
    assert {e.uid.value for e in feed.vobj_events} == {e.uid.value for e in invite.vobj_events}
    assert {e.sequence.value for e in feed.vobj_events} == {
        e.sequence.value for e in invite.vobj_events
    }


def test_a_person_without_places_gets_an_empty_calendar(client, make, db_session):
    _response, parsed = get_feed(client, feed_path(make.user()))
    assert parsed.ical_events == [] and parsed.vobj_events == []


def test_places_that_ended_over_a_year_ago_drop_out(client, make, db_session):
    person = make.user()
    recent, old, coming = (make.session(start=make.future(days=d)) for d in (3, 4, 5))
    for session in (recent, old, coming):
        enrol(session, person)
    now = utcnow().replace(microsecond=0)
    for session, ago in ((recent, timedelta(days=30)), (old, timedelta(days=400))):
        start, end = now - ago, now - ago + timedelta(hours=2)  # as if it happened then
        db.session.execute(
            update(Session).where(Session.id == session.id).values(starts_at=start, ends_at=end)
        )
        db.session.execute(
            update(Meeting)
            .where(Meeting.session_id == session.id)
            .values(starts_at=start, ends_at=end)
        )
    db.session.commit()
    _response, parsed = get_feed(client, feed_path(person))
    starts = sorted(s for _u, _r, s, _e in instants(parsed))
    assert starts == [now - timedelta(days=30), coming.starts_at]


def test_an_unchanged_feed_answers_304(client, make, db_session):
    person = make.user()
    enrol(make.session(), person)
    path = feed_path(person)
    response, _ = get_feed(client, path)
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    enrol(make.session(start=make.future(days=30)), person)
    changed, _ = get_feed(client, path, **{"If-None-Match": response.headers["ETag"]})
    assert changed.headers["ETag"] != response.headers["ETag"]


def test_only_the_current_token_opens_the_feed(client, make, db_session):
    person = make.user()
    enrol(make.session(), person)
    old = feed_path(person)
    assert client.get(old).status_code == 200
    for wrong in ("/calendar/x.ics", f"/calendar/{'A' * 43}.ics", old.replace(".ics", "x.ics")):
        assert client.get(wrong).status_code == 404
    make.login(client, person)
    response = client.post("/account/agenda/nieuw-adres")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    new = f"/calendar/{shown_token(response.get_data(as_text=True))}.ics"
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    person.active = False
    db.session.commit()
    assert client.get(new).status_code == 404


def test_the_address_is_made_on_request_shown_once_and_stored_hashed(client, make, db_session):
    person = make.user()
    db.session.commit()
    make.login(client, person)
    page = client.get("/account").get_data(as_text=True)
    db.session.refresh(person)
    assert person.calendar_token_hash is None  # reading the page makes nothing
    assert 'action="/account/agenda/nieuw-adres"' in page and "/calendar/" not in page
    made = client.post("/account/agenda/nieuw-adres").get_data(as_text=True)
    token = shown_token(made)
    assert f"http://localhost/calendar/{token}.ics" in made
    assert f"webcal://localhost/calendar/{token}.ics" in made
    assert "old-address-stopped" not in made  # there was none
    db.session.refresh(person)
    assert person.calendar_token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = db.session.execute(text("SELECT * FROM users WHERE id = :id"), {"id": person.id})
    assert token not in str(stored.one())  # only the hash is kept
    again = client.get("/account").get_data(as_text=True)
    assert token not in again and 'data-testid="calendar-has-address"' in again
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    replaced = client.post("/account/agenda/nieuw-adres").get_data(as_text=True)
    assert shown_token(replaced) != token and 'data-testid="old-address-stopped"' in replaced
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_making_a_new_address_needs_a_log_in(client, make, db_session):
    response = client.post("/account/agenda/nieuw-adres")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_making_a_new_address_needs_the_forms_csrf_token(app, client, make, db_session):
    person = make.user()
    make.login(client, person)
    old = feed_path(person)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/account/agenda/nieuw-adres").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert feed_path(person) == old


def _person_with_places(make, count: int) -> User:
    course, venue, online = make.course(), make.physical_venue(), make.online_venue()
    person = make.user()
    for i in range(count):
        start = make.future(days=2 + i, hour=9)
        meetings = [MeetingData(start, start + timedelta(hours=2))]
        if i % 10 == 0:
            meetings.append(MeetingData(start + timedelta(hours=4), start + timedelta(hours=5)))
        hybrid = i % 3 == 0
        session = schedule_session(
            SessionData(
                course_id=course.id,
                mode="hybrid" if hybrid else "physical",
                capacity={"in_person": 5, "online": 5} if hybrid else {"in_person": 5},
                meetings=meetings,
                venue_id=venue.id,
                room_id=venue.rooms[0].id,
                online_venue_id=online.id if hybrid else None,
            )
        )
        enrol(session, person, mode="online" if hybrid else "in_person")
    return person


def test_a_fixed_number_of_statements_for_3_or_300_places(client, make, db_session, count_queries):
    few, many = _person_with_places(make, 3), _person_with_places(make, 300)
    paths = {3: feed_path(few), 300: feed_path(many)}
    counted, seconds = {}, {}
    for places, path in paths.items():
        count_queries.reset()
        started = time.perf_counter()
        _response, parsed = get_feed(client, path)
        seconds[places] = time.perf_counter() - started
        counted[places] = len(count_queries)
        assert len(by_uid(parsed)) == places
    # (BEGIN,) person, places, meetings, conversations (their advisors' profiles when any)
    assert counted[3] == counted[300] <= 5, counted
    print(f"\npersonal feed: 300 places in {seconds[300] * 1000:.0f} ms, {counted[300]} statements")


def test_career_conversations_are_in_both_feeds_with_their_invites_uid(make, client, db_session):
    """The booked person's and the advisor's feed list a booked conversation under the UID of
    its invites, with the meeting link; a cancelled one drops out."""
    advisor, person = make.user("advisor"), make.user()
    advisors.set_advisor(advisor, advisors.ProfileData(meeting_url=JOIN), actor=advisor)
    start = make.future(4, 10)
    slot = advising.publish_slot(
        advisor,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        mode="online",
        venue_id=None,
        actor=advisor,
    )
    booking = advising.book(slot.id, person, actor=person).booking
    db_session.commit()
    uid = booking_uid(booking)
    for reader, other in ((person, advisor), (advisor, person)):
        _response, parsed = get_feed(client, feed_path(reader))
        (event,) = by_uid(parsed)[uid]
        assert other.name in event.summary.value
        assert JOIN in texts(parsed)
        assert occurrences(parsed) == [(slot.starts_at, slot.ends_at)]
    atomic(advising.cancel_booking, booking.id, actor=person)
    _response, parsed = get_feed(client, feed_path(person))
    assert uid not in by_uid(parsed)


# -- the organisers' feed -----------------------------------------------------------------------


def organiser_path(person: User, course: str | None = None) -> str:
    path = feed_path(person).replace(".ics", "/sessions.ics")
    return f"{path}?course={course}" if course else path


def test_organiser_feed_lists_coming_sessions_with_counts(client, make, db_session):
    boss = make.user("organiser", language="en")
    course, other_course = make.course("Assertiviteit"), make.course()
    hybrid = make.session(course, mode="hybrid", capacity={"in_person": 10, "online": 30})
    later = make.session(course, start=make.future(days=40))
    elsewhere = make.session(other_course, start=make.future(days=41))
    gone = make.session(course, start=make.future(days=42))
    for i in range(3):
        enrol(hybrid, make.user(), mode="in_person" if i else "online")
    atomic(organiser.cancel_session, gone.id, actor=boss)

    _response, parsed = get_feed(client, organiser_path(boss))
    events = by_uid(parsed)
    uid = lambda s: f"session-{s.id}@talentmvs.example.nl"  # noqa: E731
    assert set(events) == {uid(hybrid), uid(later), uid(elsewhere)}
    [event] = events[uid(hybrid)]
    assert "In person: 2 of 10 places confirmed" in event.description.value
    assert "Online: 1 of 30 places confirmed" in event.description.value
    assert f"/beheer/sessies/{hybrid.id}/deelnemers" in event.description.value
    assert "Stadserf 1" in event.location.value and "Online via Teams" in event.location.value
    assert event.url.value.endswith(f"/cursussen/{course.slug}") and JOIN not in texts(parsed)

    _response, one_course = get_feed(client, organiser_path(boss, course.slug))
    assert set(by_uid(one_course)) == {uid(hybrid), uid(later)}
    assert client.get(organiser_path(boss, "no-such-course")).status_code == 404


def test_organiser_feed_is_for_organisers_only(client, make, db_session):
    make.session()
    for role in ("participant", "team_leader", "hr"):
        person = make.user(role)
        assert client.get(organiser_path(person)).status_code == 404
    assert client.get(f"/calendar/{'B' * 43}/sessions.ics").status_code == 404
    admin = make.user("admin")
    assert client.get(organiser_path(admin)).status_code == 200


def test_organiser_feed_statements_do_not_grow(client, make, db_session, count_queries):
    boss = make.user("organiser")
    course, venue, online = make.course(), make.physical_venue(), make.online_venue()
    path = organiser_path(boss)
    counted = []
    for day in range(30):
        session = make.session(
            course, mode="hybrid", venue=venue, online=online, start=make.future(days=2 + day)
        )
        enrol(session, make.user(), mode="online" if day % 2 else "in_person")
        if day + 1 in (3, 30):
            count_queries.reset()
            _response, parsed = get_feed(client, path)
            counted.append(len(count_queries))
            assert len(by_uid(parsed)) == day + 1
    assert counted[0] == counted[1] <= 5, counted  # (BEGIN,) person, sessions, meetings, seats


def test_organiser_feeds_page(app, client, make, db_session):
    boss = make.user("organiser")
    course = make.course("Netwerken met LinkedIn")
    make.session(course)
    make.login(client, boss)
    page = client.get("/beheer/agenda")
    assert page.status_code == 200
    text_ = page.get_data(as_text=True)
    assert course.title in text_ and "/calendar/" not in text_  # no secret on a GET
    made = client.post("/beheer/agenda")
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    shown = made.get_data(as_text=True)
    token = shown_token(shown)
    assert f"/calendar/{token}/sessions.ics" in shown
    assert f"sessions.ics?course={course.slug}" in shown
    assert client.get(f"/calendar/{token}/sessions.ics").status_code == 200
    assert "/beheer/agenda" in client.get("/account").get_data(as_text=True)
    participant, other_client = make.user(), app.test_client()
    make.login(other_client, participant)
    assert other_client.get("/beheer/agenda").status_code == 403
    assert other_client.post("/beheer/agenda").status_code == 403


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/calendar/.ics", 404),  # an empty token is nobody's feed
        ("/calendar/%00.ics", 400),  # NUL bytes are refused before any route
    ],
)
def test_odd_addresses_are_not_errors(client, path, status):
    assert client.get(path).status_code == status
