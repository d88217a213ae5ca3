"""An organisation's OpenID Connect identity provider, for single sign-on (configured in
`accounts.sso_providers`, used by `accounts.sso_login`)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.accounts.models import Organisation
from booking.core.models import TimestampMixin
from booking.extensions import db


class IdentityProvider(TimestampMixin, db.Model):
    """At most one per organisation. The client secret is needed in plain text to redeem a
    code, so it is stored as given, and never shown back, logged or put in an API answer."""

    __tablename__ = "identity_providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    issuer: Mapped[str] = mapped_column(String(500), nullable=False)
    client_id: Mapped[str] = mapped_column(String(255), nullable=False)
    client_secret: Mapped[str] = mapped_column(String(2000), nullable=False)
    # The provider vouches for its e-mail addresses without an `email_verified` claim
    # (Entra ID sends none): its `email` claim then counts as verified.
    emails_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The organisation's staff may sign in only through this provider (not by password).
    require_sso: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:  # never the secret
        return f"<IdentityProvider {self.organisation_id} {self.issuer}>"
