"""Single sign-on with an organisation's OpenID Connect provider (Entra ID, Keycloak, ...).

The authorization code flow with PKCE (S256), `state` and `nonce`, by Authlib's OAuth2Session;
the ID token's signature is checked against the provider's JWKS and its `iss`, `aud`, `exp`,
`iat` and `nonce` by Authlib's claims classes. A person is matched by a verified e-mail
address to an existing active person of the provider's own organisation: no account is ever
made, and nobody of another organisation is ever logged in.

Network calls (discovery, keys, the token endpoint) never run inside a unit of work: a
provider that is slow to answer must not hold a database transaction (on SQLite, the write
lock) open. So `configure` discovers first and then saves in its own `atomic`, and the log-in
pages call `start` and `finish` outside one and `log_in` inside one.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from flask import current_app
from flask_babel import lazy_gettext as _l
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy import select

from booking.accounts import services
from booking.accounts.models import Organisation, Role, User
from booking.accounts.sso_models import IdentityProvider
from booking.core.db import atomic, utcnow
from booking.core.errors import DomainError, NotFound, PermissionDenied, ValidationError, collect
from booking.core.models import audit
from booking.extensions import db

SCOPES = "openid email profile"
# Asymmetric signatures only: the JWKS holds public keys, and an HMAC token would be
# "signed" with our own client secret.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
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
    if secret is None and existing is None:
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


# -- who may use a password -----------------------------------------------------------------


def sso_required(user: User) -> bool:
    """The person's organisation requires single sign-on, and they are not an administrator
    (administrators keep their password, so a broken provider cannot lock out the people
    who repair its configuration)."""
    if user.organisation_id is None or user.role == Role.ADMIN:
        return False
    provider = provider_of(user.organisation_id)
    return bool(provider and provider.enabled and provider.require_sso)


SSO_REQUIRED = _l(
    "Your organisation signs you in through its own log-in. "
    "Use the button “Log in through your organisation” below."
)


def password_login(email: str, password: str) -> User | None:
    """`services.authenticate`, refused (after a right password only, so the refusal tells
    nobody else whether the address exists) for people whose organisation requires SSO."""
    user = services.authenticate(email, password)
    if user is not None and sso_required(user):
        raise PermissionDenied(SSO_REQUIRED, code="sso_required")
    return user


def check_password_reset(user: User) -> None:
    """For the password reset and invitation pages: no password for people who must use SSO."""
    if sso_required(user):
        raise PermissionDenied(SSO_REQUIRED, code="sso_required")


def login_choices() -> list[tuple[int, str]]:
    """The organisations whose staff can sign in through their provider, for the log-in page."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .join(IdentityProvider, IdentityProvider.organisation_id == Organisation.id)
        .where(IdentityProvider.enabled.is_(True))
        .order_by(Organisation.name)
    )
    return [(row.id, row.name) for row in rows]


# -- the code flow --------------------------------------------------------------------------


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


def enabled_provider(organisation_id: int) -> ProviderSnapshot:
    provider = provider_of(organisation_id)
    if provider is None or not provider.enabled:
        raise NotFound(_l("This organisation does not offer single sign-on."), code="no_provider")
    return ProviderSnapshot(
        organisation_id=provider.organisation_id,
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        emails_verified=provider.emails_verified,
    )


def _client(provider: ProviderSnapshot, metadata: dict, redirect_uri: str) -> OAuth2Session:
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=method,
    )


def start(provider: ProviderSnapshot, redirect_uri: str) -> tuple[str, dict]:
    """The provider's authorization address, and what the callback must find in the
    person's (signed) session cookie to accept the answer: state, nonce, PKCE verifier."""
    metadata = discover(provider.issuer)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43-128
    with _client(provider, metadata, redirect_uri) as client:
        url, _state = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    pending = {
        "organisation_id": provider.organisation_id,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "started": int(time.time()),
    }
    return url, pending


def _key_set(metadata: dict, force: bool = False) -> KeySet:
    try:
        return KeySet.import_key_set(_cached("jwks", metadata["jwks_uri"], force))
    except (JoseError, ValueError, TypeError, KeyError):
        raise SsoError(_l("The identity provider's keys cannot be read."), code="bad_keys")


def verify_id_token(
    provider: ProviderSnapshot,
    metadata: dict,
    id_token: str,
    nonce: str,
    access_token: str | None = None,
    now: int | None = None,
) -> dict:
    """The ID token's claims, once its signature (the provider's JWKS), issuer, audience,
    expiry, issue time, nonce and (with an access token) `at_hash` are right."""
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    registry = JWSRegistry(algorithms=[a for a in offered if a in SIGNING_ALGORITHMS])
    refused = SsoError(_l("The identity provider's answer was not valid."), code="bad_id_token")
    if not isinstance(id_token, str) or len(id_token) > 20_000:
        raise refused
    try:
        try:
            token = jwt.decode(id_token, _key_set(metadata), registry=registry)
        except InvalidKeyIdError:  # the provider may have rotated its keys since we cached
            token = jwt.decode(id_token, _key_set(metadata, force=True), registry=registry)
        claims = CodeIDToken(
            token.claims,
            token.header,
            options={
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},
                "exp": {"essential": True},
                "iat": {"essential": True},
            },
            params={"nonce": nonce, "client_id": provider.client_id, "access_token": access_token},
        )
        claims.validate(now=now, leeway=current_app.config["SSO_CLOCK_SKEW_SECONDS"])
    except (JoseError, ValueError, TypeError) as error:
        current_app.logger.info("SSO: ID token refused (%s)", type(error).__name__)
        raise refused
    return dict(claims)


def finish(pending: dict | None, answer: dict) -> tuple[int, dict]:
    """Check the provider's answer against what `start` kept, redeem the code with the PKCE
    verifier, verify the ID token; returns the organisation and the person's claims."""
    if not pending or not isinstance(pending, dict):
        raise SsoError(
            _l("This log-in was not started here, or it was already used."), code="no_pending"
        )
    state = answer.get("state") or ""
    if not hmac.compare_digest(str(state).encode(), str(pending.get("state", "")).encode()):
        raise SsoError(
            _l("This log-in was not started here, or it was already used."), code="bad_state"
        )
    if time.time() - pending.get("started", 0) > current_app.config["SSO_LOGIN_SECONDS"]:
        raise SsoError(_l("This log-in took too long. Please start again."), code="expired")
    if answer.get("error"):
        raise SsoError(_l("The identity provider did not sign you in."), code="provider_refused")
    code = answer.get("code")
    if not code or len(code) > 4000:
        raise SsoError(_l("The identity provider's answer was not valid."), code="no_code")
    provider = atomic(enabled_provider, pending["organisation_id"])
    metadata = discover(provider.issuer)
    if answer.get("iss") is not None and answer["iss"] != provider.issuer:  # RFC 9207
        raise SsoError(_l("The identity provider's answer was not valid."), code="bad_iss")
    timeout = current_app.config["SSO_HTTP_TIMEOUT"]
    with _client(provider, metadata, pending["redirect_uri"]) as client:
        try:
            token = client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=pending["verifier"],
                timeout=timeout,
            )
        except requests.RequestException as error:
            current_app.logger.warning("SSO: token endpoint failed (%s)", type(error).__name__)
            raise ProviderUnreachable(_l("The identity provider could not be reached."))
        except (AuthlibBaseError, ValueError) as error:  # refused, or not a token answer
            current_app.logger.info("SSO: code refused (%s)", type(error).__name__)
            raise SsoError(
                _l("The identity provider did not accept this log-in."), code="code_refused"
            )
        if "id_token" not in token:
            raise SsoError(_l("The identity provider's answer was not valid."), code="no_id_token")
        claims = verify_id_token(
            provider, metadata, token["id_token"], pending["nonce"], token.get("access_token")
        )
        if "email" not in claims and metadata.get("userinfo_endpoint"):
            claims = {**_userinfo(client, metadata, timeout, claims["sub"]), **claims}
    return provider.organisation_id, claims


def _userinfo(client: OAuth2Session, metadata: dict, timeout: float, subject: str) -> dict:
    """The e-mail claims from the UserInfo endpoint, for providers that keep them out of the
    ID token; only when it speaks of the same subject (OpenID Connect Core 5.3.2)."""
    try:
        response = client.get(metadata["userinfo_endpoint"], timeout=timeout)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError):
        raise ProviderUnreachable(_l("The identity provider could not be reached."))
    if not isinstance(data, dict) or data.get("sub") != subject:
        raise SsoError(_l("The identity provider's answer was not valid."), code="bad_userinfo")
    return {key: data[key] for key in ("email", "email_verified") if key in data}


# -- matching -------------------------------------------------------------------------------


def verified_email(claims: dict, *, provider_vouches: bool) -> str:
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        raise SsoError(
            _l("Your organisation's log-in did not tell us your e-mail address."),
            code="no_email",
        )
    verified = claims.get("email_verified")
    if isinstance(verified, str):  # some providers send "true"
        verified = verified.lower() == "true"
    if verified is not True and not (provider_vouches and verified is None):
        raise SsoError(
            _l("Your organisation's log-in did not confirm that this e-mail address is yours."),
            code="email_not_verified",
        )
    return services.email_key(email)


def match(organisation_id: int, claims: dict) -> User:
    """The active person of this organisation with the verified address; never anyone of
    another organisation, never a new account."""
    provider = provider_of(organisation_id)
    if provider is None or not provider.enabled:
        raise NotFound(_l("This organisation does not offer single sign-on."), code="no_provider")
    email = verified_email(claims, provider_vouches=provider.emails_verified)
    user = services.user_by_email(email)
    if user is None or not user.active or user.organisation_id != organisation_id:
        raise SsoError(
            _l(
                "There is no active account of %(organisation)s with the address %(email)s.",
                organisation=provider.organisation.name,
                email=email,
            ),
            code="no_match",
        )
    return user


def log_in(organisation_id: int, claims: dict) -> User:
    """The unit of work of a successful sign-on: the matched person, their log-in noted."""
    user = match(organisation_id, claims)
    user.last_login_at = utcnow()
    return user


def describe_claims(claims: dict[str, Any]) -> str:
    """For the log: who the provider said it was, without tokens."""
    return f"sub={claims.get('sub')!r}"
