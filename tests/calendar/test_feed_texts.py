"""Feed entries are remembered by everything they are made from: the same text as a fresh
build, a new one after any change, and a bounded memory."""

from __future__ import annotations

from datetime import timedelta

from booking.calendar import feeds, ics
from booking.core.db import atomic
from booking.scheduling.services import MeetingData, update_session
from tests.calendar.test_feeds import feed_path, get_feed
from tests.enrolment.helpers import enrol


def test_remembered_entries_are_the_fresh_ones_and_a_change_makes_a_new_one(
    client, make, db_session
):
    person, boss = make.user(), make.user("organiser")
    sessions = [make.session(start=make.future(days=10 + 7 * n)) for n in range(3)]
    for session in sessions:
        enrol(session, person)
    path = feed_path(person)
    feeds.TEXTS.clear()
    cold = client.get(path).get_data(as_text=True)
    assert (feeds.TEXTS.hits, feeds.TEXTS.misses) == (0, 3)
    warm = client.get(path).get_data(as_text=True)
    assert warm == cold and (feeds.TEXTS.hits, feeds.TEXTS.misses) == (3, 3)

    moved = sessions[1].starts_at + timedelta(hours=2)
    atomic(
        update_session,
        sessions[1].id,
        {"meetings": [MeetingData(moved, moved + timedelta(hours=2))]},
        boss,
    )
    after, parsed = get_feed(client, path)
    assert (feeds.TEXTS.hits, feeds.TEXTS.misses) == (5, 4)  # only the moved one is new
    starts = [event.dtstart.value for event in parsed.vobj_events]
    assert moved.replace(microsecond=0) in starts
    feeds.TEXTS.clear()  # what a fresh process would write, byte for byte
    fresh = client.get(path)
    assert fresh.get_data() == after.get_data()


def test_the_memory_is_bounded():
    texts = ics.EventTexts(size=2)
    for n in range(5):
        texts.get(("k", n), lambda n=n: [])
    assert len(texts._texts) == 2 and texts.misses == 5
    texts.get(("k", 4), lambda: [])
    assert texts.hits == 1
