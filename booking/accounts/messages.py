"""The messages of accounts: the invitation to choose a password and the reset link
(notifications.registry). Each is about one token (`data["token_id"]`) and carries the seed
its link is made from (`data["seed"]`, onboarding's docstring says why not the link itself).

The codes are stored in `outbox_messages.kind` and wait there until sent: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from booking.accounts.models import AccountToken, User
from booking.accounts.onboarding import MessageCode, link_secret
from booking.core.urls import external_url
from booking.extensions import db
from booking.notifications.formatting import local_datetime
from booking.notifications.registry import Content, kinds_of, register_kinds

FAMILY = "accounts"
TEMPLATES = "accounts/messages"
CODES = (MessageCode.INVITATION, MessageCode.RESET)
SUBJECTS = {
    MessageCode.INVITATION: _l("Welcome to %(centre)s: choose your password"),
    MessageCode.RESET: _l("Choose a new password for %(centre)s"),
}
LABELS = {
    MessageCode.INVITATION: _l("Invitation to choose a password"),
    MessageCode.RESET: _l("Password reset link"),
}
KINDS = kinds_of(CODES, FAMILY, LABELS, SUBJECTS, TEMPLATES)
ENDPOINTS = {
    MessageCode.INVITATION: "onboarding.welcome",
    MessageCode.RESET: "onboarding.reset",
}


@dataclass
class Batch:
    tokens: dict
    users: dict


class AccountMessages:
    """Two queries per batch, whatever its size."""

    name = FAMILY

    def load(self, messages: list) -> Batch:
        ids = {
            m.data.get("token_id")
            for m in messages
            if isinstance((m.data or {}).get("token_id"), int)
        }
        tokens = {}
        if ids:
            tokens = {
                t.id: t
                for t in db.session.scalars(select(AccountToken).where(AccountToken.id.in_(ids)))
            }
        user_ids = {m.user_id for m in messages if m.user_id}
        users = {}
        if user_ids:
            users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        return Batch(tokens, users)

    def describe(self, message, batch: Batch) -> Content:
        data = message.data or {}
        token = batch.tokens.get(data.get("token_id"))
        recipient = batch.users.get(message.user_id) if message.user_id else None
        seed = data.get("seed")
        link = None
        if token is not None and isinstance(seed, str) and token.user_id == message.user_id:
            link = external_url(ENDPOINTS[message.kind], secret=link_secret(seed))
        expires = local_datetime(token.expires_at) if token is not None else ""
        variables = {
            "recipient": recipient.name if recipient is not None else None,
            "email": recipient.email if recipient is not None else message.email,
            "link": link,
            "expires": expires,
            "login_url": external_url("accounts.login"),
            "my_url": external_url("portal.dashboard"),  # the shared footer's link
            "forgot_url": external_url("onboarding.forgot"),
        }
        return Content(variables=variables, subject={"centre": current_app.config["CENTRE_NAME"]})


def register(app: Flask) -> None:
    register_kinds(app, AccountMessages(), KINDS)
