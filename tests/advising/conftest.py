"""Advisors and slots for the career conversation tests, made through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.advising import advisors, services

MEETING = "https://teams.example.nl/l/advisor-1"


@pytest.fixture
def advisor(make, db_session):
    """A person with the role advisor and a meeting link."""
    person = make.user("advisor", org=None, education_level=None)
    advisors.set_advisor(person, advisors.ProfileData(meeting_url=MEETING), actor=person)
    db_session.flush()
    return person


@pytest.fixture
def centre(make):
    return make.physical_venue("Centrum", rooms=(("Zaal 1", 10),))


@pytest.fixture
def slot(make, advisor):
    """slot(days=3, hour=10, minutes=45, mode='online', venue=None, person=advisor)."""

    def _slot(days=3, hour=10, minutes=45, mode="online", venue=None, person=None):
        start = make.future(days, hour)
        return services.publish_slot(
            person or advisor,
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            mode=mode,
            venue_id=venue.id if venue is not None else None,
            actor=person or advisor,
        )

    return _slot
