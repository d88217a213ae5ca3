"""Two-step verification: a code from an authenticator app (TOTP, RFC 6238, by pyotp) after
the password, with ten single-use recovery codes for a lost phone.

Who must have it is a setting (`TOTP_REQUIRED_ROLES`); single sign-on is exempt, because the
identity provider enforces its own factors. The secret is stored encrypted with a key derived
from SECRET_KEY (Fernet, `core/encryption.py`), so a copy of the database or a log line never
holds a usable one; recovery codes are stored as SHA-256 digests (80 random bits each, so a
digest cannot be reversed by trying). A code is accepted once: the time step of the last
accepted code is kept and an older or equal one is refused. Wrong codes are counted in the
database, not in the session cookie, which a person could send again unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from booking.accounts import services
from booking.accounts.models import RecoveryCode, TotpCredential, User
from booking.core import encryption
from booking.core.db import for_update, utcnow
from booking.core.errors import Conflict, PermissionDenied, ValidationError
from booking.extensions import db

RECOVERY_CODE_COUNT = 10
# Without 0/O/1/I/L, so a code written on paper reads back unambiguously; 16 characters of
# this 31-letter alphabet are about 79 bits.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_LENGTH = 16
VALID_WINDOW = 1  # the step before and after now too: phones' clocks drift a little


# -- who needs it -------------------------------------------------------------------------------


def required_roles() -> frozenset[str]:
    raw = current_app.config.get("TOTP_REQUIRED_ROLES") or ""
    if isinstance(raw, str):
        raw = raw.split(",")
    return frozenset(part.strip() for part in raw if part and part.strip())


def is_required(user: User) -> bool:
    """Whether this person's role needs a second factor when signing in with a password."""
    return user.role in required_roles()


def credential_of(user: User) -> TotpCredential | None:
    return db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))


def is_enabled(user: User) -> bool:
    """The person has a confirmed authenticator app: a password alone does not sign them in."""
    return (
        db.session.scalar(
            select(TotpCredential.id).where(
                TotpCredential.user_id == user.id, TotpCredential.confirmed_at.is_not(None)
            )
        )
        is not None
    )


def _locked_credential(user: User) -> TotpCredential | None:
    return db.session.scalar(
        for_update(select(TotpCredential).where(TotpCredential.user_id == user.id))
    )


# -- the secret ---------------------------------------------------------------------------------


def _encrypt(secret: str) -> str:
    return encryption.encrypt(secret, encryption.TOTP_SECRET)


def secret_of(credential: TotpCredential) -> str | None:
    """The plain secret, or None when it cannot be read (SECRET_KEY changed since)."""
    return encryption.decrypt(credential.secret, encryption.TOTP_SECRET)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["CENTRE_NAME"]
    )


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG: no script, no style attribute (a strict CSP allows it)."""
    return segno.make_qr(uri, error="m").svg_inline(scale=5, border=2, title=_l("QR code"))


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# -- setting up ---------------------------------------------------------------------------------


def begin_setup(user: User) -> TotpCredential:
    """A new secret to scan, or the one already being set up (a reload shows the same QR code)."""
    credential = _locked_credential(user)
    if credential is not None and credential.confirmed_at is not None:
        raise Conflict(_l("Two-step verification is already on."), code="totp_enabled")
    if credential is not None and secret_of(credential) is not None:
        return credential
    if credential is None:
        credential = TotpCredential(user_id=user.id, secret="")
        db.session.add(credential)
    credential.secret = _encrypt(pyotp.random_base32())
    credential.failed_attempts = 0
    credential.last_used_step = None
    db.session.flush()
    return credential


def _bad_code() -> ValidationError:
    message = _l("This code is not right. Enter the 6 digits your app shows now.")
    return ValidationError(message, fields={"code": message})


def _digits(code: str | None) -> str:
    return "".join((code or "").split())


def _matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step whose code this is, within the window and later than `after`."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_setup(user: User, code: str, now: datetime | None = None) -> list[str]:
    """Turn it on with a first code from the app; returns the recovery codes (shown once)."""
    now = now or utcnow()
    credential = _locked_credential(user)
    if credential is None or credential.confirmed_at is not None:
        raise Conflict(_l("Start again: open the set-up page once more."), code="totp_not_pending")
    secret = secret_of(credential)
    step = _matching_step(secret, _digits(code), now, None) if secret else None
    if step is None:
        raise _bad_code()
    credential.confirmed_at = now
    credential.last_used_step = step
    credential.failed_attempts = 0
    return _new_recovery_codes(user)


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _clean_recovery(code: str | None) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def format_recovery(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(c)) for c in codes)
    db.session.flush()
    return [format_recovery(c) for c in codes]


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def _check_password(user: User, password: str) -> None:
    if not services.password_matches(user, password):
        message = _l("This is not your current password.")
        raise ValidationError(message, fields={"password": message})


def new_recovery_codes(user: User, password: str) -> list[str]:
    """Replace every recovery code (the old ones stop working); needs the password."""
    _check_password(user, password)
    if not is_enabled(user):
        raise Conflict(_l("Two-step verification is off."), code="totp_disabled")
    return _new_recovery_codes(user)


def disable(user: User, password: str) -> None:
    """Turn it off, with the password; not for a role that requires it."""
    if is_required(user):
        raise PermissionDenied(
            _l("Your role requires two-step verification: it cannot be turned off."),
            code="totp_required",
        )
    _check_password(user, password)
    remove(user)


def remove(user: User) -> None:
    """Forget the app and the recovery codes (turning it off, or an administrator's reset for
    someone who lost both). A role that requires it sets it up again at the next log-in."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))


# -- signing in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A person whose password was accepted and whose code is still to come. Kept in the
    (signed) session cookie; the failures are counted in the database from `failed_before`."""

    user_id: int
    session_version: int
    started: float  # a POSIX timestamp
    failed_before: int
    next: str | None = None

    def as_dict(self) -> dict:
        return {
            "user_id": self.user_id,
            "session_version": self.session_version,
            "started": self.started,
            "failed_before": self.failed_before,
            "next": self.next,
        }

    @classmethod
    def from_dict(cls, raw: object) -> Pending | None:
        if not isinstance(raw, dict):
            return None
        try:
            return cls(
                user_id=int(raw["user_id"]),
                session_version=int(raw["session_version"]),
                started=float(raw["started"]),
                failed_before=int(raw["failed_before"]),
                next=raw.get("next") if isinstance(raw.get("next"), str) else None,
            )
        except (KeyError, TypeError, ValueError):
            return None


def start(user: User, next_path: str | None = None, now: datetime | None = None) -> Pending:
    """The password was right and the person has an app: the code is the next step."""
    credential = credential_of(user)
    return Pending(
        user_id=user.id,
        session_version=user.session_version,
        started=(now or utcnow()).timestamp(),
        failed_before=credential.failed_attempts if credential else 0,
        next=next_path,
    )


def pending_user(pending: Pending, now: datetime | None = None) -> tuple[User | None, str | None]:
    """The person waiting for their code, or None and why not (a message to show)."""
    now = now or utcnow()
    limit = timedelta(minutes=current_app.config["TOTP_PENDING_MINUTES"])
    if now - datetime.fromtimestamp(pending.started, now.tzinfo) > limit:
        return None, _l("It took too long to enter the code. Log in again.")
    user = db.session.get(User, pending.user_id)
    if user is None or not user.active or user.session_version != pending.session_version:
        return None, _l("Log in again.")
    credential = credential_of(user)
    if credential is None or credential.confirmed_at is None:
        return None, _l("Log in again.")
    if (
        credential.failed_attempts - pending.failed_before
        >= current_app.config["TOTP_MAX_ATTEMPTS"]
    ):
        return None, _l("Too many wrong codes. Log in again.")
    return user, None


def verify(user: User, code: str, now: datetime | None = None) -> str | None:
    """Check a code from the app or a recovery code: "totp", "recovery", or None when wrong.

    Never raises on a wrong code: the failure is counted, and the count must be committed."""
    now = now or utcnow()
    credential = _locked_credential(user)
    if credential is None or credential.confirmed_at is None:
        return None
    digits = _digits(code)
    if len(digits) == 6 and digits.isdigit():
        secret = secret_of(credential)
        step = _matching_step(secret, digits, now, credential.last_used_step) if secret else None
        if step is not None:
            credential.last_used_step = step
            credential.failed_attempts = 0
            return "totp"
    else:
        cleaned = _clean_recovery(code)
        if len(cleaned) == RECOVERY_LENGTH:
            row = db.session.scalar(
                for_update(
                    select(RecoveryCode).where(
                        RecoveryCode.user_id == user.id,
                        RecoveryCode.code_hash == _recovery_hash(cleaned),
                        RecoveryCode.used_at.is_(None),
                    )
                )
            )
            if row is not None:
                row.used_at = now
                credential.failed_attempts = 0
                return "recovery"
    credential.failed_attempts += 1
    return None
