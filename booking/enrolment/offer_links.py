"""Answering an offered place from the e-mail, without logging in.

The offer message links to `/aanbod/<token>`: a page that shows the offer with an accept and a
decline button. Opening the link changes nothing (mail scanners and previews open links); the
buttons post. The token is signed with SECRET_KEY and names the enrolment, the person and the
offer's deadline, so it answers that one offer of that one person and nothing else; whether the
offer is still open is decided by the engine, as for the buttons on the site.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from booking.enrolment.models import Enrolment

SALT = "offer-answer"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _deadline(enrolment: Enrolment) -> int:
    expires = enrolment.offer_expires_at
    return int(expires.timestamp()) if expires is not None else 0


def offer_token(enrolment: Enrolment) -> str:
    return _serializer().dumps([enrolment.id, enrolment.user_id, _deadline(enrolment)])


@dataclass(frozen=True)
class OfferClaim:
    enrolment_id: int
    user_id: int
    deadline: int

    def matches(self, enrolment: Enrolment) -> bool:
        """The token was made for this person's current offer (not an earlier one)."""
        return enrolment.user_id == self.user_id and _deadline(enrolment) == self.deadline


def read_offer_token(token: str) -> OfferClaim | None:
    """The claim of a well-signed token, or None for anything else."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 3 and all(type(v) is int for v in value)):
        return None
    return OfferClaim(*value)
