"""Calendar feeds and the outbox worker at scale: a person with hundreds of places.

    .venv/bin/python bench/calendar_and_mail.py [--places 500] [--meetings 2] [--repeat 20]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/...

Builds a fresh database (a temporary SQLite file unless DATABASE_URL is given; that database
is emptied), seeds the demo data, schedules `--places` hybrid sessions of `--meetings`
meetings each and gives the demo participant a place in every one (through the enrolment
engine, so every place queues its confirmation with an invite). Then prints:

- the personal feed (`/calendar/<token>.ics`) and the organisers' feed of all coming sessions:
  p50/p95 latency, SQL statements and size, in process;
- the invite of one place from the API;
- one worker pass (file backend into a temporary folder) over every queued message: messages
  per second and SQL statements per message (render, invite, MIME, write, record).

Not part of the tests: figures only.
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

from sqlalchemy import func, select

from bench.common import bench_venues, fresh_database, measure, quiet_logs, statement_counter
from booking import create_app
from booking.extensions import db

PARTICIPANT = "medewerker@schiedam.example.nl"
ORGANISER = "organisator@talentmvs.example.nl"


def build(app, places: int, meetings: int) -> None:
    from booking.accounts.models import User
    from booking.catalogue.services import CourseData, create_course
    from booking.core.db import atomic
    from booking.enrolment import services
    from booking.scheduling.services import MeetingData, SessionData, schedule_session

    with app.app_context():
        fresh_database()
        online, venue = bench_venues()
        course = create_course(
            CourseData(
                title="Benchcursus agenda",
                format="training",
                category="loopbaan",
                summary="Samenvatting",
                description="Beschrijving " * 20,
                target_groups=["iedereen"],
            )
        )
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        session_ids = []
        for number in range(places):
            # Meetings a day apart, sessions a week apart: no two overlap for the person.
            first = start + timedelta(days=7 * number)
            session = schedule_session(
                SessionData(
                    course_id=course.id,
                    mode="hybrid",
                    capacity={"in_person": 20, "online": 50},
                    meetings=[
                        MeetingData(first + timedelta(days=d), first + timedelta(days=d, hours=3))
                        for d in range(meetings)
                    ],
                    venue_id=venue.id,
                    room_id=venue.rooms[0].id,
                    online_venue_id=online.id,
                )
            )
            session_ids.append(session.id)
        db.session.commit()
        person = db.session.scalar(select(User).where(User.email == PARTICIPANT))
        for index, session_id in enumerate(session_ids):
            mode = "online" if index % 2 else "in_person"
            atomic(services.enrol, session_id, PARTICIPANT, actor=person, mode=mode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--places", type=int, default=500)
    parser.add_argument("--meetings", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    folder = Path(tempfile.mkdtemp(prefix="booking-bench-"))
    if not url:
        url = f"sqlite:///{folder / 'bench.sqlite'}"
    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "EMBEDDED_WORKER": False,
            "MAIL_BACKEND": "file",
            "MAIL_FOLDER": str(folder / "mail"),
            "BASE_URL": "https://opleidingen.example.nl",
        },
    )
    quiet_logs()
    began = time.perf_counter()
    build(app, args.places, args.meetings)
    print(
        f"database: {url.split('@')[-1]}; {args.places} places of {args.meetings} meetings "
        f"for one person (built in {time.perf_counter() - began:.1f} s)"
    )

    from booking.accounts.models import User
    from booking.accounts.services import create_api_token
    from booking.calendar import feeds
    from booking.enrolment.models import Enrolment
    from booking.notifications.models import OutboxMessage
    from booking.notifications.worker import drain

    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == PARTICIPANT))
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
        personal, organisers = feeds.new_token(person), feeds.new_token(organiser)
        place = db.session.scalar(
            select(Enrolment.id).where(Enrolment.user_id == person.id).order_by(Enrolment.id)
        )
        _token, api_token = create_api_token(person, "bench")
        db.session.commit()
        counter = statement_counter(db.engine)
    auth = {"Authorization": f"Bearer {api_token}"}
    measure(
        app,
        counter,
        [
            ("personal feed", f"/calendar/{personal}.ics", {}),
            ("organisers' feed, all coming sessions", f"/calendar/{organisers}/sessions.ics", {}),
            ("API invite.ics of one place", f"/api/v1/enrolments/{place}/invite.ics", auth),
        ],
        args.repeat,
    )

    print(f"feed entries remembered: {feeds.TEXTS.hits} reused, {feeds.TEXTS.misses} written")
    with app.app_context():
        due = db.session.scalar(select(func.count(OutboxMessage.id)))
        counter["n"] = 0
        began = time.perf_counter()
        result = drain()
        seconds = time.perf_counter() - began
        statements = counter["n"]
    files = len(list((folder / "mail").glob("*.eml")))
    print(
        f"worker pass: {result.sent} of {due} messages sent ({files} .eml files) in "
        f"{seconds:.1f} s: {result.sent / seconds:.0f} messages/s, "
        f"{statements / max(result.sent, 1):.1f} SQL statements per message"
    )


if __name__ == "__main__":
    main()
