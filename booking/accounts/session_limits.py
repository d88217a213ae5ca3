"""How long a log-in session in the browser lasts: an idle limit and an absolute one.

The moments are kept in the signed session cookie (`logged_in_at`, `seen_at`, POSIX seconds),
stamped when someone logs in by any way (Flask-Login's `user_logged_in`) and checked on every
page request. A copied cookie carries the same moments, so it ends when the original would.
Staff roles that see other people's data get the short idle limit; participants, who see only
their own, the longer one. API bearer tokens have their own expiry and are not affected.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from booking.accounts.models import Role, User

LOGGED_IN_AT = "logged_in_at"
SEEN_AT = "seen_at"
STAMPED_FOR = "stamped_for"
# `seen_at` is rewritten at most this often, so the cookie is not sent anew on every request.
SEEN_RESOLUTION_SECONDS = 30


def idle_minutes(user: User) -> float:
    config = current_app.config
    if user.role == Role.PARTICIPANT:
        return config["SESSION_IDLE_MINUTES_PARTICIPANT"]
    return config["SESSION_IDLE_MINUTES"]


def stamp_log_in(session: dict, user: User, now: datetime) -> None:
    """A new log-in starts both clocks. Logging in again as the same person within a session
    (a password change does) keeps the moment of the first one: the absolute limit counts
    from when the person proved who they were, not from their last password change."""
    moment = now.timestamp()
    if session.get(STAMPED_FOR) != user.id or LOGGED_IN_AT not in session:
        session[LOGGED_IN_AT] = moment
    session[STAMPED_FOR] = user.id
    session[SEEN_AT] = moment


def forget(session: dict) -> None:
    for key in (LOGGED_IN_AT, SEEN_AT, STAMPED_FOR):
        session.pop(key, None)


def ended(session: dict, user: User, now: datetime) -> str | None:
    """Why this log-in session is over (a message for the log-in page), or None while it
    lasts; a session that lasts is marked as seen now."""
    moment = now.timestamp()
    try:
        logged_in = float(session[LOGGED_IN_AT])
        seen = float(session.get(SEEN_AT, logged_in))
    except (KeyError, TypeError, ValueError):
        # A session from before the limits existed (or an odd one): the clocks start now.
        stamp_log_in(session, user, now)
        return None
    config = current_app.config
    if moment - logged_in > config["SESSION_MAX_HOURS"] * 3600:
        return _l(
            "You have been logged in for %(hours)s hours, the longest a log-in lasts. "
            "Log in again.",
            hours=f"{config['SESSION_MAX_HOURS']:g}",
        )
    idle = idle_minutes(user)
    if moment - seen > idle * 60:
        return _l(
            "You were logged out after %(minutes)s minutes without activity. Log in again.",
            minutes=f"{idle:g}",
        )
    if moment - seen >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = moment
    return None
