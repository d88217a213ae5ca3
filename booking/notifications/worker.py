"""The outbox worker: sends what the features queued (invariant 5, nothing said is lost).

One message at a time, each in its own short transaction, so a worker holds at most one
message and never a lock of the enrolment engine (rendering only reads):

- PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1` takes the oldest due row; other
  workers, on any host, skip it and take the next. The message is rendered, built and sent
  while that one row lock is held, then marked and committed.
- SQLite (one writer for the whole database): the row is claimed by moving its
  `next_attempt_at` one lease ahead in a tiny transaction (compare-and-set, so two claimers
  cannot both win); it is sent with no transaction open, so pages can write meanwhile, and
  the outcome is recorded in a second transaction.

A worker killed mid-batch loses nothing: the message it was sending is still `pending` (on
PostgreSQL its transaction dies with the connection; on SQLite its lease runs out) and the
next pass sends it. At most that one message can go out twice, when the server accepted it
just before the worker died and the commit never happened; every attempt carries the same
Message-ID, which mail systems use to recognise the duplicate.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from flask import current_app
from sqlalchemy import select, update

from booking.core.db import atomic, is_postgres, utcnow
from booking.extensions import db
from booking.notifications.duties import leadership_for, run_tick
from booking.notifications.filedrop import FileBackend
from booking.notifications.mime import build
from booking.notifications.models import MessageStatus, OutboxMessage
from booking.notifications.render import Rendered, render
from booking.notifications.smtp import DeliveryError, SmtpBackend, TemporaryFailure, classify

log = logging.getLogger("booking.worker")

JITTER = 0.2  # each retry waits its scheduled delay +-20 %, so a queue does not retry in step
_random = random.Random()  # noqa: S311 - jitter, not secrets


# -- settings -----------------------------------------------------------------------------------


def mail_backend(config=None):
    config = current_app.config if config is None else config
    kind = config.get("MAIL_BACKEND", "file")
    if kind == "smtp":
        return SmtpBackend.from_config(config)
    if kind == "file":
        return FileBackend(config["MAIL_FOLDER"])
    raise RuntimeError(f"MAIL_BACKEND must be 'smtp' or 'file', not {kind!r}")


def sender_addresses(config) -> tuple[str, str]:
    """(From header, envelope sender): MAIL_DEFAULT_SENDER, named after the centre."""
    raw = config.get("MAIL_DEFAULT_SENDER") or config["CENTRE_EMAIL"]
    name, address = raw if isinstance(raw, tuple | list) else parseaddr(raw)
    name = name or config.get("CENTRE_NAME") or ""
    return (formataddr((name, address)) if name else address), address


def retry_minutes(config) -> list[float]:
    raw = config["MAIL_RETRY_MINUTES"]
    items = raw.split(",") if isinstance(raw, str) else raw
    delays = [float(item) for item in items if str(item).strip()]
    if not delays or min(delays) <= 0:
        raise RuntimeError("MAIL_RETRY_MINUTES needs one or more positive numbers of minutes")
    return delays


def _delay(attempts: int, delays: list[float]) -> float:
    return delays[min(attempts, len(delays)) - 1]


def next_attempt_at(attempts: int, created_at: datetime, now: datetime, config=None):
    """When to try again after `attempts` failed tries, or None to give up.

    A message is given up only when the retry schedule has been waited out for
    MAIL_GIVE_UP_HOURS *and* the message is that old, so neither a worker that was down for
    a day nor an organiser's "send again" cuts the retrying short.
    """
    config = current_app.config if config is None else config
    delays = retry_minutes(config)
    give_up = timedelta(hours=float(config["MAIL_GIVE_UP_HOURS"]))
    waited = timedelta(minutes=sum(_delay(k, delays) for k in range(1, attempts)))
    if waited >= give_up and now - created_at >= give_up:
        return None
    minutes = _delay(attempts, delays) * _random.uniform(1 - JITTER, 1 + JITTER)
    return now + timedelta(minutes=minutes)


# -- one message --------------------------------------------------------------------------------


@dataclass
class Attempt:
    outbox_id: int
    outcome: str  # "sent", "retry" or "failed"
    error: DeliveryError | None = None

    @property
    def server_problem(self) -> bool:
        return self.error is not None and self.error.server_problem


@dataclass
class Prepared:
    rendered: Rendered | None = None
    email: EmailMessage | None = None
    error: DeliveryError | None = None


def _due(now: datetime):
    return (
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )


def _prepare(message: OutboxMessage, header_from: str) -> Prepared:
    """Render and build in a savepoint: a failing template must not cost the row lock."""
    try:
        with db.session.begin_nested():
            rendered = render(message)
            email = build(message, rendered, header_from)
    except Exception as error:
        log.exception("outbox render failed id=%s kind=%s", message.id, message.kind)
        reason = f"could not render the message: {type(error).__name__}: {error}"
        return Prepared(error=TemporaryFailure(reason))
    return Prepared(rendered, email)


def _send(connection, prepared: Prepared, recipient: str, envelope_from: str):
    try:
        connection.send(prepared.email, sender=envelope_from, recipient=recipient)
    except Exception as error:
        return classify(error)
    return None


def _record(message: OutboxMessage, prepared: Prepared, error, now: datetime) -> Attempt:
    message.attempts += 1
    if prepared.rendered is not None:  # what was (or would have been) said, for the record
        message.subject = prepared.rendered.subject[:300]
        message.body_text = prepared.rendered.text
        message.body_html = prepared.rendered.html
        message.ics = prepared.rendered.ics
    if error is None:
        message.status, message.sent_at = MessageStatus.SENT, now
        attempt = Attempt(message.id, "sent")
    else:
        message.last_error = str(error)
        retry_at = None
        if not error.permanent:
            retry_at = next_attempt_at(message.attempts, message.created_at, now)
        if retry_at is None:
            if not error.permanent:
                message.last_error = f"gave up after {message.attempts} attempts: {error}"
            message.status = MessageStatus.FAILED
            attempt = Attempt(message.id, "failed", error)
        else:
            message.next_attempt_at = retry_at
            attempt = Attempt(message.id, "retry", error)
    # Ids, codes and exception names only: a server's reply can quote the address.
    why = ""
    if error is not None:
        cause = type(error.__cause__ or error).__name__
        why = f" code={error.code} reason={cause}" if error.code else f" reason={cause}"
    log.info(
        "outbox %s id=%s kind=%s attempts=%s%s",
        attempt.outcome,
        message.id,
        message.kind,
        message.attempts,
        why,
        extra={"outbox_id": message.id, "outcome": attempt.outcome},
    )
    return attempt


def _locked_attempt(connection, now, senders) -> Attempt | None:
    message = db.session.scalars(_due(now or utcnow()).with_for_update(skip_locked=True)).first()
    if message is None:
        return None
    prepared = _prepare(message, senders[0])
    error = prepared.error or _send(connection, prepared, message.email, senders[1])
    return _record(message, prepared, error, now or utcnow())


def _next_locked(connection, now, senders) -> Attempt | None:
    """PostgreSQL: lock one due row (skipping rows other workers hold), send, record: one
    unit of work, never retried (a retry could send the message twice)."""
    return atomic(_locked_attempt, connection, now, senders, attempts=1)


def _claim(now, lease: timedelta) -> int | None:
    """The id of the due message this worker now holds a lease on, 0 when another worker
    claimed the candidate first (look again), None when nothing is due."""
    at = now or utcnow()
    candidate = db.session.scalar(_due(at).with_only_columns(OutboxMessage.id))
    if candidate is None:
        return None
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == candidate,
            OutboxMessage.status == MessageStatus.PENDING,
            OutboxMessage.next_attempt_at <= at,
        )
        .values(next_attempt_at=at + lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    return candidate if claimed == 1 else 0


def _prepare_claimed(message_id: int, header_from: str) -> tuple[Prepared, str]:
    message = db.session.get(OutboxMessage, message_id)
    return _prepare(message, header_from), message.email


def _record_claimed(message_id: int, prepared: Prepared, error, now) -> Attempt:
    message = db.session.get(OutboxMessage, message_id)
    return _record(message, prepared, error, now or utcnow())


def _next_leased(connection, now, senders) -> Attempt | None:
    """SQLite: claim one due row with a lease, send outside any transaction, record. The
    claim and the record are units of work of their own, so no write lock is held while
    the mail server answers (SQLite has one writer for the whole database)."""
    lease = timedelta(seconds=float(current_app.config["WORKER_LEASE_SECONDS"]))
    candidate = 0
    while candidate == 0:
        candidate = atomic(_claim, now, lease)
    if candidate is None:
        return None
    prepared, recipient = atomic(_prepare_claimed, candidate, senders[0])
    error = prepared.error or _send(connection, prepared, recipient, senders[1])
    return atomic(_record_claimed, candidate, prepared, error, now)


# -- a pass over the outbox ---------------------------------------------------------------------


@dataclass
class PassResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    interrupted: bool = False  # the server (or folder) could not be used: stopped early

    @property
    def tried(self) -> int:
        return self.sent + self.retried + self.failed


def drain(
    *,
    backend=None,
    now: datetime | None = None,
    limit: int | None = None,
    stop: threading.Event | None = None,
) -> PassResult:
    """Send what is due, one message per transaction, until nothing is due, `limit` messages
    were tried, `stop` is set, or the server is unusable (the rest waits for the next pass).

    `now` fixes the clock (tests); by default each message is claimed at the current time.
    """
    backend = backend or mail_backend()
    senders = sender_addresses(current_app.config)
    pick = _next_locked if is_postgres() else _next_leased
    result = PassResult()
    with backend.open() as connection:
        while limit is None or result.tried < limit:
            if stop is not None and stop.is_set():
                break
            attempt = pick(connection, now, senders)
            if attempt is None:
                break
            if attempt.outcome == "sent":
                result.sent += 1
            elif attempt.outcome == "retry":
                result.retried += 1
            else:
                result.failed += 1
            if attempt.server_problem:
                result.interrupted = True
                break
    return result


# -- the loop -----------------------------------------------------------------------------------


class Worker:
    """The loop of `flask worker` and of the embedded thread; needs an app context.

    Every WORKER_POLL_SECONDS it sends what is due (straight on while a full batch was
    sent), and at the start of every WORKER_DUTIES_SECONDS (wall clock, so every worker
    ticks at the same moments) it runs the periodic duties if it is the leader.
    """

    def __init__(self, *, duties: bool = True, stop=None, poll=None, batch=None, backend=None):
        config = current_app.config
        self.stop = stop or threading.Event()
        self.poll = float(config["WORKER_POLL_SECONDS"] if poll is None else poll)
        self.batch = int(batch or config["WORKER_BATCH"])
        self.period = int(config["WORKER_DUTIES_SECONDS"])
        self.backend = backend or mail_backend(config)
        self.leadership = leadership_for(db.engine) if duties else None
        self._next_tick = 0.0

    def tick(self, now: datetime | None = None) -> dict | None:
        if self.leadership is None:
            return None
        try:
            return run_tick(self.leadership, now)
        except Exception:
            log.exception("duties failed")
            db.session.rollback()
            return None

    def run_once(self) -> PassResult:
        """`--once`: the duties (if leader), then everything that is due."""
        try:
            self.tick()
            return drain(backend=self.backend, stop=self.stop)
        finally:
            self.close()

    def run_forever(self) -> None:
        log.info("worker started backend=%s", self.backend.name)
        try:
            while not self.stop.is_set():
                wait = self._step()
                if wait > 0:
                    self.stop.wait(wait)
        finally:
            self.close()
            log.info("worker stopped")

    def _step(self) -> float:
        """One round; returns how long to wait before the next."""
        if self.leadership is not None and time.time() >= self._next_tick:
            self.tick()
            self._next_tick = (math.floor(time.time() / self.period) + 1) * self.period
        wait = self.poll
        try:
            result = drain(backend=self.backend, limit=self.batch, stop=self.stop)
            if result.tried >= self.batch and not result.interrupted:
                wait = 0  # more is due: go on
        except Exception:
            log.exception("worker pass failed")
        finally:
            db.session.remove()
        if self.leadership is not None:
            wait = min(wait, max(self._next_tick - time.time(), 0))
        return wait

    def close(self) -> None:
        if self.leadership is not None:
            self.leadership.release()
        db.session.remove()
