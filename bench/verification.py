"""Certificate verification: a known code and an unknown one should cost the same
(issue 10: "an unknown code is a 404 that takes as long as a known one").

    .venv/bin/python bench/verification.py [--awards 5000] [--repeat 400]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \
        .venv/bin/python bench/verification.py

Builds a fresh database (a temporary SQLite file unless DATABASE_URL is given; that database
is emptied), seeds the demo, adds `--awards` awards of one certification (bulk inserts),
then times `verification.verify` (no floor: the raw lookup), the page `/verify/<code>` and
`GET /api/v1/verify/<code>` (both under `verification.answer_floor`) for known, unknown and
malformed codes, interleaved so that caches warm evenly. Prints p50/p95 per kind and the gap between
known and unknown medians. Not part of the tests: figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from bench.common import fresh_database, quiet_logs, statement_counter
from booking import create_app
from booking.accounts.models import User
from booking.catalogue.models import Course
from booking.certifications import services, verification
from booking.certifications.models import Award, Certification
from booking.core.db import atomic
from booking.extensions import db


def build(app, count: int) -> list[str]:
    with app.app_context():
        fresh_database()
        organiser = db.session.scalar(select(User).where(User.role == "admin"))
        course = db.session.scalars(select(Course)).first()
        certification = atomic(
            services.define,
            services.CertificationInput(name_nl="Bench-certificering", course_ids=[course.id]),
            actor=organiser,
        )
        people = db.session.scalars(select(User.id)).all()
        now = datetime.now(UTC)
        codes, rows = [], []
        for index in range(count):
            code = verification.new_code()
            codes.append(code)
            rows.append(
                {
                    "certification_id": certification.id,
                    "user_id": people[index % len(people)],
                    "code": code,
                    "code_digest": verification.code_digest(code),
                    "state": "valid",
                    "issued_at": now - timedelta(days=index % 700),
                    "expires_at": now + timedelta(days=365 - index % 700),
                    "created_at": now,
                }
            )
        db.session.execute(insert(Award), rows)
        db.session.commit()
        assert db.session.get(Certification, certification.id) is not None
        return codes


def timed(work, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        timings.append((time.perf_counter() - began) * 1_000_000)
    return timings


def report(name: str, timings: list[float], statements: int) -> float:
    timings = sorted(timings)
    median = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    print(f"{name:40} {median:10.0f} {p95:10.0f} {statements:5d}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--awards", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=400)
    args = parser.parse_args()
    quiet_logs()
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = create_app(
        "development",
        {"SQLALCHEMY_DATABASE_URI": url, "EMBEDDED_WORKER": False, "RATELIMIT_ENABLED": False},
    )
    codes = build(app, args.awards)
    with app.app_context():
        counter = statement_counter(db.engine)
        client = app.test_client()
        kinds = {
            "known": lambda i: codes[i % len(codes)],
            "unknown": lambda i: verification.new_code(),
            "malformed": lambda i: "not-a-code",
        }
        print(f"{db.engine.dialect.name}, {args.awards} awards, {args.repeat} lookups each")
        print(f"{'lookup':40} {'p50 us':>10} {'p95 us':>10} {'SQL':>5}")
        medians = {}
        layers = {
            "verification.verify": lambda c: verification.verify(c),
            "GET /verify/<code>": lambda c: client.get(f"/verify/{c}"),
            "GET /api/v1/verify/<code>": lambda c: client.get(f"/api/v1/verify/{c}"),
        }
        for layer, work in layers.items():
            results = {name: [] for name in kinds}
            statements = {}
            for i in range(args.repeat):
                for name, code_of in kinds.items():
                    code = code_of(i)
                    db.session.expire_all()
                    counter["n"] = 0
                    results[name] += timed(lambda c=code, w=work: w(c), 1)
                    statements[name] = counter["n"]
            for name in kinds:
                medians[(layer, name)] = report(f"{layer} {name}", results[name], statements[name])
            gap = medians[(layer, "unknown")] - medians[(layer, "known")]
            print(f"{layer}: unknown - known median = {gap:+.0f} us")


if __name__ == "__main__":
    main()
