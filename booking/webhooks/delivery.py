"""Sending the deliveries: a periodic duty (`webhooks-deliver`), run by the worker's leader,
the outbox's way (booking/notifications/worker.py).

Each delivery is one POST of its stored body (the exact bytes signed) with `X-Booking-Event`,
`X-Booking-Delivery` (its uuid, the same on every attempt, so a receiver can recognise a
repeat) and `X-Booking-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>`. A 2xx
answer is delivered; anything else (another status, a redirect, a timeout, a refused
connection, a target that now resolves to a private address) is retried after
`WEBHOOK_RETRY_MINUTES`, and after `WEBHOOK_MAX_ATTEMPTS` tries it is failed.

In order per subject: a delivery is due only when no earlier delivery of the same webhook
and subject is still pending, so a receiver that is down gets a place's events in the order
they happened once it is back. Each once: on PostgreSQL the row is taken `FOR UPDATE SKIP
LOCKED` and sent under that lock, in one unit of work that is never retried; on SQLite (one
writer) it is claimed with a lease on `next_attempt_at` (compare-and-set), sent with no
transaction open, and the outcome recorded in a second unit of work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from flask import Flask, current_app
from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased

from booking.core.db import atomic, is_postgres, utcnow
from booking.core.errors import DomainError
from booking.extensions import db
from booking.notifications.registry import register_duty
from booking.webhooks import services
from booking.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery

log = logging.getLogger("booking.webhooks")

BATCH = 200  # deliveries at most per tick


def retry_minutes(config) -> list[float]:
    raw = config["WEBHOOK_RETRY_MINUTES"]
    items = raw.split(",") if isinstance(raw, str) else raw
    delays = [float(item) for item in items if str(item).strip()]
    if not delays or min(delays) <= 0:
        raise RuntimeError("WEBHOOK_RETRY_MINUTES needs one or more positive numbers of minutes")
    return delays


def _due(now: datetime):
    earlier = aliased(WebhookDelivery)
    return (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            ~exists().where(
                earlier.webhook_id == WebhookDelivery.webhook_id,
                earlier.subject == WebhookDelivery.subject,
                earlier.status == DeliveryStatus.PENDING,
                earlier.id < WebhookDelivery.id,
            ),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(1)
    )


@dataclass
class Request:
    url: str
    body: bytes
    headers: dict


@dataclass
class Outcome:
    status_code: int | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def _request(delivery: WebhookDelivery) -> Request | Outcome:
    webhook = db.session.get(Webhook, delivery.webhook_id)
    secret = services.secret_of(webhook)
    if secret is None:
        return Outcome(error="the secret cannot be read (SECRET_KEY changed)")
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "booking-webhooks/1",
        "X-Booking-Event": delivery.event,
        "X-Booking-Delivery": delivery.delivery_id,
        "X-Booking-Signature": services.sign(secret, body),
    }
    return Request(webhook.url, body, headers)


def _post(prepared: Request | Outcome) -> Outcome:
    if isinstance(prepared, Outcome):
        return prepared
    try:
        services.check_target(prepared.url)  # again: DNS may have changed since registration
    except DomainError as error:
        return Outcome(error=f"{error.code}: {error.message}")
    timeout = float(current_app.config["WEBHOOK_TIMEOUT_SECONDS"])
    try:
        answer = requests.post(
            prepared.url,
            data=prepared.body,
            headers=prepared.headers,
            timeout=timeout,
            allow_redirects=False,  # a redirect could lead past the target check
        )
    except requests.RequestException as error:
        return Outcome(error=f"{type(error).__name__}")
    answer.close()
    if 200 <= answer.status_code < 300:
        return Outcome(answer.status_code)
    return Outcome(answer.status_code, error=f"HTTP {answer.status_code}")


def _record(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> str:
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:500] if outcome.error else None
    if outcome.delivered:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
        result = "delivered"
    elif delivery.attempts >= int(current_app.config["WEBHOOK_MAX_ATTEMPTS"]):
        delivery.status = DeliveryStatus.FAILED
        result = "failed"
    else:
        delays = retry_minutes(current_app.config)
        minutes = delays[min(delivery.attempts, len(delays)) - 1]
        delivery.next_attempt_at = now + timedelta(minutes=minutes)
        result = "retry"
    log.info(
        "webhook %s delivery=%s webhook=%s event=%s attempts=%s status=%s",
        result,
        delivery.delivery_id,
        delivery.webhook_id,
        delivery.event,
        delivery.attempts,
        outcome.status_code,
    )
    return result


def _locked(now: datetime) -> str | None:
    delivery = db.session.scalars(_due(now).with_for_update(skip_locked=True)).first()
    if delivery is None:
        return None
    return _record(delivery, _post(_request(delivery)), now)


def _claim(now: datetime, lease: timedelta) -> int | None:
    candidate = db.session.scalar(_due(now).with_only_columns(WebhookDelivery.id))
    if candidate is None:
        return None
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == candidate,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    return candidate if claimed == 1 else 0


def _prepare_claimed(delivery_id: int) -> Request | Outcome:
    return _request(db.session.get(WebhookDelivery, delivery_id))


def _record_claimed(delivery_id: int, outcome: Outcome, now: datetime) -> str:
    return _record(db.session.get(WebhookDelivery, delivery_id), outcome, now)


def _leased(now: datetime) -> str | None:
    lease = timedelta(seconds=2 * float(current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) + 30)
    candidate = 0
    while candidate == 0:
        candidate = atomic(_claim, now, lease)
    if candidate is None:
        return None
    prepared = atomic(_prepare_claimed, candidate)
    return atomic(_record_claimed, candidate, _post(prepared), now)


def deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Send what is due, one delivery per unit of work; the duty `webhooks-deliver`."""
    now = now or utcnow()
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    for _ in range(BATCH):
        result = atomic(_locked, now, attempts=1) if is_postgres() else _leased(now)
        if result is None:
            break
        counts[result] += 1
    return {f"webhooks_{name}": count for name, count in counts.items() if count}


def register(app: Flask) -> None:
    register_duty(app, "webhooks-deliver", deliver_due)
