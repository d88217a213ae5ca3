"""Catalogue and API read paths under a large catalogue: latency and SQL statements per page.

    .venv/bin/python bench/catalogue_pages.py [--courses 300] [--sessions-per-course 5]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/...

Builds a fresh database (a temporary SQLite file unless DATABASE_URL is given; that database
is emptied), seeds the demo data plus the extra courses and sessions, then requests each page
in-process and prints p50/p95 latency and the number of SQL statements. Not part of the tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_venues, fresh_database, measure, quiet_logs, statement_counter
from booking import create_app
from booking.extensions import db


def build(app, courses: int, per_course: int) -> str:
    from booking.catalogue.services import CourseData, create_course
    from booking.scheduling.services import MeetingData, SessionData, schedule_session

    with app.app_context():
        fresh_database()
        online, venue = bench_venues(rooms=per_course)
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        slug = ""
        for number in range(courses):
            course = create_course(
                CourseData(
                    title=f"Benchcursus {number}",
                    format="workshop",
                    category="loopbaan",
                    summary="Samenvatting",
                    description="Beschrijving " * 20,
                    target_groups=["iedereen", "mbo"],
                )
            )
            slug = course.slug
            for index in range(per_course):
                begin = start + timedelta(days=number, hours=index * 0)
                schedule_session(
                    SessionData(
                        course_id=course.id,
                        mode="hybrid",
                        capacity={"in_person": 20, "online": 50},
                        meetings=[MeetingData(begin, begin + timedelta(hours=2))],
                        venue_id=venue.id,
                        room_id=venue.rooms[index].id,
                        online_venue_id=online.id,
                    )
                )
        db.session.commit()
        return slug


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--courses", type=int, default=300)
    parser.add_argument("--sessions-per-course", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='booking-bench-')) / 'bench.sqlite'}"
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    quiet_logs()
    began = time.perf_counter()
    slug = build(app, args.courses, args.sessions_per_course)
    sessions = args.courses * args.sessions_per_course
    print(
        f"database: {url.split('@')[-1]}; {args.courses} extra courses, {sessions} sessions "
        f"(built in {time.perf_counter() - began:.1f} s)"
    )
    with app.app_context():
        counter = statement_counter(db.engine)
    paths = [
        "/",
        "/?q=bench",
        "/?format=workshop&page=3",
        f"/cursussen/{slug}",
        "/evenementen/loopbaanfestival",
        "/api/v1/courses?per_page=100",
        "/api/v1/sessions?per_page=100",
        "/api/v1/sessions?available=true&mode=hybrid",
    ]
    measure(app, counter, [(path, path, {}) for path in paths], args.repeat)


if __name__ == "__main__":
    main()
