"""Invites, updates and cancellations of real places made by the engine: parsed by icalendar
and vobject, checked against RFC 5546, with a stable UID and a rising SEQUENCE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from booking.calendar import ics
from booking.core.db import atomic
from booking.enrolment import organiser, services
from booking.enrolment.messages import MessageKind
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.scheduling.services import MeetingData, update_session
from tests.calendar.itip import check_itip, occurrences, seq, texts, uid
from tests.enrolment.helpers import enrol

JOIN = "https://teams.example/j/1"  # the factories' online venue


class Outbox:
    """Renders the outbox as the worker would: each new message, in order, at send time."""

    def __init__(self):
        self.seen = 0

    def send(self) -> list[tuple[OutboxMessage, tuple[str, str] | None]]:
        db.session.rollback()
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id > self.seen).order_by(OutboxMessage.id)
        ).all()
        if messages:
            self.seen = messages[-1].id
        return [(m, ics.invite_for_message(m)) for m in messages]

    def invites(self, person) -> list[tuple[str, str, str]]:
        """(kind, method, ics) of the new messages to `person` that carry an invite."""
        return [
            (m.kind, found[1], found[0])
            for m, found in self.send()
            if found is not None and m.user_id == person.id
        ]


def reload(enrolment_id: int) -> Enrolment:
    db.session.rollback()
    return db.session.get(Enrolment, enrolment_id)


def test_the_life_of_a_place_one_uid_rising_sequence(make, db_session):
    """First invite -> reschedule -> mode change -> cancellation."""
    boss = make.user("organiser")
    session = make.session(mode="hybrid")
    person = make.user(language="en")
    outbox = Outbox()
    place = enrol(session, person, mode="in_person").enrolment
    [(kind, method, first)] = outbox.invites(person)
    assert (kind, method) == (MessageKind.ENROLMENT_CONFIRMED, "REQUEST")

    start = make.future(days=12, hour=13)
    moved = [MeetingData(start, start + timedelta(hours=2))]
    atomic(update_session, session.id, {"meetings": moved}, boss)
    [(kind, method, rescheduled)] = outbox.invites(person)
    assert (kind, method) == (MessageKind.SESSION_CHANGED, "REQUEST")

    atomic(services.move_mode, place.id, actor=boss, mode="online")
    [(kind, method, online)] = outbox.invites(person)
    assert (kind, method) == (MessageKind.MODE_CHANGED, "REQUEST")

    atomic(services.cancel, place.id, actor=person)
    [(kind, method, cancel)] = outbox.invites(person)
    assert (kind, method) == (MessageKind.CANCELLED, "CANCEL")

    parsed = [
        check_itip(text, m)
        for text, m in zip(
            (first, rescheduled, online, cancel), ("REQUEST",) * 3 + ("CANCEL",), strict=True
        )
    ]
    assert {uid(p) for p in parsed} == {f"enrolment-{place.id}@talentmvs.example.nl"}
    sequences = [seq(p) for p in parsed]
    assert sequences == sorted(set(sequences)), sequences  # strictly rising
    assert occurrences(parsed[1]) == [(start, start + timedelta(hours=2))]
    assert occurrences(parsed[0]) != occurrences(parsed[1])
    # Issue 9: the meeting URL is in no invite (online ones point at the place page).
    assert [JOIN in texts(p) for p in parsed] == [False, False, False, False]
    assert "Stadserf 1" in texts(parsed[0]) and "Stadserf 1" not in texts(parsed[2])
    assert "Online via Teams" in texts(parsed[2]) and "Online via Teams" in texts(parsed[3])


def test_a_request_says_who_what_where(make, db_session):
    session = make.session()
    person = make.user()
    place = reload(enrol(session, person).enrolment.id)
    parsed = check_itip(ics.invite(place, "REQUEST"), "REQUEST")
    [event] = parsed.vobj_events
    assert event.organizer.value == "mailto:opleidingen@talentmvs.example.nl"
    assert event.organizer.params["CN"] == ["Talent MVS"]
    [attendee] = event.contents["attendee"]
    assert attendee.value == f"mailto:{person.email}"
    assert attendee.params["CN"] == [person.name]
    assert attendee.params["ROLE"] == ["REQ-PARTICIPANT"]
    assert attendee.params["PARTSTAT"] == ["ACCEPTED"]
    assert attendee.params["RSVP"] == ["FALSE"]
    assert event.summary.value == session.course.title
    assert event.status.value == "CONFIRMED"
    room = session.room
    assert event.location.value == (
        f"{session.venue.name}, {room.name}, Stadserf 1, 3112 DZ Schiedam"
    )
    assert f"/cursussen/{session.course.slug}" in event.description.value
    assert "url" not in event.contents
    assert parsed.ical["PRODID"] and str(parsed.ical["CALSCALE"]) == "GREGORIAN"
    assert occurrences(parsed) == [(session.starts_at, session.ends_at)]


def test_hybrid_each_their_own_place(make, db_session):
    session = make.session(mode="hybrid")
    there, at_home = make.user(language="en"), make.user(language="en")
    in_person = reload(enrol(session, there, mode="in_person").enrolment.id)
    online = reload(enrol(session, at_home, mode="online").enrolment.id)
    for method in ("REQUEST", "CANCEL"):
        text = texts(check_itip(ics.invite(in_person, method), method))
        assert JOIN not in text and "teams.example" not in text
        assert "Stadserf 1" in text
    parsed = check_itip(ics.invite(online, "REQUEST"), "REQUEST")
    [event] = parsed.vobj_events
    # Issue 9: the invite points at the place page, never at the meeting itself.
    assert event.url.value.endswith(f"/cursussen/{session.course.slug}")
    assert event.location.value == "Online via Teams"
    assert JOIN not in texts(parsed) and "an hour before the start" in event.description.value
    assert "Stadserf" not in texts(parsed)
    cancelled = texts(check_itip(ics.invite(online, "CANCEL"), "CANCEL"))
    assert "teams.example" not in cancelled and "Online via Teams" in cancelled


def test_multi_day_session_is_one_recurring_event(make, db_session):
    first = make.future(days=20, hour=8)
    meetings = [
        (first, first + timedelta(hours=3)),
        (first + timedelta(days=1), first + timedelta(days=1, hours=7)),  # a longer day
        (first + timedelta(days=7, hours=4), first + timedelta(days=7, hours=5)),  # later hour
    ]
    session = make.session(start=first)
    boss = make.user("organiser")
    db.session.commit()
    atomic(
        update_session,
        session.id,
        {"meetings": [MeetingData(s, e) for s, e in meetings]},
        boss,
    )
    place = reload(enrol(session, make.user()).enrolment.id)
    request = check_itip(ics.invite(place, "REQUEST"), "REQUEST")
    assert len(request.ical_events) == 1 + len(meetings)  # the master and each meeting
    assert occurrences(request) == meetings
    master, _ = request.master()
    assert len(master.get("RDATE")) == 2  # one line per other meeting
    cancel = check_itip(ics.invite(place, "CANCEL"), "CANCEL")
    assert len(cancel.ical_events) == 1  # the master: the whole series
    assert [start for start, _end in occurrences(cancel)] == [s for s, _e in meetings]
    assert seq(cancel) == seq(request) and uid(cancel) == uid(request)


def test_session_cancelled_cancels_confirmed_places_only(make, db_session):
    boss = make.user("organiser")
    session = make.session(capacity={"in_person": 1})
    placed, waiting = make.user(language="en"), make.user()
    outbox = Outbox()
    enrol(session, placed)
    enrol(session, waiting)
    before = outbox.invites(placed)
    assert outbox.invites(waiting) == []
    atomic(organiser.cancel_session, session.id, actor=boss, reason="Ziek")
    sent = outbox.send()
    by_person = {m.user_id: found for m, found in sent}
    assert {m.kind for m, _ in sent} == {MessageKind.SESSION_CANCELLED}
    assert by_person[waiting.id] is None
    text, method = by_person[placed.id]
    assert method == "CANCEL"
    cancel = check_itip(text, "CANCEL")
    assert seq(cancel) > seq(check_itip(before[0][2], "REQUEST"))
    assert "This session has been cancelled." in texts(cancel)


def test_promotion_waitlist_and_cancel(make, db_session):
    session = make.session(capacity={"in_person": 1})
    first, second = make.user(), make.user()
    outbox = Outbox()
    enrol(session, first)
    waiting = enrol(session, second).enrolment
    assert [kind for kind, _m, _t in outbox.invites(first)] == [MessageKind.ENROLMENT_CONFIRMED]
    assert outbox.invites(second) == []  # waitlisted: nothing for the calendar
    atomic(services.cancel, reload(waiting.id).id, actor=second)
    assert outbox.invites(second) == []  # never had a place: no CANCEL either
    waiting = enrol(session, second).enrolment
    outbox.send()
    place = db.session.scalar(select(Enrolment).where(Enrolment.user_id == first.id))
    atomic(services.cancel, place.id, actor=first)
    sent = {(m.user_id, m.kind): found for m, found in outbox.send()}
    assert sent[(first.id, MessageKind.CANCELLED)][1] == "CANCEL"
    text, method = sent[(second.id, MessageKind.PROMOTED)]
    assert method == "REQUEST"
    assert uid(check_itip(text, "REQUEST")) == f"enrolment-{waiting.id}@talentmvs.example.nl"


def test_approval_and_offer_invite_only_once_confirmed(make, db_session):
    team = make.team()
    leader = make.user("team_leader", team_=team)
    course = make.course(requires_approval=True)
    session = make.session(course, capacity={"in_person": 1}, promotion="offer")
    asking, waiting = make.user(team_=team), make.user(team_=team)
    outbox = Outbox()
    pending = enrol(session, asking).enrolment
    enrol(session, waiting, actor=leader)  # booked by the leader: no approval, waits
    sent = outbox.send()
    assert {m.kind for m, _ in sent} == {
        MessageKind.APPROVAL_PENDING,
        MessageKind.APPROVAL_REQUESTED,
        MessageKind.WAITLISTED,
    }
    assert all(found is None for _m, found in sent)  # also not to the leader
    atomic(services.decide, pending.id, actor=leader, approve=False)
    sent = outbox.send()
    assert [(m.kind, found) for m, found in sent if m.user_id == asking.id] == [
        (MessageKind.APPROVAL_DECLINED, None)  # never confirmed: nothing to cancel
    ]
    offer = next(m for m, _ in sent if m.kind == MessageKind.OFFER)
    assert ics.invite_for_message(offer) is None
    atomic(services.answer_offer, offer.enrolment_id, actor=waiting, accept=True)
    [(kind, method, text)] = outbox.invites(waiting)
    assert (kind, method) == (MessageKind.ENROLMENT_CONFIRMED, "REQUEST")
    check_itip(text, "REQUEST")


def test_a_late_render_never_announces_an_ended_place(make, db_session):
    """The worker renders at send time: a confirmation still queued when the place ended
    goes out as a CANCEL with the final SEQUENCE, not as a stale REQUEST."""
    session = make.session()
    person = make.user()
    place = enrol(session, person).enrolment
    atomic(services.cancel, place.id, actor=person)
    found = Outbox().invites(person)
    assert [(kind, method) for kind, method, _t in found] == [
        (MessageKind.ENROLMENT_CONFIRMED, "CANCEL"),
        (MessageKind.CANCELLED, "CANCEL"),
    ]
    assert len({seq(check_itip(text, "CANCEL")) for _k, _m, text in found}) == 1


def test_invite_in_the_persons_language(make, db_session):
    session = make.session()
    dutch, english = make.user(language="nl"), make.user(language="en")
    places = [reload(enrol(session, p).enrolment.id) for p in (dutch, english)]
    atomic(organiser.cancel_session, session.id, actor=make.user("organiser"))
    said = [texts(check_itip(ics.invite(reload(p.id), "CANCEL"), "CANCEL")) for p in places]
    with force_locale("nl"):
        in_dutch = gettext("This session has been cancelled.")
    assert in_dutch in said[0] and "This session has been cancelled." in said[1]


def test_invite_refuses_other_methods(make, db_session):
    place = reload(enrol(make.session(), make.user()).enrolment.id)
    with pytest.raises(ValueError):
        ics.invite(place, "PUBLISH")


# -- the method table, state by state -----------------------------------------------------------

K = MessageKind
NOW = datetime(2030, 1, 1, tzinfo=UTC)
STATES = {
    # name: (enrolment status, session status, confirmed before)
    "confirmed": ("confirmed", "scheduled", True),
    "session_cancelled": ("cancelled", "cancelled", True),
    "confirmed_in_cancelled_session": ("confirmed", "cancelled", True),
    "cancelled_after_confirmation": ("cancelled", "scheduled", True),
    "back_on_waitlist": ("waitlisted", "scheduled", True),
    "cancelled_never_confirmed": ("cancelled", "scheduled", False),
    "pending_approval": ("pending_approval", "scheduled", False),
    "offered": ("offered", "scheduled", False),
    "waitlisted": ("waitlisted", "scheduled", False),
    "declined": ("declined", "scheduled", False),
    "expired": ("expired", "scheduled", False),
}
REQUESTING = {K.ENROLMENT_CONFIRMED, K.PROMOTED, K.APPROVED, K.MODE_CHANGED, K.SESSION_CHANGED}
TO_OTHERS = {K.APPROVAL_REQUESTED, K.TEAM_BOOKING_SUMMARY, K.IN_COMPANY_REQUESTED}


def expected(kind: str, state: str) -> str | None:
    status, session_status, was_confirmed = STATES[state]
    if kind in TO_OTHERS:
        return None
    if status == "confirmed" and session_status == "scheduled":
        return "REQUEST" if kind in REQUESTING else None
    return "CANCEL" if was_confirmed else None


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("kind", sorted(MessageKind))
def test_method_table(kind, state):
    status, session_status, was_confirmed = STATES[state]
    enrolment = SimpleNamespace(
        status=status,
        session=SimpleNamespace(status=session_status),
        confirmed_at=NOW if was_confirmed else None,
    )
    assert ics.method_for(kind, enrolment) == expected(kind, state)


def test_method_table_spot_checks():
    """The rows the issue names, written out (the table above is computed)."""
    assert expected(K.ENROLMENT_CONFIRMED, "confirmed") == "REQUEST"
    assert expected(K.SESSION_CHANGED, "confirmed") == "REQUEST"
    assert expected(K.REMINDER, "confirmed") is None
    assert expected(K.CANCELLED, "cancelled_after_confirmation") == "CANCEL"
    assert expected(K.SESSION_CANCELLED, "session_cancelled") == "CANCEL"
    assert expected(K.WAITLISTED, "back_on_waitlist") == "CANCEL"
    assert expected(K.OFFER_EXPIRED, "expired") is None
    assert expected(K.APPROVAL_DECLINED, "declined") is None
    assert expected(K.APPROVAL_REQUESTED, "confirmed") is None
    assert ics.method_for(K.ENROLMENT_CONFIRMED, None) is None
