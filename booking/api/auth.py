"""Bearer tokens for the API; the browser's session cookie is deliberately never looked at."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from booking.accounts import people
from booking.accounts.models import User
from booking.accounts.services import user_for_token
from booking.api.errors import Unauthorized
from booking.core.db import atomic
from booking.core.errors import PermissionDenied
from booking.extensions import db


@dataclass(frozen=True)
class ApiCaller:
    """Who made an API request, as the request log records it."""

    id: int


def _keep_token_use() -> None:
    """The unit of work that commits the token's `last_used_at`, already set by
    `user_for_token` (so it is called with one attempt: after a rollback a retry would have
    nothing left to write)."""


def bearer_user() -> User | None:
    """The token's owner, or None when no Authorization header was sent (anonymous reading).

    A header that is sent but wrong is a 401 even for reading: a client with a broken token
    should learn so, not silently see less.
    """
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(
            "Send the token as 'Authorization: Bearer <token>'.", code="invalid_token"
        )
    user = user_for_token(token)
    if user is None:
        raise Unauthorized(
            "This token is unknown, revoked, or its account is inactive.", code="invalid_token"
        )
    if db.session.dirty:  # last_used_at was touched: keep it, whatever the request does next
        atomic(_keep_token_use, attempts=1)
    # For the request log, which needs only the id: the User itself is expired by the
    # endpoint's commit, and reading its id afterwards would cost one more statement.
    g.api_user = ApiCaller(id=user.id)
    return user


def require_token(user: User | None) -> User:
    if user is None:
        raise Unauthorized("This needs a bearer token.")
    return user


def require_organiser(user: User | None) -> User:
    """Writes are for organisers and administrators (they run the catalogue and schedule)."""
    if user is None:
        raise Unauthorized("This needs a bearer token of an organiser or administrator.")
    if not user.is_organiser:
        raise PermissionDenied("Only organisers and administrators may do this.")
    return user


def require_admin(user: User | None) -> User:
    """Organisations, people and their sign-in are the administrators' (accounts.people)."""
    if user is None:
        raise Unauthorized("This needs a bearer token of an administrator.")
    people.require_admin(user)
    return user
