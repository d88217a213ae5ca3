"""Secrets the app must read back in plain text (a person's TOTP secret, an identity provider's
client secret, a webhook's signing secret) are stored encrypted: Fernet (AES-128-CBC with
HMAC-SHA256) under a key derived from SECRET_KEY by HKDF, one key per purpose. A copy of the
database or a log line so never holds a usable secret; a changed SECRET_KEY makes the stored
ones unreadable (`decrypt` None), and they must be entered again."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# The HKDF labels, one per kind of secret. Never change one: what is stored under it would no
# longer be readable.
TOTP_SECRET = b"booking totp secret"
SSO_CLIENT_SECRET = b"booking sso client secret"
WEBHOOK_SECRET = b"booking webhook secret"


def _fernet(purpose: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str, purpose: bytes) -> str:
    return _fernet(purpose).encrypt(secret.encode()).decode()


def decrypt(stored: str, purpose: bytes) -> str | None:
    """The plain secret, or None when it cannot be read (SECRET_KEY changed since)."""
    try:
        return _fernet(purpose).decrypt(stored.encode()).decode()
    except (InvalidToken, ValueError):
        return None
