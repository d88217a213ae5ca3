"""An organisation's OpenID Connect identity provider, for single sign-on (configured in
`accounts.sso_providers`, used by `accounts.sso_login`)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.accounts.models import Organisation
from booking.core import encryption
from booking.core.models import TimestampMixin
from booking.extensions import db


class IdentityProvider(TimestampMixin, db.Model):
    """At most one per organisation. The client secret is needed in plain text to redeem a
    code, so it is stored encrypted (`core/encryption.py`, like the TOTP secret) and read and
    written in plain text through `client_secret`; never shown back, logged or put in an API
    answer."""

    __tablename__ = "identity_providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    issuer: Mapped[str] = mapped_column(String(500), nullable=False)
    client_id: Mapped[str] = mapped_column(String(255), nullable=False)
    # Fernet under a key derived from SECRET_KEY: a copy of the database holds no usable secret.
    client_secret_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    # The provider vouches for its e-mail addresses without an `email_verified` claim
    # (Entra ID sends none): its `email` claim then counts as verified.
    emails_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The organisation's staff may sign in only through this provider (not by password).
    require_sso: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    organisation: Mapped[Organisation] = relationship()

    @property
    def client_secret(self) -> str | None:
        """The plain secret; None when it cannot be read (SECRET_KEY changed since it was
        stored: an administrator enters it again)."""
        if self.client_secret_encrypted is None:
            return None
        return encryption.decrypt(self.client_secret_encrypted, encryption.SSO_CLIENT_SECRET)

    @client_secret.setter
    def client_secret(self, secret: str) -> None:
        self.client_secret_encrypted = encryption.encrypt(secret, encryption.SSO_CLIENT_SECRET)

    def __repr__(self) -> str:  # never the secret
        return f"<IdentityProvider {self.organisation_id} {self.issuer}>"
