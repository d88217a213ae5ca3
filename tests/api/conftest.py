"""Fixtures for API tests: people with tokens, and a small catalogue with venues.

Test data is committed before requests, as a real client would find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from booking.accounts.services import create_api_token
from booking.core.timez import AMSTERDAM


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def iso(moment: datetime) -> str:
    """A time as a client sends it: ISO 8601 with the Amsterdam offset."""
    return moment.astimezone(AMSTERDAM).isoformat()


@pytest.fixture
def token(make, db_session):
    """token(role, **user_kwargs) -> plain bearer token of a new person with that role."""

    def _token(role: str = "organiser", **kwargs) -> str:
        kwargs.setdefault("password", None)  # no Argon2 hashing: the API never uses it
        user = make.user(role, **kwargs)
        _, plain = create_api_token(user)
        db_session.commit()
        return plain

    return _token


@pytest.fixture
def organiser(token) -> dict:
    return bearer(token("organiser"))


@dataclass
class World:
    course_id: int
    venue_id: int
    room_id: int  # Zaal 1, 20 places
    small_room_id: int  # Zaal 2, 8 places
    online_id: int
    other_venue_id: int
    other_room_id: int


@pytest.fixture
def world(make, db_session) -> World:
    make.category("loopbaan")
    make.target_group("mbo")
    course = make.course("Netwerken met LinkedIn", target_groups=["mbo"])
    venue = make.physical_venue("Stadskantoor", rooms=(("Zaal 1", 20), ("Zaal 2", 8)))
    other = make.physical_venue("Bibliotheek", rooms=(("Leeszaal", 30),))
    online = make.online_venue("Teams")
    db_session.commit()
    rooms = {r.name: r.id for r in venue.rooms}
    return World(
        course_id=course.id,
        venue_id=venue.id,
        room_id=rooms["Zaal 1"],
        small_room_id=rooms["Zaal 2"],
        online_id=online.id,
        other_venue_id=other.id,
        other_room_id=other.rooms[0].id,
    )


CAPACITY = {
    "physical": {"in_person": 20},
    "online": {"online": 30},
    "hybrid": {"in_person": 20, "online": 30},
}


@pytest.fixture
def session_body(make, world):
    """session_body(mode, days=.., hour=.., hours=.., **overrides) -> a valid POST body."""

    def _body(
        mode: str = "physical", *, days: int = 10, hour: int = 9, hours: int = 3, **overrides
    ) -> dict:
        start = make.future(days, hour)
        body: dict = {
            "course_id": world.course_id,
            "mode": mode,
            "capacity": CAPACITY[mode],
            "meetings": [{"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=hours))}],
        }
        if mode in ("physical", "hybrid"):
            body.update(venue_id=world.venue_id, room_id=world.room_id)
        if mode in ("online", "hybrid"):
            body["online_venue_id"] = world.online_id
        body.update(overrides)
        return body

    return _body


@pytest.fixture
def post_session(client, organiser, session_body):
    """Schedule a session through the API and return its JSON (asserting the 201)."""

    def _post(mode: str = "physical", **kwargs) -> dict:
        response = client.post(
            "/api/v1/sessions", json=session_body(mode, **kwargs), headers=organiser
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return _post
