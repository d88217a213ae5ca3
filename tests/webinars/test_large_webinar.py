"""Issue 9: a webinar of 3,000 online seats with 2,500 enrolled costs the organisers'
participants page and the course page no more statements than a webinar of three."""

from __future__ import annotations

import time

from sqlalchemy import insert, update

from booking.accounts.models import Role, User
from booking.core.db import utcnow
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import SessionSeats
from tests.factories import future, login

PEOPLE = "/beheer/sessies/{}/deelnemers"


def _fill(session, count: int, tag: str) -> None:
    """`count` confirmed online places, inserted in bulk (the engine is tested elsewhere;
    here only what the pages read matters), the seat counter kept in step."""
    now = utcnow()
    db.session.execute(
        insert(User),
        [
            {"email": f"{tag}{i}@deelnemer.example", "name": f"Deelnemer {tag}{i}"}
            for i in range(count)
        ],
    )
    ids = db.session.scalars(
        db.select(User.id).where(User.email.like(f"{tag}%@deelnemer.example"))
    ).all()
    db.session.execute(
        insert(Enrolment),
        [
            {
                "session_id": session.id,
                "user_id": user_id,
                "mode": "online",
                "status": "confirmed",
                "confirmed_at": now,
            }
            for user_id in ids
        ],
    )
    db.session.execute(
        update(SessionSeats)
        .where(SessionSeats.session_id == session.id, SessionSeats.mode == "online")
        .values(confirmed=count)
    )


def test_3000_seats_2500_enrolled_constant_statements(client, make, db_session, count_queries):
    course = make.course("Webinar")
    small = make.session(course, mode="online", capacity={"online": 3000}, start=future(5))
    large = make.session(course, mode="online", capacity={"online": 3000}, start=future(6))
    _fill(small, 3, "klein")
    _fill(large, 2500, "groot")
    db_session.commit()
    boss = make.user(Role.ORGANISER)
    db_session.commit()
    login(client, boss)
    counts, took = {}, {}
    for name, s in (("small", small), ("large", large)):
        client.get(PEOPLE.format(s.id))  # warm
        count_queries.reset()
        began = time.perf_counter()
        response = client.get(PEOPLE.format(s.id))
        took[name] = time.perf_counter() - began
        assert response.status_code == 200
        counts[name] = len(count_queries)
    print(counts, took)
    # Not one per row: only selectinload's IN batches of 500 ids add a statement each.
    assert counts["large"] <= counts["small"] + 2500 // 500, counts
    assert took["large"] < 5, took
    assert response.text.count("deelnemer.example") >= 2500
    count_queries.reset()
    page = client.get(f"/cursussen/{course.slug}")
    assert page.status_code == 200
    course_statements = len(count_queries)
    print("course page", course_statements)
    assert course_statements <= 25
