"""Enrolments through the real endpoint from parallel threads on PostgreSQL: a double submit
makes one place (invariant 2, one active enrolment), and people racing for the last places
never overbook (invariant 1, capacity)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select

from booking.enrolment.models import Enrolment
from booking.extensions import db
from tests.api.test_enrolments_common import new_session, person, seat_counts
from tests.conftest import POSTGRES_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not (POSTGRES_URL or "").startswith("postgresql"),
        reason="needs PostgreSQL (TEST_DATABASE_URL): SQLite serialises every writer",
    ),
]


def post_together(app, path: str, headers: list[dict]) -> list[tuple[int, dict]]:
    """One POST per headers, from as many threads, released together."""
    barrier = threading.Barrier(len(headers))
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def submit(own: dict) -> None:
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.post(path, json={}, headers=own)
        with lock:
            answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=submit, args=(h,)) for h in headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == len(headers), "a thread did not finish"
    return answers


def statuses(session_id: int) -> Counter:
    db.session.rollback()
    return Counter(
        db.session.scalars(select(Enrolment.status).where(Enrolment.session_id == session_id))
    )


def test_a_double_submit_makes_one_place(app, db_session):
    session_id = new_session(capacity={"in_person": 5})
    _, headers = person()
    app.test_client().get("/api/v1/me/enrolments", headers=headers)  # the token's first use
    answers = post_together(app, f"/api/v1/sessions/{session_id}/enrolments", [headers] * 6)
    assert sorted(status for status, _ in answers) == [200] * 5 + [201]
    assert len({answer["id"] for _, answer in answers}) == 1
    assert statuses(session_id) == {"confirmed": 1}
    assert seat_counts(session_id) == (1, 0)


@pytest.mark.parametrize("round_", range(2))
def test_racing_for_the_last_places_never_overbooks(app, db_session, round_):
    session_id = new_session(capacity={"in_person": 4})
    everyone = [person()[1] for _ in range(16)]
    answers = post_together(app, f"/api/v1/sessions/{session_id}/enrolments", everyone)
    assert all(status == 201 for status, _ in answers), answers
    told = Counter(answer["status"] for _, answer in answers)
    assert told == {"confirmed": 4, "waitlisted": 12}
    assert statuses(session_id) == told
    assert seat_counts(session_id) == (4, 0)
