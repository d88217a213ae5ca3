"""Racing threads: `race` runs jobs in real threads, each in its own app context (so its own
database connection and transaction), lets them prepare (load the people they act as), then
releases them together at a `threading.Barrier`; a thread that does not finish in time fails
the test instead of hanging it. The jobs call the services through `atomic`, as pages do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from booking.accounts.models import User
from booking.core.db import atomic
from booking.enrolment import services
from booking.enrolment.models import Enrolment
from booking.extensions import db

RACE_TIMEOUT = 60.0  # seconds for a whole race; a lock wait fails sooner (lock_timeout)

# A job prepares in its thread (loads what it needs, before the start signal) and returns the
# action to run once every thread is ready.
Job = Callable[[], Callable[[], Any]]


@dataclass
class Result:
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def code(self) -> str | None:
        return getattr(self.error, "code", None)


def race(app, jobs: list[Job], timeout: float = RACE_TIMEOUT) -> list[Result]:
    """Run every job in its own thread and app context, all released at once."""
    barrier = threading.Barrier(len(jobs))
    results = [Result() for _ in jobs]

    def run(index: int, job: Job) -> None:
        with app.app_context():
            try:
                try:
                    action = job()
                except BaseException:
                    barrier.abort()  # the others must not wait for a thread that broke
                    raise
                barrier.wait(timeout=timeout / 2)
                results[index].value = action()
            except BaseException as error:
                results[index].error = error
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(i, job), name=f"racer-{i}", daemon=True)
        for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = [t.name for t in threads if t.is_alive()]
    if stuck:
        pytest.fail(f"{len(stuck)} racing threads did not finish within {timeout:.0f} s: {stuck}")
    broken = [r.error for r in results if isinstance(r.error, threading.BrokenBarrierError)]
    if broken:
        first = next(r.error for r in results if r.error and r not in broken)
        pytest.fail(f"the race never started: a thread failed while preparing: {first!r}")
    return results


def unexpected(results: list[Result], *allowed_codes: str) -> list[BaseException]:
    """Errors other than the domain errors a race may legitimately end in."""
    return [r.error for r in results if r.error is not None and r.code() not in allowed_codes]


# -- the jobs pages run ------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """An enrolment as its transaction left it (read before the commit)."""

    id: int
    user_id: int
    status: str
    mode: str
    created: bool = True
    position: int | None = None
    promoted: tuple[int, ...] = field(default=())


def placed(enrolment: Enrolment, created: bool = True, position=None, promoted=()) -> Placed:
    return Placed(
        enrolment.id,
        enrolment.user_id,
        enrolment.status,
        enrolment.mode,
        created,
        position,
        tuple(e.id for e in promoted),
    )


def enrol_job(session_id: int, user_id: int, actor_id: int | None = None, **options) -> Job:
    """What the enrol page does: load the user, then `atomic(services.enrol, ...)`."""

    def prepare():
        person = db.session.get(User, user_id)
        actor = db.session.get(User, actor_id) if actor_id else person

        def work():
            outcome = services.enrol(session_id, person, actor=actor, **options)
            return placed(outcome.enrolment, outcome.created, outcome.position)

        return lambda: atomic(work)

    return prepare


def cancel_job(enrolment_id: int, actor_id: int) -> Job:
    def prepare():
        actor = db.session.get(User, actor_id)

        def work():
            outcome = services.cancel(enrolment_id, actor=actor)
            return placed(outcome.enrolment, False, None, outcome.promoted)

        return lambda: atomic(work)

    return prepare
