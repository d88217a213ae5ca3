"""Shared by the onboarding and reset tests: the messages in the outbox and the links in them,
read back as the worker renders them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from booking.accounts.models import AccountToken
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render

LINK = re.compile(r"https?://\S+/(welkom|wachtwoord-herstellen)/([A-Za-z0-9_-]+)")


def outbox(kind: str | None = None, email: str | None = None) -> list[OutboxMessage]:
    db.session.rollback()  # a fresh snapshot: see what requests and commands committed
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if email:
        query = query.where(OutboxMessage.email == email)
    return list(db.session.scalars(query))


def link_path(message: OutboxMessage) -> str:
    """The path of the link in the message's plain text, as the worker renders it."""
    found = LINK.search(render(message).text)
    assert found, render(message).text
    return urlsplit(found.group(0)).path


def secret_of(message: OutboxMessage) -> str:
    return link_path(message).rsplit("/", 1)[1]


def tokens(user_id: int | None = None) -> list[AccountToken]:
    db.session.rollback()
    query = select(AccountToken).order_by(AccountToken.id)
    if user_id is not None:
        query = query.where(AccountToken.user_id == user_id)
    return list(db.session.scalars(query))
