"""The VTIMEZONE of Europe/Amsterdam, built from zoneinfo (tzdata) and checked against it.

Why not icalendar's `Timezone.from_tzinfo`: it writes the onset of summer time as the new
wall-clock time (DTSTART:...T030000 with TZOFFSETFROM:+0100), while RFC 5545 (3.6.5 and its
examples) means the local time in the old offset (02:00). Parsers that read the VTIMEZONE
itself (vobject via dateutil) then put the hour after the spring change an hour off.

What we write: the rule form every calendar program knows (last Sunday of March and of
October, RRULE) when zoneinfo agrees with that rule in every year the calendar covers;
otherwise (tzdata changed, e.g. the EU dropped summer time) one sub-component per change
that zoneinfo knows of in those years, so the invite is right either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from booking.core.timez import AMSTERDAM

TZID = "Europe/Amsterdam"
CET, CEST = timedelta(hours=1), timedelta(hours=2)


@dataclass(frozen=True)
class Transition:
    at: datetime  # the UTC instant of the change
    offset_from: timedelta
    offset_to: timedelta
    name: str  # the abbreviation after the change (CET, CEST)
    dst: bool  # summer time after the change


def _offset(timestamp: int) -> tuple[timedelta, str, bool]:
    local = datetime.fromtimestamp(timestamp, UTC).astimezone(AMSTERDAM)
    return local.utcoffset(), local.tzname(), bool(local.dst())


@lru_cache(maxsize=32)
def transitions(first_year: int, last_year: int) -> tuple[Transition, ...]:
    """Every change of Amsterdam's offset in these years, as zoneinfo knows it."""
    found = []
    day = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp())
    step = 86400
    while day < end:
        before, after = _offset(day), _offset(day + step)
        if before != after:
            low, high = day, day + step  # the change lies in (low, high]: bisect to the second
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(middle) == before:
                    low = middle
                else:
                    high = middle
            found.append(
                Transition(
                    at=datetime.fromtimestamp(high, UTC),
                    offset_from=before[0],
                    offset_to=after[0],
                    name=after[1],
                    dst=after[2],
                )
            )
        day += step
    return tuple(found)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


def eu_rule(year: int) -> tuple[Transition, Transition]:
    """Summer time from the last Sunday of March to the last Sunday of October, 01:00 UTC."""
    spring, autumn = _last_sunday(year, 3), _last_sunday(year, 10)
    return (
        Transition(datetime(*spring.timetuple()[:3], 1, tzinfo=UTC), CET, CEST, "CEST", True),
        Transition(datetime(*autumn.timetuple()[:3], 1, tzinfo=UTC), CEST, CET, "CET", False),
    )


@lru_cache(maxsize=32)
def follows_eu_rule(first_year: int, last_year: int) -> bool:
    expected = tuple(t for year in range(first_year, last_year + 1) for t in eu_rule(year))
    return transitions(first_year, last_year) == expected


def _component(transition: Transition, onset: datetime):
    part = TimezoneDaylight() if transition.dst else TimezoneStandard()
    part.add("dtstart", onset)  # local wall time, in the offset before the change
    part.add("tzoffsetfrom", transition.offset_from)
    part.add("tzoffsetto", transition.offset_to)
    part.add("tzname", transition.name)
    return part


def _rule_form() -> Timezone:
    zone = Timezone()
    zone.add("tzid", TZID)
    spring, autumn = eu_rule(1970)
    for transition, month in ((spring, 3), (autumn, 10)):
        part = _component(transition, (transition.at + transition.offset_from).replace(tzinfo=None))
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(part)
    return zone


def _listed_form(first_year: int, last_year: int) -> Timezone:
    zone = Timezone()
    zone.add("tzid", TZID)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    offset, name, dst = _offset(int(start.timestamp()))
    # What holds at the start of the first year: a sub-component without a change.
    initial = Transition(start, offset, offset, name, dst)
    zone.add_component(_component(initial, (start + offset).replace(tzinfo=None)))
    for transition in transitions(first_year, last_year):
        onset = (transition.at + transition.offset_from).replace(tzinfo=None)
        zone.add_component(_component(transition, onset))
    return zone


def vtimezone(first: datetime | date, last: datetime | date) -> Timezone:
    """A VTIMEZONE valid for everything between `first` and `last` (a year either side)."""
    first_year, last_year = first.year - 1, last.year + 1
    if follows_eu_rule(first_year, last_year):
        return _rule_form()
    return _listed_form(first_year, last_year)
