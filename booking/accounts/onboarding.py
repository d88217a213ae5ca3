"""Getting in without an administrator: the invitation to choose a first password and the
"wachtwoord vergeten" link, both single use (`AccountToken`).

**The links.** Each token has a random seed (`secrets`); the secret in the link is an HMAC of
that seed under a key derived from SECRET_KEY, and the database keeps only the secret's SHA-256
hash (`account_tokens.token_hash`, the column it is looked up by). The outbox row that carries
the mail holds the seed, not the secret, because the worker renders the mail later
(docs/architecture.md, how a message is sent): so neither a copy of the database nor of the
outbox is a working link without the server's key.

**Spending.** A token is good for one use before `expires_at`. A newer token of the same
purpose supersedes the person's unused ones, and so does any new password (`services.
set_password`), whichever way it was set. Opening a link changes nothing (mail scanners open
links); only posting the form with a good new password spends it.

**After use** the person is sent to the log-in page rather than logged in: so every rule of
logging in (a second factor, an organisation that requires single sign-on, the log-in limits)
stays in the one place that logs people in.

**Purged.** A periodic duty deletes links 30 days past their expiry, used or not.

**No oracle.** `request_reset` does the same for a known, an unknown and an inactive address
as far as anyone outside can tell: no error, no message for the latter two, and the page
answers under `answer_floor` so that the writes for a known one cannot be timed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from booking.accounts import services, sso_login
from booking.accounts.models import AccountToken, TokenPurpose, User
from booking.core.db import atomic, utcnow
from booking.core.errors import PermissionDenied, ValidationError
from booking.core.floors import time_floor
from booking.core.models import audit
from booking.extensions import db
from booking.notifications.registry import register_duty
from booking.notifications.services import queue

KEY_CONTEXT = b"booking.accounts.onboarding link v1"
SECRET_MAX = 100  # a longer path segment is no link of ours


class MessageCode:
    """The message codes of accounts (stored in outbox_messages.kind: never rename)."""

    INVITATION = "account_invitation"
    RESET = "password_reset"


MESSAGE_OF = {
    TokenPurpose.INVITATION: MessageCode.INVITATION,
    TokenPurpose.RESET: MessageCode.RESET,
}


class LinkState(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    UNKNOWN = "unknown"  # never made, mistyped, of the other purpose, or the person is inactive


class LinkUnusable(ValidationError):
    """The link cannot be used (any state but VALID); the page says which and offers a new one."""

    status = 410

    def __init__(self, state: LinkState):
        super().__init__(_l("This link cannot be used."), code=f"link_{state}")
        self.state = state


@dataclass(frozen=True)
class LinkCheck:
    state: LinkState
    token: AccountToken | None = None
    user: User | None = None


# -- the secret in the link -------------------------------------------------------------------


def _key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, KEY_CONTEXT, hashlib.sha256).digest()


def link_secret(seed: str) -> str:
    """The secret in the link of the token made with this seed (the worker calls it)."""
    digest = hmac.new(_key(), seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


_NO_SUCH_HASH = "0" * 64  # looked up for a malformed secret: the same statement as for any


def lifetime(purpose: str) -> timedelta:
    config = current_app.config
    if purpose == TokenPurpose.INVITATION:
        return timedelta(days=float(config["INVITATION_DAYS"]))
    return timedelta(minutes=float(config["PASSWORD_RESET_MINUTES"]))


# -- making and sending links -----------------------------------------------------------------


def _supersede(user: User, purpose: str, now: datetime) -> None:
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.superseded_at.is_(None),
        )
        .values(superseded_at=now)
        .execution_options(synchronize_session=False)
    )


def _issue(user: User, purpose: str, now: datetime) -> AccountToken:
    """A new token of this purpose (the person's unused ones of it are superseded) and its
    message in the outbox, in the caller's transaction."""
    db.session.flush()  # the person's id
    _supersede(user, purpose, now)
    seed = secrets.token_urlsafe(32)
    token = AccountToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=secret_hash(link_secret(seed)),
        expires_at=now + lifetime(purpose),
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    queue(user, MESSAGE_OF[purpose], token_id=token.id, seed=seed)
    return token


def send_invitation(user: User, *, sender: User | None = None) -> AccountToken:
    """Invite the person to choose a password: a link valid INVITATION_DAYS, by mail. The one
    place that sends invitations (the CLI, the import and the administrators' pages call it);
    a new invitation ends the previous unused one. `sender` is the organiser or administrator
    who asked (audited); None for the command line and the import."""
    if sender is not None and not sender.is_organiser:
        raise PermissionDenied(
            _l("Only organisers and administrators send invitations."), code="not_organiser"
        )
    if not user.active:
        message = _l("This account is inactive; activate it before sending an invitation.")
        raise ValidationError(message, code="inactive", fields={"email": message})
    token = _issue(user, TokenPurpose.INVITATION, utcnow())
    if sender is not None:
        audit(sender, "account.invited", user, after={"expires_at": token.expires_at.isoformat()})
    return token


def request_reset(email: str) -> None:
    """ "Wachtwoord vergeten": a short-lived link to the active person with this address, and
    nothing at all for an unknown or inactive one, nor for one whose organisation requires
    single sign-on (the page says the same either way)."""
    user = services.user_by_email(email)
    if user is None or not user.active or sso_login.sso_required(user):
        return
    _issue(user, TokenPurpose.RESET, utcnow())


def answer_floor():
    """Wraps a whole answer to "wachtwoord vergeten": it never comes before
    PASSWORD_RESET_FLOOR_SECONDS, so the writes for a known address cannot be timed."""
    return time_floor(float(current_app.config.get("PASSWORD_RESET_FLOOR_SECONDS", 0.25)))


# -- using a link -----------------------------------------------------------------------------


def _well_formed(secret: str) -> bool:
    return (
        0 < len(secret or "") <= SECRET_MAX
        and secret.isascii()
        and all(c.isalnum() or c in "-_" for c in secret)
    )


def check_link(purpose: str, secret: str, *, now: datetime | None = None) -> LinkCheck:
    """What this link is now, in one statement (by hash; a malformed one looked up as a hash
    no row has). Changes nothing."""
    digest = secret_hash(secret) if _well_formed(secret) else _NO_SUCH_HASH
    row = db.session.execute(
        select(AccountToken, User)
        .join(User, User.id == AccountToken.user_id)
        .where(AccountToken.token_hash == digest)
    ).first()
    if row is None:
        return LinkCheck(LinkState.UNKNOWN)
    token, user = row
    if token.purpose != purpose or not user.active:
        return LinkCheck(LinkState.UNKNOWN)
    if token.used_at is not None:
        state = LinkState.USED
    elif token.superseded_at is not None:
        state = LinkState.SUPERSEDED
    elif token.expires_at <= (now or utcnow()):
        state = LinkState.EXPIRED
    else:
        state = LinkState.VALID
    return LinkCheck(state, token, user)


def use_link(purpose: str, secret: str, password: str, *, now: datetime | None = None) -> User:
    """Set the password through a link: once, before it expires. The token's row is locked
    first, so two posts of the same link cannot both use it. Raises LinkUnusable, or
    ValidationError (field "password") for a password the rules refuse; then the link stays
    good for another try."""
    now = now or utcnow()
    check = check_link(purpose, secret, now=now)
    if check.state != LinkState.VALID:
        raise LinkUnusable(check.state)
    token = db.session.scalars(
        select(AccountToken)
        .where(AccountToken.id == check.token.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if token.used_at is not None or token.superseded_at is not None:
        raise LinkUnusable(LinkState.USED if token.used_at else LinkState.SUPERSEDED)
    user = check.user
    problem = services.password_problem(password, user)
    if problem:
        raise ValidationError(problem, fields={"password": problem})
    token.used_at = now
    db.session.flush()  # spent before set_password supersedes the person's other links
    services.set_password(user, password)
    audit(user, f"account.{purpose}_used", user)
    return user


# -- the periodic duty ------------------------------------------------------------------------

SPENT_KEPT = timedelta(days=30)  # a spent link's row, for questions ("I never got in"), then gone


def _purge(now: datetime) -> int:
    result = db.session.execute(
        delete(AccountToken)
        .where(AccountToken.expires_at < now - SPENT_KEPT)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def purge_spent_links(now: datetime | None = None) -> dict[str, int]:
    """Links past their expiry for 30 days are deleted (used or not): nothing is kept about a
    person longer than it serves. Idempotent, one statement."""
    return {"account_links_purged": atomic(_purge, now or utcnow())}


def register(app: Flask) -> None:
    register_duty(app, "account-links-purge", purge_spent_links)
