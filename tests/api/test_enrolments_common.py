"""Helpers shared by the enrolment API tests (no tests here): people with tokens, sessions,
and reading the database state behind the answers."""

from __future__ import annotations

from sqlalchemy import func, select

from booking.accounts.services import create_api_token
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import SessionSeats
from tests import factories
from tests.api.conftest import bearer


def person(role: str = "participant", **kwargs):
    """A new person with a bearer token: (user, headers)."""
    kwargs.setdefault("password", None)  # no Argon2 hashing: the API never uses it
    user = factories.user(role, **kwargs)
    _, plain = create_api_token(user)
    db.session.commit()
    return user, bearer(plain)


def new_session(mode: str = "physical", capacity: dict | None = None, **extra) -> int:
    """A scheduled session; returns its id (committed)."""
    session = factories.session(mode=mode, capacity=capacity, **extra)
    db.session.commit()
    return session.id


def enrol(client, session_id: int, headers: dict, **body):
    return client.post(f"/api/v1/sessions/{session_id}/enrolments", json=body, headers=headers)


def enrolled(client, session_id: int, headers: dict, status: int = 201, **body) -> dict:
    response = enrol(client, session_id, headers, **body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def fill(client, session_id: int, count: int, **body) -> list[dict]:
    """`count` new participants enrol; their answers."""
    return [enrol(client, session_id, person()[1], **body).get_json() for _ in range(count)]


def status_of(enrolment_id: int) -> str:
    db.session.rollback()
    return db.session.get(Enrolment, enrolment_id).status


def enrolment_count(session_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(
        select(func.count(Enrolment.id)).where(Enrolment.session_id == session_id)
    )


def seat_counts(session_id: int, mode: str = "in_person") -> tuple[int, int]:
    """(confirmed, held) of one mode."""
    db.session.rollback()
    seats = db.session.get(SessionSeats, (session_id, mode))
    return seats.confirmed, seats.held
