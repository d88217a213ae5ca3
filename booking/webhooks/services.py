"""Webhooks' rules: who registers them (organisers and administrators), which targets are
allowed (no loopback, private, link-local, multicast or reserved address unless
`WEBHOOK_ALLOW_PRIVATE_TARGETS`: checked at registration and again before every delivery,
as DNS may change), the signing secret (random, shown once, stored encrypted), and turning a
domain event into one delivery per active webhook subscribed to it (`queue`, in the caller's
transaction)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, literal, select, update

from booking.accounts.models import User
from booking.core.db import utcnow
from booking.core.encryption import WEBHOOK_SECRET, decrypt, encrypt
from booking.core.errors import NotFound, PermissionDenied, ValidationError
from booking.extensions import db
from booking.webhooks.models import EVENTS, DeliveryStatus, Webhook, WebhookDelivery

URL_MAX = 500


class UnsafeTarget(ValidationError):
    code = "unsafe_target"


def require_organiser(actor: User | None) -> User:
    if actor is None or not actor.is_organiser:
        raise PermissionDenied(
            _l("Only organisers and administrators manage webhooks."), code="not_organiser"
        )
    return actor


# -- targets ------------------------------------------------------------------------------------


def _allow_private() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE_TARGETS"))


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]


def _public(address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_target(url: str) -> None:
    """Raise `UnsafeTarget` (422 `unsafe_target`) for a URL the app must not post to."""
    if len(url) > URL_MAX:
        raise UnsafeTarget(
            _l("The URL is too long."), fields={"url": [_l("At most 500 characters.")]}
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host:
        raise UnsafeTarget(
            _l("The URL must start with http:// or https:// and name a host."),
            fields={"url": [_l("Use an http:// or https:// address.")]},
        )
    addresses = _addresses(host)
    if not addresses:
        raise UnsafeTarget(
            _l("The URL's host could not be found."),
            fields={"url": [_l("This host could not be found.")]},
        )
    if _allow_private():
        return
    if not all(_public(address) for address in addresses):
        raise UnsafeTarget(
            _l("The URL points to a loopback, private or reserved address."),
            fields={"url": [_l("Use a public address.")]},
        )


# -- webhooks -----------------------------------------------------------------------------------


def _check_events(events: list[str]) -> list[str]:
    unknown = [event for event in events if event not in EVENTS]
    if not events or unknown:
        raise ValidationError(
            _l("Choose one or more of the listed events."),
            code="unknown_event",
            fields={"events": [_l("Choose one or more of the listed events.")]},
        )
    return [event for event in EVENTS if event in events]  # known order, no repeats


def register(url: str, events: list[str], actor: User) -> tuple[Webhook, str]:
    """A new webhook and its secret (the only time the plain secret leaves the service)."""
    require_organiser(actor)
    url = url.strip()
    chosen = _check_events(events)
    check_target(url)
    secret = secrets.token_hex(32)
    webhook = Webhook(
        url=url,
        events=chosen,
        secret_encrypted=encrypt(secret, WEBHOOK_SECRET),
        active=True,
        created_by_id=actor.id,
    )
    db.session.add(webhook)
    db.session.flush()
    forget_subscriptions()
    return webhook, secret


def active_webhooks():
    return select(Webhook).where(Webhook.active.is_(True)).order_by(Webhook.id)


def get(webhook_id: int, actor: User) -> Webhook:
    require_organiser(actor)
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None or not webhook.active:
        raise NotFound(_l("No such webhook."), code="webhook_not_found")
    return webhook


def remove(webhook_id: int, actor: User, now: datetime | None = None) -> None:
    """Deactivate: nothing more is queued or sent; its delivery log stays in the database."""
    webhook = get(webhook_id, actor)
    webhook.active = False
    forget_subscriptions()
    db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.webhook_id == webhook.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(
            status=DeliveryStatus.FAILED, last_error="webhook removed", updated_at=now or utcnow()
        )
    )


def deliveries(webhook_id: int, actor: User, limit: int = 50) -> list[WebhookDelivery]:
    get(webhook_id, actor)
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def secret_of(webhook: Webhook) -> str | None:
    return decrypt(webhook.secret_encrypted, WEBHOOK_SECRET)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# -- events -------------------------------------------------------------------------------------


def body_of(event: str, delivery: str, occurred_at: datetime, data: dict) -> str:
    payload = {
        "event": event,
        "delivery": delivery,
        "occurred_at": occurred_at.isoformat(),
        "data": data,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str)


def forget_subscriptions() -> None:
    """This process reads the subscriptions again at the next change (after a registration
    or a removal)."""
    current_app.extensions.pop("webhook_subscriptions", None)


def subscriptions(connection) -> dict[str, list[int]]:
    """Event name -> the ids of the active webhooks subscribed to it. Read once per
    `WEBHOOK_SUBSCRIPTIONS_SECONDS` per process (and again here after a registration or
    removal), so a change of a place costs no statement when nobody listens; another
    process sees a new webhook within that time. A stale id costs nothing wrong: `queue`
    writes only for a webhook that is still active."""
    cached = current_app.extensions.get("webhook_subscriptions")
    now = time.monotonic()
    ttl = float(current_app.config["WEBHOOK_SUBSCRIPTIONS_SECONDS"])
    if cached is not None and now - cached[0] < ttl:
        return cached[1]
    table = Webhook.__table__
    found: dict[str, list[int]] = {}
    rows = connection.execute(
        select(table.c.id, table.c.events).where(table.c.active.is_(True)).order_by(table.c.id)
    )
    for webhook_id, events in rows:
        for event in events or ():
            found.setdefault(event, []).append(webhook_id)
    current_app.extensions["webhook_subscriptions"] = (now, found)
    return found


def queue(
    connection,
    event: str,
    subject: str,
    data: dict,
    webhook_ids: list[int],
    now: datetime | None = None,
) -> int:
    """One pending delivery of `event` per webhook in `webhook_ids` (those subscribed to it),
    written on `connection`: the sender's, so it commits or rolls back with the change."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    now = now or utcnow()
    values = []
    for webhook_id in webhook_ids:
        delivery = str(uuid.uuid4())
        values.append(
            {
                "webhook_id": webhook_id,
                "event": event,
                "subject": subject,
                "delivery_id": delivery,
                "body": body_of(event, delivery, now, data),
                "status": DeliveryStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    written = 0
    table, hooks = WebhookDelivery.__table__, Webhook.__table__
    for row in values:  # only for a webhook still active (the subscriptions may be stale)
        columns = list(row)
        source = select(*(literal(row[name]) for name in columns)).where(
            hooks.c.id == row["webhook_id"], hooks.c.active.is_(True)
        )
        written += connection.execute(
            insert(table).from_select([table.c[name] for name in columns], source)
        ).rowcount
    return written
