"""Single sign-on's log-in with an organisation's OpenID Connect provider.

The authorization code flow with PKCE (S256), `state` and `nonce`, by Authlib's OAuth2Session;
the ID token's signature is checked against the provider's JWKS and its `iss`, `aud`, `exp`,
`iat` and `nonce` by Authlib's claims classes. A person is matched by a verified e-mail
address to an existing active person of the provider's own organisation: no account is ever
made, and nobody of another organisation is ever logged in. Also who may still use a password
(`require_sso`). The provider's configuration, discovery and keys live in
`booking.accounts.sso_providers`.

Network calls (discovery, keys, the token endpoint) never run inside a unit of work: a
provider that is slow to answer must not hold a database transaction (on SQLite, the write
lock) open. So the log-in pages call `start` and `finish` outside one and `log_in` inside one.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from flask import current_app
from flask_babel import lazy_gettext as _l
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jws import JWSRegistry
from sqlalchemy import select

from booking.accounts import services
from booking.accounts.models import Organisation, Role, User
from booking.accounts.sso_models import IdentityProvider
from booking.accounts.sso_providers import (
    ProviderSnapshot,
    ProviderUnreachable,
    SsoError,
    discover,
    enabled_provider,
    key_set,
    provider_of,
)
from booking.core.db import atomic, utcnow
from booking.core.errors import NotFound, PermissionDenied
from booking.extensions import db

SCOPES = "openid email profile"
# Asymmetric signatures only: the JWKS holds public keys, and an HMAC token would be
# "signed" with our own client secret.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")


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
            token = jwt.decode(id_token, key_set(metadata), registry=registry)
        except InvalidKeyIdError:  # the provider may have rotated its keys since we cached
            token = jwt.decode(id_token, key_set(metadata, force=True), registry=registry)
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
