"""What the in-process benchmarks share: an emptied, migrated, seeded database, the bench
venues, and a per-request table of latency and SQL statements."""

from __future__ import annotations

import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, text

from booking.extensions import db


def quiet_logs() -> None:
    """No log line per request and per message: the figures are the output."""
    for name in ("booking.request", "booking.worker"):
        logging.getLogger(name).setLevel(logging.WARNING)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database the bench was pointed at, when it does not exist yet
    (through the server's `postgres` database), so a bench needs no set-up step."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        known = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).scalar()
        if not known:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def fresh_database() -> None:
    """Empty the database (PostgreSQL: the public schema), migrate it and seed the demo.
    Needs an app context."""
    from flask_migrate import upgrade

    from booking.demo import seed_demo

    ensure_database(db.engine.url.render_as_string(hide_password=False))
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()
    seed_demo()


def bench_venues(rooms: int = 1):
    """(online venue, physical venue with `rooms` rooms of 30)."""
    from booking.scheduling.venues import RoomData, VenueData, create_venue

    online = create_venue(
        VenueData(
            name="Bench online", kind="online", provider="Teams", join_url="https://t.example/b"
        )
    )
    venue = create_venue(
        VenueData(
            name="Bench venue",
            kind="physical",
            address="Straat 1",
            city="Schiedam",
            rooms=[RoomData(f"Zaal {n}", 30) for n in range(rooms)],
        )
    )
    return online, venue


def statement_counter(engine) -> dict:
    """counter["n"] counts the statements sent since it was last set to 0."""
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    return counter


def measure(app, counter, requests: list[tuple[str, str, dict]], repeat: int) -> None:
    """Print p50/p95 latency, statements and size of each (name, path, headers)."""
    client = app.test_client()
    print(f"{'request':48} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>5} {'KiB':>7} {'status':>6}")
    for name, path, headers in requests:
        timings, statements, status, size = [], 0, 0, 0
        for _ in range(repeat):
            counter["n"] = 0
            began = time.perf_counter()
            response = client.get(path, headers=headers)
            timings.append((time.perf_counter() - began) * 1000)
            statements, status, size = counter["n"], response.status_code, len(response.data)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        median = statistics.median(timings)
        print(f"{name:48} {median:8.1f} {p95:8.1f} {statements:5d} {size / 1024:7.1f} {status:6d}")
