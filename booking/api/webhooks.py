"""Webhooks, for organisers and administrators: register a URL for some events (the secret
is in the 201 answer only), list, read, remove, and a webhook's delivery log. The rules are
`booking.webhooks.services`'; this module only translates shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Input, Output, Text
from booking.core.db import atomic
from booking.extensions import db
from booking.webhooks import services
from booking.webhooks.models import EVENTS, Webhook, WebhookDelivery

WEBHOOKS = "webhooks"

EventName = Literal[EVENTS]  # type: ignore[valid-type]

ABOUT = (
    "Each delivery is a POST of JSON `{event, delivery, occurred_at, data}` with the headers "
    "`X-Booking-Event`, `X-Booking-Delivery` (a uuid, the same on every retry) and "
    "`X-Booking-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`. "
    "A 2xx answer counts as delivered; anything else is retried with backoff. Events: "
    + ", ".join(f"`{name}`" for name in EVENTS)
    + "."
)


class WebhookIn(Input):
    url: Text = Field(max_length=500, description="http(s); no loopback or private address.")
    events: list[EventName] = Field(min_length=1, max_length=len(EVENTS))


class WebhookOut(Output):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret: shown in this answer only.")


class WebhookList(Output):
    items: list[WebhookOut]


class DeliveryOut(Output):
    id: int
    delivery: str
    event: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryList(Output):
    items: list[DeliveryOut]


def _out(webhook: Webhook) -> WebhookOut:
    return WebhookOut(
        id=webhook.id,
        url=webhook.url,
        events=list(webhook.events),
        active=webhook.active,
        created_at=webhook.created_at,
    )


def _delivery(row: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        delivery=row.delivery_id,
        event=row.event,
        subject=row.subject,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


def _create(url, events, user) -> WebhookCreated:
    webhook, secret = services.register(url, list(events), user)
    return WebhookCreated(**_out(webhook).model_dump(), secret=secret)


@api(
    bp,
    "/webhooks",
    "POST",
    summary="Register a webhook",
    tag=WEBHOOKS,
    organiser=True,
    body=WebhookIn,
    response=WebhookCreated,
    status=201,
    description="Registers a URL for the chosen events; the answer holds the signing secret, "
    "shown this once. " + ABOUT,
    errors={
        403: "`not_organiser`: organisers and administrators only.",
        422: "`unsafe_target`: not http(s), an unknown host, or a host on a loopback, private, "
        "link-local, multicast or reserved address (unless WEBHOOK_ALLOW_PRIVATE_TARGETS); "
        "`unknown_event`; or `validation_failed` for an invalid body.",
    },
)
def create_webhook(user, body: WebhookIn):
    created = atomic(_create, body.url, body.events, user)
    return reply(created, 201)


@api(
    bp,
    "/webhooks",
    "GET",
    summary="The registered webhooks",
    tag=WEBHOOKS,
    organiser=True,
    response=WebhookList,
    errors={403: "`not_organiser`: organisers and administrators only."},
)
def list_webhooks(user):
    """The active webhooks, without their secrets."""
    services.require_organiser(user)
    rows = db.session.scalars(services.active_webhooks())
    return reply(WebhookList(items=[_out(row) for row in rows]))


@api(
    bp,
    "/webhooks/<int:webhook_id>",
    "GET",
    summary="A webhook",
    tag=WEBHOOKS,
    organiser=True,
    response=WebhookOut,
    errors={
        403: "`not_organiser`: organisers and administrators only.",
        404: "`webhook_not_found`.",
    },
)
def get_webhook(user, webhook_id: int):
    """One active webhook, without its secret."""
    return reply(_out(services.get(webhook_id, user)))


@api(
    bp,
    "/webhooks/<int:webhook_id>",
    "DELETE",
    summary="Remove a webhook",
    tag=WEBHOOKS,
    organiser=True,
    response=WebhookOut,
    errors={
        403: "`not_organiser`: organisers and administrators only.",
        404: "`webhook_not_found`.",
    },
)
def delete_webhook(user, webhook_id: int):
    """Nothing more is queued or sent; its pending deliveries are failed. Answers the
    removed webhook."""

    def work() -> WebhookOut:
        services.remove(webhook_id, user)
        return _out(db.session.get(Webhook, webhook_id))

    return reply(atomic(work))


@api(
    bp,
    "/webhooks/<int:webhook_id>/deliveries",
    "GET",
    summary="A webhook's delivery log",
    tag=WEBHOOKS,
    organiser=True,
    response=DeliveryList,
    errors={
        403: "`not_organiser`: organisers and administrators only.",
        404: "`webhook_not_found`.",
    },
)
def list_deliveries(user, webhook_id: int):
    """The latest 50 deliveries, newest first, with their attempts and last answer."""
    rows = services.deliveries(webhook_id, user)
    return reply(DeliveryList(items=[_delivery(row) for row in rows]))
