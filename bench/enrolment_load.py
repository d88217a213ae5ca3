"""Enrolment under load: 1,000 people, 50 at a time, for a session with 100 places.

    .venv/bin/python bench/enrolment_load.py
    .venv/bin/python bench/enrolment_load.py --database-url postgresql+psycopg://u@host/db \
        --people 1000 --places 100 --clients 50 --workers 4

(Re)creates the PostgreSQL database named in --database-url (everything in it is lost),
migrates it with `flask db upgrade`, makes one session and the people with an API token each
(bulk inserts, no password hashes), starts the app under gunicorn on a free port of
127.0.0.1, sends one `POST /api/v1/sessions/{id}/enrolments` per person from concurrent
clients (one kept-alive http.client connection each, standard library only), and prints
requests per second, latency percentiles, outcomes, status counts and errors. Then it checks
the database: exactly `places` confirmed, the rest waitlisted with positions 1..n, no 5xx.
Gunicorn is stopped at the end, also on failure. Exit status 0 only if every required check
passes. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.gunicorn_server import BIN, free_port, start_gunicorn, stop_gunicorn, wait_ready  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/booking_bench_enrol"


# -- database -----------------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    """Drop and create the database of `url`, through the server's `postgres` database."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        raise SystemExit("--database-url must be a PostgreSQL URL")
    name = target.database
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to recreate a database named {name!r}")
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def app_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(BOOKING_CONFIG="development", DATABASE_URL=url, FLASK_DEBUG="0")
    return env


def migrate(url: str) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "booking", "db", "upgrade"],
        cwd=ROOT,
        env=app_env(url),
        check=True,
        capture_output=True,
    )


def build(url: str, people: int, places: int) -> tuple[int, list[str]]:
    """One session with `places` in-person places and `people` participants with a token
    each; returns the session id and the plain tokens."""
    from booking import create_app
    from booking.accounts.models import ApiToken, Organisation, User
    from booking.accounts.services import TOKEN_PREFIX
    from booking.catalogue.models import Category
    from booking.catalogue.services import CourseData, create_course
    from booking.extensions import db
    from booking.scheduling.services import MeetingData, SessionData, schedule_session
    from booking.scheduling.venues import RoomData, VenueData, create_venue

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.session.add(Category(slug="loopbaan", name="Loopbaan", name_en="Career"))
        course = create_course(CourseData(title="Loadtest", format="workshop", category="loopbaan"))
        venue = create_venue(
            VenueData(
                name="Bench venue",
                kind="physical",
                address="Stadserf 1",
                city="Schiedam",
                rooms=[RoomData("Grote zaal", places)],
            )
        )
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=14)
        session = schedule_session(
            SessionData(
                course_id=course.id,
                mode="physical",
                capacity={"in_person": places},
                meetings=[MeetingData(start, start + timedelta(hours=3))],
                venue_id=venue.id,
                room_id=venue.rooms[0].id,
            )
        )
        organisation = Organisation(name="Gemeente Bench")
        db.session.add(organisation)
        db.session.flush()
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"bench{n}@example.nl",
                    "name": f"Bench {n}",
                    "role": "participant",
                    "organisation_id": organisation.id,
                    "language": "nl",
                }
                for n in range(people)
            ],
        )
        ids = db.session.scalars(
            text("SELECT id FROM users WHERE email LIKE 'bench%' ORDER BY id")
        ).all()
        tokens = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in ids]
        now = datetime.now(UTC)  # used just now: no last-used write on every first request
        db.session.execute(
            insert(ApiToken),
            [
                {
                    "user_id": user_id,
                    "name": "bench",
                    "prefix": token[:10],
                    "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                    "last_used_at": now,
                }
                for user_id, token in zip(ids, tokens, strict=True)
            ],
        )
        db.session.commit()
        return session.id, tokens


# -- load ---------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    positions: list[int] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def fire(port: int, session_id: int, tokens: list[str], clients: int, mode: str) -> tuple:
    tally, pending, taking = Tally(), iter(tokens), threading.Lock()
    path = f"/api/v1/sessions/{session_id}/enrolments"
    body = json.dumps({"mode": mode})
    start = threading.Barrier(clients + 1)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start.wait()
        while True:
            with taking:
                token = next(pending, None)
            if token is None:
                break
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            began = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()  # reconnects on the next request
                with tally.lock:
                    tally.errors[type(error).__name__] += 1
                continue
            elapsed = time.perf_counter() - began
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = {}
            with tally.lock:
                tally.latencies.append(elapsed)
                tally.statuses[response.status] += 1
                if response.status in (200, 201):
                    tally.outcomes[answer.get("status")] += 1
                    if answer.get("waitlist_position") is not None:
                        tally.positions.append(answer["waitlist_position"])
                else:
                    code = (answer.get("error") or {}).get("code", "no JSON error")
                    tally.errors[f"HTTP {response.status} {code}"] += 1
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(600)
    return tally, time.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# -- report -------------------------------------------------------------------------------------


def database_figures(url: str, session_id: int) -> dict:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = dict(
            connection.execute(
                text(
                    "SELECT status, count(*) FROM enrolments WHERE session_id = :sid "
                    "GROUP BY status"
                ),
                {"sid": session_id},
            ).all()
        )
        positions = connection.scalars(
            text(
                "SELECT row_number() OVER (ORDER BY queued_at, id) FROM enrolments "
                "WHERE session_id = :sid AND status = 'waitlisted' AND queued_at IS NOT NULL "
                "ORDER BY 1"
            ),
            {"sid": session_id},
        ).all()
        counter = connection.execute(
            text("SELECT confirmed, held, capacity FROM session_seats WHERE session_id = :sid"),
            {"sid": session_id},
        ).one()
    engine.dispose()
    return {"counts": counts, "positions": list(positions), "counter": counter}


def report(tally: Tally, elapsed: float, figures: dict, people: int, places: int) -> bool:
    done = len(tally.latencies)
    ms = [v * 1000 for v in tally.latencies] or [0.0]
    print(f"requests:      {done} answered of {people} in {elapsed:.2f} s")
    print(f"throughput:    {done / elapsed:.1f} requests/s")
    print(
        f"latency ms:    p50 {statistics.median(ms):.1f}  p95 {percentile(ms, 0.95):.1f}  "
        f"p99 {percentile(ms, 0.99):.1f}  max {max(ms):.1f}"
    )
    print(f"HTTP statuses: {dict(sorted(tally.statuses.items()))}")
    print(f"answers:       {dict(tally.outcomes)}")
    print(f"errors:        {dict(tally.errors) or 'none'}")
    counts, positions, counter = figures["counts"], figures["positions"], figures["counter"]
    print(
        f"database:      {counts}; session_seats confirmed={counter.confirmed} "
        f"held={counter.held} capacity={counter.capacity}"
    )

    waiting = people - places
    required = [
        (f"exactly {places} confirmed", counts.get("confirmed", 0) == places),
        (
            f"{waiting} waitlisted with positions 1..{waiting}",
            counts.get("waitlisted", 0) == waiting and positions == list(range(1, waiting + 1)),
        ),
        ("zero 5xx", not any(s >= 500 for s in tally.statuses)),
    ]
    told = sorted(tally.positions)
    extra = [
        ("seat counter equals confirmed enrolments", counter.confirmed == counts.get("confirmed")),
        (f"positions told in the answers are 1..{waiting}", told == list(range(1, waiting + 1))),
        (f"all {people} requests answered", done == people),
    ]
    for label, ok in required:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    for label, ok in extra:
        print(f"{'PASS' if ok else 'FAIL'}  (extra) {label}")
    return all(ok for _label, ok in required)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--places", type=int, default=100)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--app", default="booking:create_app()", help="what gunicorn serves")
    args = parser.parse_args()
    url = args.database_url

    began = time.perf_counter()
    recreate_database(url)
    migrate(url)
    session_id, tokens = build(url, args.people, args.places)
    print(
        f"database {make_url(url).database}: session {session_id} with {args.places} places, "
        f"{args.people} people with tokens (ready in {time.perf_counter() - began:.1f} s)"
    )
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="booking-bench-")) / "gunicorn.log"
    process = start_gunicorn(app_env(url), port, args.workers, args.threads, log, args.app)
    try:
        wait_ready(port, f"/api/v1/sessions/{session_id}", process)
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads on 127.0.0.1:{port}; "
            f"{args.people} enrolments from {args.clients} clients"
        )
        tally, elapsed = fire(port, session_id, tokens, args.clients, "in_person")
    finally:
        stop_gunicorn(process)
    passed = report(tally, elapsed, database_figures(url, session_id), args.people, args.places)
    if not passed or tally.errors:
        print(f"gunicorn log: {log}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
