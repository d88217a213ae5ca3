"""`/deelnemen/<token>`: the one way a participant reaches the meeting's join link (issue 9).

Mails, the place page and the API never show the meeting's own URL, only this link; it
redirects to the meeting while `common.join_state` says the window is open. The token is
signed with SECRET_KEY (salted) and names the enrolment and its person, so it is unguessable,
needs no column, and answers for that one place only. Opening it sends `join_link_opened`, so
that the attendance issue can record it without this module changing.
"""

from __future__ import annotations

from blinker import Namespace
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from booking.core.urls import external_url
from booking.enrolment.models import Enrolment

SALT = "join-link"

signals = Namespace()
join_link_opened = signals.signal("join-link-opened")
"""A participant opened their join link while it was open (sender: the Enrolment; `at`)."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def join_token(enrolment: Enrolment) -> str:
    return _serializer().dumps([enrolment.id, enrolment.user_id])


def join_link(enrolment: Enrolment) -> str:
    return external_url("enrolment.join", token=join_token(enrolment))


def read_join_token(token: str) -> tuple[int, int] | None:
    """(enrolment id, user id) of a well-signed token, or None for anything else."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)):
        return None
    return value[0], value[1]
