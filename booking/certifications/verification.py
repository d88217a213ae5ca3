"""Verifying a certificate: the codes printed on it (16 random characters, stored only as
their SHA-256 digest and looked up by it) and what a code says to anyone who types it in
(`verify`, one statement for a known, an unknown and a malformed code, under `answer_floor`).
Awarding, withdrawing and revoking are `booking.certifications.services`'."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from booking.accounts.models import User
from booking.certifications.models import Award, Certification
from booking.core.db import utcnow
from booking.core.floors import time_floor
from booking.extensions import db

# Verification codes: 16 characters of an alphabet without 0/O/1/I/L (about 79 bits),
# in groups of four so they can be read from paper and typed.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16
_NOT_CODE = re.compile(r"[^0-9A-Z]")


# -- codes ---------------------------------------------------------------------------------


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    """Upper case, without spaces and dashes, grouped again: what people type is accepted."""
    raw = _NOT_CODE.sub("", (text or "").upper())[: CODE_LENGTH * 2]
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def code_digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


# -- what a code says ----------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """All the verification page and API say: nothing else about the person."""

    status: str
    name: str
    certification: Certification
    issued_at: datetime
    expires_at: datetime | None


_DUMMY_DIGEST = hashlib.sha256(b"no such code").hexdigest()


def answer_floor():
    """Wraps a whole verification answer, lookup and rendering: it never comes before
    VERIFY_FLOOR_SECONDS, so the little a known code costs more (loading the row, a longer
    page) cannot be timed from outside. bench/verification.py measures both ways."""
    return time_floor(float(current_app.config.get("VERIFY_FLOOR_SECONDS", 0.025)))


def verify(code: str, *, now: datetime | None = None) -> Verification | None:
    """The same statement for every input: the lookup is by digest, a malformed code is
    looked up as a digest no row has. Callers answering the public wrap it, and their
    rendering, in `answer_floor`."""
    return _verify(code, now or utcnow())


def _verify(code: str, now: datetime) -> Verification | None:
    normal = normalise_code(code)
    well_formed = len(normal.replace("-", "")) == CODE_LENGTH
    digest = code_digest(normal) if well_formed else _DUMMY_DIGEST
    row = db.session.execute(
        select(Award, User.name)
        .join(User, User.id == Award.user_id)
        .where(Award.code_digest == digest)
    ).first()
    if row is None or not hmac.compare_digest(row[0].code_digest, digest):
        return None
    award, name = row
    status = award.status(now)
    if status == "withdrawn":
        status = "revoked"  # withdrawn or revoked: either way not a certificate to trust
    if status == "erased":
        name = ""  # the holder was erased on request: the page names no one
    return Verification(
        status=str(status),
        name=name,
        certification=award.certification,
        issued_at=award.issued_at,
        expires_at=award.expires_at,
    )
