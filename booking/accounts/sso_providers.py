"""Single sign-on's identity providers: an organisation's OpenID Connect provider (Entra ID,
Keycloak, ...) as administrators configure it (issuer, client id, write-only secret), and what
this app learns from it: the discovery document and the key set (JWKS), fetched and cached per
process. The log-in itself is `booking.accounts.sso_login`'s.

Network calls (discovery, keys) never run inside a unit of work: a provider that is slow to
answer must not hold a database transaction (on SQLite, the write lock) open. So `configure`
discovers first and then saves in its own `atomic`.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from flask import current_app
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select

from booking.accounts.models import Organisation, Role, User
from booking.accounts.sso_models import IdentityProvider
from booking.core.db import atomic
from booking.core.errors import DomainError, NotFound, PermissionDenied, ValidationError, collect
from booking.core.models import audit
from booking.extensions import db

CACHE_SECONDS = 300  # discovery documents and key sets, per process
_LOOPBACK_NAMES = {"localhost"}

_cache: dict[tuple[str, str], tuple[float, dict]] = {}


class SsoError(DomainError):
    """A single sign-on that did not succeed; `code` says why (for the page and the log)."""

    status = 400
    code = "sso_failed"


class ProviderUnreachable(SsoError):
    status = 502
    code = "provider_unreachable"


# -- configuration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderInput:
    issuer: str
    client_id: str
    client_secret: str | None  # None or "": keep the stored one
    emails_verified: bool = False
    require_sso: bool = False
    enabled: bool = True


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_issuer(raw: str | None) -> str:
    """The issuer as the provider names itself: an https address without query or fragment
    (http only for a provider on this machine, with SSO_ALLOW_LOOPBACK_ISSUER)."""
    issuer = (raw or "").strip()
    problem = None
    try:
        parts = urlsplit(issuer)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if not issuer:
        problem = _l("Enter the issuer address of the identity provider.")
    elif len(issuer) > 500:
        problem = _l("Use at most 500 characters.")
    elif parts is None or not host or parts.query or parts.fragment or parts.username:
        problem = _l("Enter an address like https://login.example.nl/realms/gemeente.")
    elif _is_loopback(host):
        if not current_app.config["SSO_ALLOW_LOOPBACK_ISSUER"]:
            problem = _l("An identity provider on this machine is not allowed here.")
        elif parts.scheme not in ("http", "https"):
            problem = _l("Enter an address like https://login.example.nl/realms/gemeente.")
    elif parts.scheme != "https":
        problem = _l("The issuer address must start with https://.")
    if problem:
        raise ValidationError(problem, fields={"issuer": problem})
    return issuer.rstrip("/") if parts.path in ("", "/") else issuer


def _get_json(url: str) -> dict:
    try:
        response = requests.get(
            url, timeout=current_app.config["SSO_HTTP_TIMEOUT"], allow_redirects=False
        )
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        current_app.logger.warning("SSO: no answer from %s (%s)", url, type(error).__name__)
        raise ProviderUnreachable(_l("The identity provider could not be reached."))
    if not isinstance(data, dict):
        raise ProviderUnreachable(_l("The identity provider gave an answer we cannot read."))
    return data


def _cached(kind: str, url: str, force: bool = False) -> dict:
    key = (kind, url)
    hit = _cache.get(key)
    if hit and not force and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    data = _get_json(url)
    _cache[key] = (time.monotonic(), data)
    return data


def forget_cached() -> None:
    """Drop what was learnt about providers (after a provider's keys were rotated, in tests)."""
    _cache.clear()


def discover(issuer: str, *, force: bool = False) -> dict:
    """The provider's metadata from `<issuer>/.well-known/openid-configuration`, checked: it
    names the same issuer (OpenID Connect Discovery 1.0, section 4.3), has the endpoints of
    the code flow, and offers PKCE with S256 when it lists its methods."""
    metadata = _cached("discovery", issuer + "/.well-known/openid-configuration", force)
    if metadata.get("issuer") != issuer:
        raise SsoError(
            _l("The identity provider names another issuer than the one configured."),
            code="issuer_mismatch",
        )
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(endpoint), str):
            raise SsoError(
                _l("The identity provider does not offer the log-in this app needs."),
                code="provider_incomplete",
            )
    methods = metadata.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise SsoError(_l("The identity provider does not offer PKCE with S256."), code="no_pkce")
    return metadata


def check_input(values: ProviderInput, existing: IdentityProvider | None) -> ProviderInput:
    """The shape of a configuration, every problem at once; returns it tidied."""
    errors: dict = {}
    issuer = ""
    try:
        issuer = normalise_issuer(values.issuer)
    except ValidationError as error:
        errors.update(error.fields)
    client_id = (values.client_id or "").strip()
    if not client_id:
        errors["client_id"] = _l("Enter the client id.")
    elif len(client_id) > 255:
        errors["client_id"] = _l("Use at most 255 characters.")
    secret = values.client_secret or None
    # A stored secret that can no longer be read (SECRET_KEY changed) must be entered again.
    if secret is None and (existing is None or existing.client_secret is None):
        errors["client_secret"] = _l("Enter the client secret.")
    elif secret is not None and (len(secret) > 2000 or secret != secret.strip()):
        errors["client_secret"] = _l(
            "Enter the client secret as given, without spaces around it (at most 2000 characters)."
        )
    if values.require_sso and not values.enabled:
        errors["require_sso"] = _l("Single sign-on can only be required while it is enabled.")
    for name in ("issuer", "client_id", "client_secret"):
        value = getattr(values, name) or ""
        if "\x00" in value:
            errors[name] = _l("Text cannot contain NUL characters.")
    collect(errors)
    return ProviderInput(
        issuer=issuer,
        client_id=client_id,
        client_secret=secret,
        emails_verified=bool(values.emails_verified),
        require_sso=bool(values.require_sso),
        enabled=bool(values.enabled),
    )


def provider_of(organisation_id: int) -> IdentityProvider | None:
    return db.session.scalar(
        select(IdentityProvider).where(IdentityProvider.organisation_id == organisation_id)
    )


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("No such organisation."))
    return organisation


def require_admin(actor: User) -> None:
    if actor is None or actor.role != Role.ADMIN:
        raise PermissionDenied(
            _l("Only administrators configure single sign-on."), code="not_admin"
        )


def save_provider(organisation_id: int, values: ProviderInput, *, actor: User):
    """Store an organisation's provider (one unit of work; `configure` discovers first).
    The audit entry names what changed, never the secret."""
    require_admin(actor)
    _organisation(organisation_id)
    existing = provider_of(organisation_id)
    values = check_input(values, existing)
    before = describe(existing) if existing else None
    provider = existing or IdentityProvider(organisation_id=organisation_id)
    provider.issuer = values.issuer
    provider.client_id = values.client_id
    if values.client_secret:
        provider.client_secret = values.client_secret
    provider.emails_verified = values.emails_verified
    provider.require_sso = values.require_sso
    provider.enabled = values.enabled
    if existing is None:
        db.session.add(provider)
    db.session.flush()
    after = describe(provider)
    if values.client_secret and existing is not None:
        after["secret_changed"] = True
    audit(actor, "identity_provider.save", provider, before=before, after=after)
    return provider


def configure(organisation_id: int, values: ProviderInput, *, actor: User) -> IdentityProvider:
    """Check a configuration and, when it is enabled, that its issuer answers as an OpenID
    provider; then save it. The one entry point of the page and the API."""
    require_admin(actor)
    atomic(_organisation, organisation_id)  # an unknown organisation before any network call
    existing = atomic(provider_of, organisation_id)
    tidy = check_input(values, existing)
    if tidy.enabled:
        try:
            discover(tidy.issuer, force=True)
        except SsoError as error:
            raise ValidationError(error.message, fields={"issuer": error.message})
    return atomic(save_provider, organisation_id, tidy, actor=actor)


def describe(provider: IdentityProvider) -> dict:
    """What may be shown of a configuration: everything but the secret."""
    return {
        "organisation_id": provider.organisation_id,
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_secret_set": bool(provider.client_secret),
        "emails_verified": provider.emails_verified,
        "require_sso": provider.require_sso,
        "enabled": provider.enabled,
    }


# -- what the log-in reads of a provider -----------------------------------------------------


@dataclass(frozen=True)
class ProviderSnapshot:
    """What the flow needs of a provider row, read in a unit of work and used outside it."""

    organisation_id: int
    issuer: str
    client_id: str
    client_secret: str
    emails_verified: bool

    def __repr__(self) -> str:  # never the secret, not even in a traceback
        return f"ProviderSnapshot({self.organisation_id}, {self.issuer!r}, {self.client_id!r})"


SECRET_UNREADABLE = _l(
    "This organisation's identity provider cannot be used now: its stored client secret can "
    "no longer be read. An administrator must enter it again."
)


def enabled_provider(organisation_id: int) -> ProviderSnapshot:
    provider = provider_of(organisation_id)
    if provider is None or not provider.enabled:
        raise NotFound(_l("This organisation does not offer single sign-on."), code="no_provider")
    client_secret = provider.client_secret
    if client_secret is None:  # stored under another SECRET_KEY
        current_app.logger.warning(
            "SSO: the client secret of organisation %s cannot be decrypted", organisation_id
        )
        raise SsoError(SECRET_UNREADABLE, code="secret_unreadable")
    return ProviderSnapshot(
        organisation_id=provider.organisation_id,
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=client_secret,
        emails_verified=provider.emails_verified,
    )


def key_set(metadata: dict, force: bool = False) -> KeySet:
    """The provider's public keys (its JWKS), cached like its discovery document."""
    try:
        return KeySet.import_key_set(_cached("jwks", metadata["jwks_uri"], force))
    except (JoseError, ValueError, TypeError, KeyError):
        raise SsoError(_l("The identity provider's keys cannot be read."), code="bad_keys")
