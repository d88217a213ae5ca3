"""`flask --app booking worker` as the real process: killed with SIGKILL mid-batch it loses
nothing, SIGTERM lets it finish the message it is sending, `--once` exits 0, and a killed
leader hands the periodic duties over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from booking.core.db import utcnow
from booking.extensions import db
from booking.notifications.duties import leadership_for
from booking.notifications.models import OutboxMessage
from tests.enrolment.helpers import enrol
from tests.notifications.test_smtp import smtp_server
from tests.notifications.test_worker import queue_messages, rows

FIXTURES = (smtp_server,)
ROOT = Path(__file__).resolve().parents[2]


def worker_env(database_url: str, port: int, **extra) -> dict:
    env = {
        **os.environ,
        "BOOKING_CONFIG": "testing",
        "TEST_DATABASE_URL": database_url,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "MAIL_TIMEOUT": "5",
        "WORKER_POLL_SECONDS": "0.2",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "booking", *args]


def wait_until(condition, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.02)


def outbox_unlocked() -> bool:
    """No other backend holds a lock on the outbox (PostgreSQL noticed the dead worker)."""
    db.session.rollback()
    held = db.session.scalar(
        text(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'outbox_messages' AND l.pid <> pg_backend_pid()"
        )
    )
    db.session.rollback()
    return held == 0


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_a_worker_killed_mid_batch_loses_nothing(
    make, database_url, smtp_server, is_postgres, processes
):
    queue_messages(make, 8)
    handler = smtp_server.handler
    handler.delay = 0.4
    env = worker_env(database_url, smtp_server.port, WORKER_LEASE_SECONDS=3)
    worker = subprocess.Popen(flask("worker", "--no-duties"), env=env, cwd=ROOT)
    processes.append(worker)
    wait_until(lambda: handler.started >= 3, what="the third message to be under way")
    worker.send_signal(signal.SIGKILL)  # while the server is still taking the third message
    worker.wait(10)

    at_kill = rows()
    assert any(m.status == "sent" for m in at_kill)  # it had sent some ...
    assert sum(m.status == "pending" for m in at_kill) >= 6  # ... and died in the middle
    if is_postgres:
        wait_until(outbox_unlocked, timeout=10, what="PostgreSQL to drop the dead worker's lock")
    else:
        time.sleep(3.2)  # the lease of the message it was sending runs out

    handler.delay = 0
    done = subprocess.run(flask("worker", "--once", "--no-duties"), env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0
    after = rows()
    assert {m.status for m in after} == {"sent"}
    received = handler.message_ids()
    assert set(received) == {m.message_id for m in after}  # every message delivered
    assert sum(received.values()) - len(after) <= 1  # at most the one in flight twice


def test_sigterm_finishes_the_message_being_sent_then_stops(
    make, database_url, smtp_server, processes
):
    queue_messages(make, 6)
    handler = smtp_server.handler
    handler.delay = 0.5
    env = worker_env(database_url, smtp_server.port)
    worker = subprocess.Popen(flask("worker", "--no-duties"), env=env, cwd=ROOT)
    processes.append(worker)
    wait_until(lambda: handler.started >= 2, what="the second message to be under way")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0
    after = rows()
    sent = [m for m in after if m.status == "sent"]
    assert len(sent) == handler.started == len(handler.received)  # the one in flight finished
    assert any(m.status == "pending" and m.attempts == 0 for m in after)  # then it stopped


def test_worker_once_sends_what_is_due_into_the_mail_folder_and_exits_0(
    app, make, tmp_path, monkeypatch
):
    queue_messages(make, 2)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    assert len(list(tmp_path.glob("*.eml"))) == 2
    assert {m.status for m in rows()} == {"sent"}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


def test_worker_once_with_the_server_down_keeps_everything_and_exits_0(
    database_url, make, smtp_server
):
    queue_messages(make, 2)
    smtp_server.handler.outage = True
    env = worker_env(database_url, smtp_server.port)
    done = subprocess.run(
        flask("worker", "--once", "--no-duties"),
        env=env,
        cwd=ROOT,
        timeout=120,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    assert b"stopped early" in done.stdout
    assert {(m.status, m.attempts) for m in rows()} == {("pending", 1), ("pending", 0)}


def test_a_killed_leader_hands_the_duties_to_the_next_worker(
    make, database_url, smtp_server, processes
):
    session = make.session(start=(utcnow() + timedelta(hours=5)).replace(second=0, microsecond=0))
    enrol(session, make.user())
    db.session.commit()
    env = worker_env(database_url, smtp_server.port, WORKER_DUTIES_SECONDS=3600)
    worker = subprocess.Popen(flask("worker"), env=env, cwd=ROOT)
    processes.append(worker)

    def reminded() -> bool:
        db.session.rollback()
        return bool(
            db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "reminder"))
        )

    wait_until(reminded, what="the worker's first tick to queue the reminder")
    other = leadership_for(db.engine)
    try:
        assert other.acquire() is False  # the running worker leads
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        wait_until(other.acquire, timeout=15, what="the lock of the dead leader to be free")
    finally:
        other.release()
