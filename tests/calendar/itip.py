"""Reading generated iCalendar text with two independent parsers (icalendar and vobject) and
checking what RFC 5546 asks of each METHOD. vobject reads our VTIMEZONE itself (through
dateutil); icalendar maps the TZID name to zoneinfo: both must give the same instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import icalendar
import vobject

# RFC 5546 3.2.2 (REQUEST) and 3.2.5 (CANCEL): properties every VEVENT must have, and the
# ones that may appear at most once. REQUEST-STATUS and VALARM are not allowed in either
# (VALARM is allowed in REQUEST, but we never send one).
REQUIRED = {
    "REQUEST": {"attendee", "dtstamp", "dtstart", "organizer", "summary", "uid", "sequence"},
    "CANCEL": {"attendee", "dtstamp", "organizer", "sequence", "uid"},
}
AT_MOST_ONCE = {
    "dtstamp",
    "dtstart",
    "dtend",
    "duration",
    "organizer",
    "sequence",
    "summary",
    "uid",
    "status",
    "location",
    "description",
    "url",
    "recurrence-id",
    "transp",
    "class",
}
FORBIDDEN = {"request-status"}


@dataclass
class Parsed:
    text: str
    ical: icalendar.Calendar
    vobj: object  # vobject's VCALENDAR component

    @property
    def ical_events(self) -> list:
        return self.ical.walk("VEVENT")

    @property
    def vobj_events(self) -> list:
        return list(getattr(self.vobj, "vevent_list", []))

    def master(self):
        """(icalendar, vobject) VEVENT without RECURRENCE-ID."""
        ical = [e for e in self.ical_events if "RECURRENCE-ID" not in e]
        vobj = [e for e in self.vobj_events if "recurrence-id" not in e.contents]
        assert len(ical) == len(vobj) == 1
        return ical[0], vobj[0]


def parse(text: str) -> Parsed:
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line  # folded as RFC 5545 3.1 says
    return Parsed(text, icalendar.Calendar.from_ical(text), vobject.readOne(text))


def utc(value) -> datetime:
    """An aware instant in UTC; a naive (floating) or date value fails the test."""
    assert isinstance(value, datetime), value
    assert value.tzinfo is not None and value.utcoffset() is not None, value
    return value.astimezone(UTC)


def _rdates_ical(event) -> list[datetime]:
    raw = event.get("RDATE")
    if raw is None:
        return []
    lists = raw if isinstance(raw, list) else [raw]
    return [utc(item.dt) for rdates in lists for item in rdates.dts]


def _rdates_vobj(event) -> list[datetime]:
    return [utc(v) for line in event.contents.get("rdate", []) for v in line.value]


def instants(parsed: Parsed) -> list[tuple[str, datetime | None, datetime, datetime]]:
    """(uid, recurrence-id, start, end) of every VEVENT in UTC, the same from both parsers."""
    from_ical = [
        (
            str(e["UID"]),
            utc(e.decoded("RECURRENCE-ID")) if "RECURRENCE-ID" in e else None,
            utc(e.decoded("DTSTART")),
            utc(e.decoded("DTEND")),
        )
        for e in parsed.ical_events
    ]
    from_vobj = [
        (
            e.uid.value,
            utc(e.contents["recurrence-id"][0].value) if "recurrence-id" in e.contents else None,
            utc(e.dtstart.value),
            utc(e.dtend.value),
        )
        for e in parsed.vobj_events
    ]
    key = lambda row: (row[0], row[1] or datetime.min.replace(tzinfo=UTC), row[2])  # noqa: E731
    assert sorted(from_ical, key=key) == sorted(from_vobj, key=key)
    return sorted(from_ical, key=key)


def occurrences(parsed: Parsed) -> list[tuple[datetime, datetime]]:
    """The meetings as a calendar program sees them: the master's recurrence set (DTSTART
    plus RDATEs), each replaced by its RECURRENCE-ID instance where there is one. The set
    is expanded by vobject (dateutil's rruleset) and, independently, from icalendar's
    DTSTART and RDATE values; both must agree."""
    ical_master, vobj_master = parsed.master()
    starts_ical = sorted({utc(ical_master.decoded("DTSTART")), *_rdates_ical(ical_master)})
    ruleset = vobj_master.getrruleset(addRDate=True)  # None for a single event
    starts_vobj = sorted(utc(s) for s in (ruleset or [vobj_master.dtstart.value]))
    assert starts_ical == starts_vobj, (starts_ical, starts_vobj)
    assert _rdates_vobj(vobj_master) == _rdates_ical(ical_master)
    length = utc(ical_master.decoded("DTEND")) - utc(ical_master.decoded("DTSTART"))
    overrides = {rid: (start, end) for _uid, rid, start, end in instants(parsed) if rid}
    assert set(overrides) <= set(starts_ical), "a RECURRENCE-ID that is not in the set"
    return [overrides.get(start, (start, start + length)) for start in starts_ical]


def check_itip(text: str, method: str) -> Parsed:
    """Parse with both parsers and check what the METHOD requires of every VEVENT."""
    parsed = parse(text)
    assert str(parsed.ical["METHOD"]) == method == parsed.vobj.method.value
    for name in ("PRODID", "VERSION"):
        assert name in parsed.ical
    assert str(parsed.ical["VERSION"]) == "2.0"
    assert parsed.ical_events and len(parsed.ical_events) == len(parsed.vobj_events)
    uids = {str(e["UID"]) for e in parsed.ical_events} | {e.uid.value for e in parsed.vobj_events}
    assert len(uids) == 1, "one iTIP object, one UID"
    for event in parsed.vobj_events:
        names = {name for name, lines in event.contents.items() if lines}
        assert REQUIRED[method] <= names, REQUIRED[method] - names
        assert not FORBIDDEN & names
        for name in AT_MOST_ONCE & names:
            assert len(event.contents[name]) == 1, name
        assert not {"dtend", "duration"} <= names
        assert event.organizer.value.lower().startswith("mailto:")
        for line in event.contents["attendee"]:
            assert line.value.lower().startswith("mailto:")
        stamp = event.dtstamp.value
        assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0
        if "dtend" in names:
            assert event.dtend.value > event.dtstart.value
        assert not event.contents.get("valarm")
    for event in parsed.ical_events:
        assert not event.walk("VALARM")
        status = str(event.get("STATUS", ""))
        if method == "CANCEL":
            assert status in ("", "CANCELLED")
            assert "RECURRENCE-ID" not in event  # the whole series is cancelled
        else:
            assert status in ("", "CONFIRMED", "TENTATIVE")
    if method == "CANCEL":
        assert len(parsed.ical_events) == 1
    check_timezones(parsed)
    return parsed


def check_timezones(parsed: Parsed) -> None:
    """Every TZID used has its VTIMEZONE (RFC 5545 3.2.19), placed before the events."""
    used = {
        str(prop.params["TZID"])
        for event in parsed.ical_events
        for values in event.values()
        for prop in (values if isinstance(values, list) else [values])
        if hasattr(prop, "params") and "TZID" in prop.params
    }
    defined = {str(tz["TZID"]) for tz in parsed.ical.walk("VTIMEZONE")}
    assert used <= defined, used - defined
    if defined and "BEGIN:VEVENT" in parsed.text:
        assert parsed.text.index("BEGIN:VTIMEZONE") < parsed.text.index("BEGIN:VEVENT")


def seq(parsed: Parsed) -> int:
    values = {int(e["SEQUENCE"]) for e in parsed.ical_events}
    values |= {int(e.sequence.value) for e in parsed.vobj_events}
    assert len(values) == 1
    return values.pop()


def uid(parsed: Parsed) -> str:
    return str(parsed.ical_events[0]["UID"])


def texts(parsed: Parsed) -> str:
    """Everything a person could read or click in the events, unfolded and unescaped."""
    parts = []
    for event in parsed.vobj_events:
        for name in ("location", "description", "url", "summary"):
            parts += [str(line.value) for line in event.contents.get(name, [])]
    return "\n".join(parts)
