"""Test data built through the real services, so tests see what production code makes."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from booking.accounts import services as accounts
from booking.accounts.models import Organisation, Role
from booking.catalogue.models import Category, TargetGroup
from booking.catalogue.services import CourseData, create_course
from booking.extensions import db
from booking.scheduling.services import MeetingData, SessionData, schedule_session
from booking.scheduling.venues import RoomData, VenueData, create_venue

PASSWORD = "correct horse battery"  # 21 characters, above the 12-character minimum
_numbers = itertools.count(1)


def n() -> int:
    return next(_numbers)


def organisation(name: str | None = None) -> Organisation:
    org = accounts.organisation_by_name(name) if name else None
    if org is None:
        org = Organisation(name=name or f"Gemeente Test {n()}")
        db.session.add(org)
        db.session.flush()
    return org


def team(org: Organisation | None = None, name: str | None = None):
    org = org or organisation()
    return accounts.get_or_create_team(org, name or f"Team {n()}")


def user(
    role: str = Role.PARTICIPANT,
    *,
    email: str | None = None,
    org=None,
    team_=None,
    password: str | None = PASSWORD,
    education_level: str | None = "mbo",
    language: str | None = None,
):
    if role in (Role.PARTICIPANT, Role.TEAM_LEADER, Role.HR) and org is None:
        org = team_.organisation if team_ is not None else organisation()
    if role == Role.TEAM_LEADER and team_ is None:
        team_ = team(org)
    person, _ = accounts.save_person(
        email=email or f"person{n()}@example.nl",
        name=f"Person {n()}",
        role=role,
        organisation=org,
        team=team_,
        education_level=education_level,
        language=language,
    )
    if password:
        accounts.set_password(person, password)
    db.session.flush()
    return person


def category(slug: str = "loopbaan") -> Category:
    existing = db.session.query(Category).filter_by(slug=slug).one_or_none()
    if existing:
        return existing
    item = Category(slug=slug, name=slug.capitalize(), name_en=slug.capitalize() + " (en)")
    db.session.add(item)
    db.session.flush()
    return item


def target_group(slug: str = "mbo") -> TargetGroup:
    existing = db.session.query(TargetGroup).filter_by(slug=slug).one_or_none()
    if existing:
        return existing
    item = TargetGroup(slug=slug, name=f"Doelgroep {slug}", name_en=f"Target {slug}")
    db.session.add(item)
    db.session.flush()
    return item


def course(
    title: str | None = None, *, format: str = "workshop", category_slug="loopbaan", **extra
):
    category(category_slug)
    return create_course(
        CourseData(title=title or f"Cursus {n()}", format=format, category=category_slug, **extra)
    )


def physical_venue(name: str | None = None, rooms=(("Zaal 1", 20),)):
    return create_venue(
        VenueData(
            name=name or f"Locatie {n()}",
            kind="physical",
            address="Stadserf 1",
            postcode="3112 DZ",
            city="Schiedam",
            rooms=[RoomData(r, c) for r, c in rooms],
        )
    )


def online_venue(name: str | None = None):
    return create_venue(
        VenueData(
            name=name or f"Online {n()}",
            kind="online",
            provider="Teams",
            join_url="https://teams.example/j/1",
        )
    )


def future(days: int = 10, hour: int = 9) -> datetime:
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    return base.replace(hour=hour)


def session(
    course_=None,
    *,
    mode: str = "physical",
    capacity=None,
    start=None,
    hours: int = 3,
    venue=None,
    room=None,
    online=None,
    **extra,
):
    course_ = course_ or course()
    start = start or future()
    if capacity is None:
        capacity = {
            "physical": {"in_person": 10},
            "online": {"online": 30},
            "hybrid": {"in_person": 10, "online": 30},
        }[mode]
    data = SessionData(
        course_id=course_.id,
        mode=mode,
        capacity=capacity,
        meetings=[MeetingData(start, start + timedelta(hours=hours))],
        **extra,
    )
    if mode in ("physical", "hybrid"):
        venue = venue or physical_venue()
        data.venue_id = venue.id
        data.room_id = (room or venue.rooms[0]).id
    if mode in ("online", "hybrid"):
        data.online_venue_id = (online or online_venue()).id
    return schedule_session(data)


def login(client, person, password: str = PASSWORD):
    """Log in through the real form; returns the response."""
    return client.post("/inloggen", data={"email": person.email, "password": password})
