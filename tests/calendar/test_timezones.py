"""Amsterdam's clock changes: the spring gap and the repeated autumn hour survive a round
trip through the generated text and both parsers, as the same UTC instants."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest
from dateutil.tz import tzical
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.accounts.models import User
from booking.calendar import ics
from booking.calendar import timezone as tz
from booking.catalogue.models import Course
from booking.core.db import atomic
from booking.core.timez import AMSTERDAM, from_local
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import Meeting, Room, Session, Venue
from booking.scheduling.services import MeetingData, update_session
from tests.calendar.itip import check_itip, instants, occurrences
from tests.enrolment.helpers import enrol

FIRST_YEAR, LAST_YEAR = 2026, 2037


def place(meetings: list[tuple[datetime, datetime]]) -> Enrolment:
    """A confirmed place, in memory only: the invite reads nothing from the database."""
    venue = Venue(name="Stadskantoor", kind="physical", address="Stadserf 1", city="Schiedam")
    session = Session(
        id=1,
        course=Course(title="Assertiviteit", slug="assertiviteit", summary=""),
        mode="physical",
        status="scheduled",
        revision=0,
        venue=venue,
        room=Room(name="Zaal 1", capacity=20, venue=venue),
        meetings=[Meeting(starts_at=s, ends_at=e) for s, e in meetings],
    )
    person = User(id=1, email="p@example.nl", name="Piet", language="nl")
    return Enrolment(
        id=1,
        session=session,
        user=person,
        mode="in_person",
        status="confirmed",
        revision=0,
        confirmed_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def round_trip(meetings: list[tuple[datetime, datetime]]) -> None:
    """REQUEST and CANCEL, read back by both parsers, say exactly these instants."""
    meetings = sorted(meetings)
    enrolment = place(meetings)
    request = check_itip(ics.invite(enrolment, "REQUEST"), "REQUEST")
    assert occurrences(request) == meetings
    if len(meetings) > 1:
        rows = instants(request)
        assert sorted((s, e) for _u, rid, s, e in rows if rid) == meetings
    cancel = check_itip(ics.invite(enrolment, "CANCEL"), "CANCEL")
    assert [s for s, _e in occurrences(cancel)] == [s for s, _e in meetings]


# -- strategies ---------------------------------------------------------------------------------


def last_sunday(year: int, month: int) -> date:
    return tz._last_sunday(year, month)


@st.composite
def wall_clock_near_a_change(draw) -> datetime:
    """A naive Amsterdam time as a form gives it, on or next to a change day, at night."""
    year = draw(st.integers(FIRST_YEAR + 1, LAST_YEAR))
    day = last_sunday(year, draw(st.sampled_from([3, 10])))
    day += timedelta(days=draw(st.integers(-1, 1)))
    return datetime.combine(day, time(draw(st.integers(0, 4)), draw(st.integers(0, 59))))


@st.composite
def instant_near_a_change(draw) -> datetime:
    year = draw(st.integers(FIRST_YEAR + 1, LAST_YEAR))
    change = tz.eu_rule(year)[draw(st.integers(0, 1))].at
    return change + timedelta(minutes=draw(st.integers(-180, 180)))


any_instant = st.datetimes(
    min_value=datetime(FIRST_YEAR + 1, 1, 1), max_value=datetime(LAST_YEAR, 12, 31)
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC))
lengths = st.integers(min_value=15, max_value=10 * 60).map(lambda m: timedelta(minutes=m))


def meetings_from(starts, length_list) -> list[tuple[datetime, datetime]]:
    return [(s, s + length) for s, length in zip(starts, length_list, strict=False)]


COMMON = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


# -- properties ---------------------------------------------------------------------------------


@COMMON
@given(
    st.lists(wall_clock_near_a_change(), min_size=1, max_size=4, unique_by=from_local),
    st.lists(lengths, min_size=4, max_size=4),
)
def test_wall_clock_times_round_trip(app, walls, length_list):
    """What `from_local` makes of a form's time (the gap moved, the repeated hour's first
    pass) is what the invite says."""
    with app.test_request_context():
        round_trip(meetings_from([from_local(w) for w in walls], length_list))


@COMMON
@given(
    st.lists(st.one_of(instant_near_a_change(), any_instant), min_size=1, max_size=4, unique=True),
    st.lists(lengths, min_size=4, max_size=4),
)
def test_any_instants_round_trip(app, starts, length_list):
    """Including both passes through the repeated hour (the second is written in UTC)."""
    with app.test_request_context():
        round_trip(meetings_from(starts, length_list))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(instant_near_a_change(), min_size=1, max_size=3, unique=True),
    st.lists(lengths, min_size=3, max_size=3),
)
def test_listed_vtimezone_round_trips_too(app, starts, length_list):
    """Should tzdata ever stop following the EU rule, the VTIMEZONE lists zoneinfo's own
    changes instead; it must be just as right."""
    with app.test_request_context(), mock.patch.object(tz, "follows_eu_rule", return_value=False):
        text = ics.invite(place(meetings_from(starts, length_list)), "REQUEST")
        assert "RRULE" not in text
        round_trip(meetings_from(starts, length_list))


# -- the examples the issue names, through the database ------------------------------------------


@pytest.mark.parametrize(
    "wall, meaning",
    [
        (datetime(2027, 3, 28, 2, 30), "does not exist: the spring gap"),
        (datetime(2027, 10, 31, 2, 30), "happens twice: the first (summer time) pass"),
        (datetime(2027, 3, 28, 1, 59), "the last minute of winter time"),
        (datetime(2027, 3, 28, 3, 0), "the first minute of summer time"),
        (datetime(2027, 10, 31, 3, 0), "winter time again"),
    ],
)
def test_clock_change_examples_stored_and_sent(make, db_session, wall, meaning):
    start = from_local(wall)
    session = make.session(start=start, hours=2)
    place_ = enrol(session, make.user()).enrolment
    db.session.rollback()
    request = check_itip(ics.invite(db.session.get(Enrolment, place_.id), "REQUEST"), "REQUEST")
    assert occurrences(request) == [(start, start + timedelta(hours=2))], meaning


def test_a_series_across_the_autumn_change(make, db_session):
    """10:00 on Saturday, Sunday and Monday around the change: three local 10:00s, whose
    UTC times differ by an hour; every parser must see 10:00 Amsterdam each day."""
    days = [date(2027, 10, 30) + timedelta(days=i) for i in range(3)]
    meetings = [(from_local(datetime.combine(d, time(10))), None) for d in days]
    meetings = [(s, s + timedelta(hours=2 + i)) for i, (s, _e) in enumerate(meetings)]
    session = make.session(start=meetings[0][0])
    boss = make.user("organiser")
    db.session.commit()
    changes = {"meetings": [MeetingData(s, e) for s, e in meetings]}
    atomic(update_session, session.id, changes, boss)
    place_ = enrol(session, make.user()).enrolment
    db.session.rollback()
    request = check_itip(ics.invite(db.session.get(Enrolment, place_.id), "REQUEST"), "REQUEST")
    assert occurrences(request) == meetings
    assert [s.astimezone(AMSTERDAM).hour for s, _e in occurrences(request)] == [10, 10, 10]
    assert [s.hour for s, _e in meetings] == [8, 9, 9]  # UTC: summer, then winter time


# -- the VTIMEZONE itself -----------------------------------------------------------------------


def test_zoneinfo_follows_the_eu_rule_in_the_years_we_plan():
    assert tz.follows_eu_rule(1996, 2037)
    assert not tz.follows_eu_rule(1980, 1997)  # until 1995 winter time began in September


@pytest.mark.parametrize("listed", [False, True])
def test_vtimezone_agrees_with_zoneinfo_around_every_change(listed):
    """Read by dateutil (what vobject uses), the VTIMEZONE gives zoneinfo's offset a minute
    before, at, and a minute after each change, in every year it covers."""
    with mock.patch.object(tz, "follows_eu_rule", return_value=not listed):
        text = tz.vtimezone(date(2026, 6, 1), date(2036, 6, 1)).to_ical().decode()
    zone = tzical(io.StringIO(text)).get()
    for change in tz.transitions(2026, 2036):
        for minutes in (-61, -1, 0, 1, 59, 61):
            moment = change.at + timedelta(minutes=minutes)
            assert moment.astimezone(zone).utcoffset() == moment.astimezone(AMSTERDAM).utcoffset()
    assert len(tz.transitions(2026, 2036)) == 22


def test_vtimezone_onsets_are_local_times_before_the_change():
    """RFC 5545 3.6.5: DTSTART of a STANDARD/DAYLIGHT part is the wall time in the offset
    in force before the change: 02:00 in spring, 03:00 in autumn."""
    text = tz.vtimezone(date(2027, 1, 1), date(2027, 12, 31)).to_ical().decode()
    assert "DTSTART:19700329T020000" in text and "DTSTART:19701025T030000" in text
    with mock.patch.object(tz, "follows_eu_rule", return_value=False):
        listed = tz.vtimezone(date(2027, 1, 1), date(2027, 12, 31)).to_ical().decode()
    assert "DTSTART:20270328T020000" in listed and "DTSTART:20271031T030000" in listed
