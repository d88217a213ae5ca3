"""An event's timetable on a phone: each slot's items (and "no choice") stack below each
other. The components fix a table cell's height at 1em, which a cell turned block kept, so
the items lay over each other and over the save button."""

from __future__ import annotations

import itertools

import pytest

from booking.accounts.models import Role
from tests.e2e.test_festival import make_festival

pytestmark = pytest.mark.e2e


def test_the_programme_items_do_not_overlap_on_a_phone(page, make, db_session, log_in):
    make_festival(make, make.user(Role.ORGANISER))
    visitor = make.user()
    db_session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, visitor.email)
    page.goto("/evenementen/loopbaanfestival")
    boxes = (
        page.locator(".programme__slot")
        .first.locator("th, td")
        .evaluate_all(
            "cells => cells.map(c => { const r = c.getBoundingClientRect();"
            " return [r.top, r.bottom, c.scrollHeight, c.clientHeight]; })"
        )
    )
    assert len(boxes) == 4  # the time, two parallel items and "no choice"
    for (_top, bottom, *_), (top, *_rest) in itertools.pairwise(boxes):
        assert top >= bottom - 0.5, boxes  # each below the one before
    assert all(scroll <= client + 1 for *_, scroll, client in boxes), boxes  # nothing spills
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
