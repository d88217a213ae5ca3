"""An organisation's single sign-on provider (OpenID Connect), for administrators. The
client secret is write-only: no answer ever holds it. The rules are
`booking.accounts.sso_providers`'; this module only translates shapes."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from pydantic import Field, StrictBool

from booking.accounts import sso_login, sso_providers
from booking.accounts.models import Organisation
from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Input, Output, Text
from booking.core.db import atomic
from booking.core.errors import NotFound
from booking.extensions import db

IDENTITY_PROVIDERS = "identity providers"


class IdentityProviderIn(Input):
    issuer: Text = Field(
        max_length=500,
        description="The provider's issuer, as its `/.well-known/openid-configuration` names "
        "it (https), e.g. `https://login.microsoftonline.com/<tenant>/v2.0`.",
    )
    client_id: Text = Field(max_length=255)
    client_secret: Text | None = Field(
        None,
        max_length=2000,
        description="Write-only. Needed the first time; left out or null keeps the stored one.",
    )
    emails_verified: StrictBool = Field(
        False,
        description="The provider vouches for its `email` claim without `email_verified` "
        "(Entra ID).",
    )
    require_sso: StrictBool = Field(
        False, description="Staff (not administrators) may not log in with a password."
    )
    enabled: StrictBool = True


class IdentityProviderOut(Output):
    organisation_id: int
    issuer: str
    client_id: str
    client_secret_set: bool = Field(description="Whether a secret is stored (never the secret).")
    emails_verified: bool
    require_sso: bool
    enabled: bool
    redirect_uri: str = Field(description="To register at the provider as the redirect URI.")
    scopes: str


def _out(described: dict) -> IdentityProviderOut:
    return IdentityProviderOut(
        **described, redirect_uri=url_for("sso.callback", _external=True), scopes=sso_login.SCOPES
    )


def _read(organisation_id: int) -> dict:
    if db.session.get(Organisation, organisation_id) is None:
        raise NotFound(_l("No such organisation."), code="organisation_not_found")
    provider = sso_providers.provider_of(organisation_id)
    if provider is None:
        raise NotFound(
            _l("This organisation has no identity provider."), code="no_identity_provider"
        )
    return sso_providers.describe(provider)


@api(
    bp,
    "/organisations/<int:organisation_id>/identity-provider",
    "GET",
    summary="An organisation's single sign-on provider",
    tag=IDENTITY_PROVIDERS,
    auth="admin",
    response=IdentityProviderOut,
    errors={
        403: "`not_admin`: administrators only.",
        404: "`organisation_not_found`, or `no_identity_provider` when none is configured.",
    },
)
def get_identity_provider(user, organisation_id: int):
    """The configuration without its secret (`client_secret_set` says whether one is stored),
    and the redirect URI and scopes to register at the provider."""
    sso_providers.require_admin(user)
    return reply(_out(atomic(_read, organisation_id)))


@api(
    bp,
    "/organisations/<int:organisation_id>/identity-provider",
    "PUT",
    summary="Configure an organisation's single sign-on provider",
    tag=IDENTITY_PROVIDERS,
    auth="admin",
    body=IdentityProviderIn,
    response=IdentityProviderOut,
    errors={
        403: "`not_admin`: administrators only.",
        404: "`not_found`: no such organisation.",
        422: "`validation_failed` with `fields`: an issuer that is not https or does not "
        "answer as an OpenID provider (when enabled), a missing client id or first secret, "
        "`require_sso` while not enabled; or an invalid body.",
    },
)
def put_identity_provider(user, organisation_id: int, body: IdentityProviderIn):
    """Creates or replaces the configuration. When `enabled`, the issuer's discovery
    document is fetched and checked first."""
    values = sso_providers.ProviderInput(
        issuer=body.issuer,
        client_id=body.client_id,
        client_secret=body.client_secret,
        emails_verified=body.emails_verified,
        require_sso=body.require_sso,
        enabled=body.enabled,
    )
    sso_providers.configure(organisation_id, values, actor=user)
    return reply(_out(atomic(_read, organisation_id)))
