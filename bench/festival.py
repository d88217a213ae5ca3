"""A festival under load: 2,000 registrations from 50 concurrent clients for 3 rounds of 6
workshops, then the programme page with those registrations.

    .venv/bin/python bench/festival.py --database-url postgresql+psycopg://u@host/db \
        [--people 2000 --clients 50 --places 100 --capacity 1800]

Empties the database (its public schema), migrates it and seeds the demo (bench/common.py),
makes a festival with an overall capacity and 3 rounds of 6 workshops of `--places` in-person
places each, and `--people` participants (bulk insert). Then `--clients` threads, each with
its own app context and database connection, register the people one after the other through
`atomic(booking.events.services.register, ...)`, as the page and the API do, each choosing
one workshop per round at random. Prints throughput, p50/p95 latency and the outcomes, checks
in the database that no workshop and not the overall capacity is exceeded, and measures the
programme page (p95, statements) for a participant with registrations in place. Not part of
the test suite; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text

from bench.common import bench_venues, fresh_database, quiet_logs, statement_counter
from booking import create_app
from booking.accounts.models import Organisation, User
from booking.catalogue.services import CourseData, create_course
from booking.core.db import atomic, utcnow
from booking.core.errors import DomainError
from booking.events import services
from booking.extensions import db
from booking.scheduling.data import MeetingData, SessionData
from booking.scheduling.services import schedule_session

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/booking_bench_festival"


def build(people: int, places: int, capacity: int):
    organiser = db.session.scalar(select(User).where(User.role == "organiser"))
    event = services.create_event(
        services.EventData(title="Bench festival", kind="festival", capacity=capacity), organiser
    )
    _online, venue = bench_venues(rooms=6)
    start = (utcnow() + timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    rounds = []
    for number in range(3):
        begins = start + timedelta(hours=2 * number)
        items = []
        for room in venue.rooms:
            course = create_course(
                CourseData(
                    title=f"Workshop {number + 1}.{room.name}",
                    format="festival_session",
                    category=_category(),
                )
            )
            items.append(
                schedule_session(
                    SessionData(
                        course_id=course.id,
                        mode="physical",
                        capacity={"in_person": places},
                        meetings=[MeetingData(begins, begins + timedelta(hours=1, minutes=30))],
                        venue_id=venue.id,
                        room_id=room.id,
                        event_id=event.id,
                    )
                ).id
            )
        rounds.append(items)
    org = db.session.scalar(select(Organisation))
    db.session.execute(
        insert(User),
        [
            {
                "email": f"festival{n}@bench.example",
                "name": f"Bezoeker {n}",
                "role": "participant",
                "organisation_id": org.id,
                "language": "nl",
                "active": True,
                "session_version": 1,
            }
            for n in range(people)
        ],
    )
    db.session.commit()
    ids = list(
        db.session.scalars(select(User.id).where(User.email.like("festival%@bench.example")))
    )
    return event.id, rounds, ids


def _category() -> str:
    return db.session.scalar(text("SELECT slug FROM categories ORDER BY id LIMIT 1"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--places", type=int, default=30)
    parser.add_argument("--capacity", type=int, default=1800)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    quiet_logs()
    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": args.clients + 5},
        },
    )
    with app.app_context():
        fresh_database()
        event_id, rounds, people = build(args.people, args.places, args.capacity)
        slug = db.session.scalar(text("SELECT slug FROM events WHERE id = :e"), {"e": event_id})

    work = list(people)
    random.seed(9)
    lock = threading.Lock()
    timings: list[float] = []
    outcomes: Counter = Counter()

    def client() -> None:
        with app.app_context():
            while True:
                with lock:
                    if not work:
                        return
                    user_id = work.pop()
                choices = [random.choice(items) for items in rounds]
                person = db.session.get(User, user_id)
                began = time.perf_counter()
                try:
                    atomic(services.register, event_id, person, actor=person, choices=choices)
                    outcome = "registered"
                except DomainError as error:
                    outcome = error.code or type(error).__name__
                except Exception as error:
                    outcome = f"error {type(error).__name__}"
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    timings.append(elapsed)
                    outcomes[outcome] += 1
                db.session.remove()

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"registrations: {len(timings)} from {args.clients} clients in {wall:.1f} s")
    print(f"throughput: {len(timings) / wall:.1f} registrations/s")
    print(f"latency: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")
    print(f"outcomes: {dict(outcomes)}")

    failed = []
    with app.app_context():
        row = db.session.execute(
            text("SELECT capacity, registered FROM events WHERE id = :e"), {"e": event_id}
        ).one()
        active = db.session.scalar(
            text(
                "SELECT count(*) FROM event_registrations WHERE event_id = :e AND status = 'active'"
            ),
            {"e": event_id},
        )
        over = db.session.execute(
            text(
                "SELECT s.session_id, s.capacity, s.confirmed, s.held FROM session_seats s "
                "JOIN sessions x ON x.id = s.session_id WHERE x.event_id = :e "
                "AND s.confirmed + s.held > s.capacity"
            ),
            {"e": event_id},
        ).all()
        placed = db.session.execute(
            text(
                "SELECT e.session_id, count(*) FROM enrolments e JOIN sessions x "
                "ON x.id = e.session_id WHERE x.event_id = :e AND e.status = 'confirmed' "
                "GROUP BY e.session_id HAVING count(*) > :p"
            ),
            {"e": event_id, "p": args.places},
        ).all()
        print(
            f"overall: {active} active registrations, counter {row.registered}, "
            f"capacity {row.capacity}"
        )
        checks = {
            "overall capacity not exceeded": active <= row.capacity,
            "counter equals active registrations": row.registered == active,
            "no workshop over its places (counters)": not over,
            "no workshop over its places (enrolments)": not placed,
            "no unexpected errors": not [o for o in outcomes if o.startswith("error")],
        }
        for name, ok in checks.items():
            print(f"{'PASS' if ok else 'FAIL'} {name}")
            if not ok:
                failed.append(name)

        reader = db.session.get(User, people[0])
        counter = statement_counter(db.engine)
        web = app.test_client()
        with web.session_transaction() as flask_session:
            flask_session["_user_id"] = f"{reader.id}:{reader.session_version}"
            flask_session["_fresh"] = True
        page_timings, statements = [], []
        web.get(f"/evenementen/{slug}")  # warm-up: templates compiled, first-use loads
        for _ in range(args.repeat):
            counter["n"] = 0
            began = time.perf_counter()
            response = web.get(f"/evenementen/{slug}")
            page_timings.append((time.perf_counter() - began) * 1000)
            statements.append(counter["n"])
        page_timings.sort()
        page_p95 = page_timings[int(len(page_timings) * 0.95) - 1]
        print(
            f"programme page: status {response.status_code}, p50 "
            f"{statistics.median(page_timings):.1f} ms, p95 {page_p95:.1f} ms, "
            f"statements {sorted(set(statements))}"
        )
        ok = page_p95 < 100 and len(set(statements)) == 1
        print(f"{'PASS' if ok else 'FAIL'} programme page p95 < 100 ms, constant statements")
        if not ok:
            failed.append("programme page")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
