"""Rules about people: passwords, log-in sessions, API tokens, creating and updating users."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import secrets
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from booking.accounts.models import (
    AccountToken,
    ApiToken,
    EducationLevel,
    Language,
    Organisation,
    Role,
    Team,
    User,
)
from booking.core.db import utcnow
from booking.core.errors import ValidationError, collect
from booking.extensions import db

_hashers: dict[tuple, tuple[PasswordHasher, str]] = {}


def _argon2() -> tuple[PasswordHasher, str]:
    """Argon2id, with the library's recommended cost unless the configuration lowers it (tests).

    Returns the hasher and a hash of a dummy password, verified when an address is unknown so
    that a log-in attempt takes as long whether or not the person exists.
    """
    config = current_app.config
    key = (config.get("ARGON2_TIME_COST"), config.get("ARGON2_MEMORY_COST"))
    if key not in _hashers:
        options = {}
        if key[0]:
            options["time_cost"] = key[0]
        if key[1]:
            options["memory_cost"] = key[1]
        hasher = PasswordHasher(**options)
        _hashers[key] = (hasher, hasher.hash("not-a-real-password-just-for-timing"))
    return _hashers[key]


TOKEN_PREFIX = "bk_"  # noqa: S105 - a marker, not a secret
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)
TOKEN_DAY_CHOICES = (30, 90, 365)  # the account page's choice of validity
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


# -- e-mail addresses -----------------------------------------------------------------------------


def normalise_email(raw: str) -> str:
    """Validate an address and return it in the one form we store (lower case)."""
    try:
        info = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(
            _l("Enter a valid e-mail address."),
            fields={"email": _l("Enter a valid e-mail address.")},
        )
    return info.normalized.lower()


def email_key(raw: str | None) -> str:
    """An address as stored (trimmed, lower case), without validating it: for looking people
    up by what someone typed. To store an address, use `normalise_email`."""
    return (raw or "").strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email_key(email)))


# -- passwords and log-in sessions --------------------------------------------------------------


COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
# Words Dutch staff put in passwords (the list above is drawn mostly from English-speaking
# breaches): our own list, data/README.md.
DUTCH_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords-nl.txt"
# How people dress a common word up to pass a length rule: digits and signs around it, and
# look-alike characters in it ("W@chtw00rd2026!").
_DRESSING = "0123456789 !?@#$%^&*()_+-=.,;:'\"/\\|[]{}<>~`"
_LOOK_ALIKES = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "0": "o"} | {"$": "s", "5": "s", "7": "t"}
)
NAME_PART_MIN = 4  # a shorter part of a name ("de", "Jan") may well occur by chance


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords (data/README.md), lower case; read
    once per process."""
    words = set()
    for source in (COMMON_PASSWORDS_FILE, DUTCH_PASSWORDS_FILE):
        with source.open(encoding="utf-8") as lines:
            words.update(line.strip().lower() for line in lines if line.strip())
    return frozenset(words)


def guessable(password: str) -> bool:
    """A common password, as it is or dressed up: with digits and signs before or after it,
    look-alike characters in it, or said twice ("welkomwelkom")."""
    common = common_passwords()
    text = password.strip().lower()
    core = text.strip(_DRESSING)
    if not core:
        return len(set(text)) <= 2  # "111111111111", "121212121212"
    candidates = {text, core, core.translate(_LOOK_ALIKES)}
    for candidate in list(candidates):
        half, odd = divmod(len(candidate), 2)
        if not odd and candidate[:half] == candidate[half:]:
            candidates.add(candidate[:half])
    return any(candidate in common for candidate in candidates)


def _compact(text: str) -> str:
    """Letters and digits only, lower case: "Jan de Vries" and "jan.de-vries" both "jandevries"."""
    return "".join(c for c in (text or "").lower() if c.isalnum())


def _personal_parts(user: User) -> set[str]:
    """What of a person's own data a password must not contain: the e-mail address's local
    part and the whole name (each compacted), and every part of them of at least four
    characters."""
    local = (user.email or "").partition("@")[0]
    parts = {_compact(local), _compact(user.name or "")}
    for piece in re.split(r"[\W_]+", f"{local} {user.name or ''}"):
        if len(piece) >= NAME_PART_MIN:
            parts.add(_compact(piece))
    return {part for part in parts if len(part) >= 3}


def password_problem(password: str, user: User | None = None) -> str | None:
    """Why this password may not be used, or None. Every path that sets a password asks this
    (through `set_password`): the length rule, the list of common passwords, and (when the
    person is known) nothing of their own name or e-mail address."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        return _l("Use at least %(n)d characters.", n=minimum)
    if len(password) > 1024:
        return _l("Use at most 1024 characters.")
    if guessable(password):
        return _l(
            "This password is one of the most common ones, so it is guessed first. "
            "Choose another, for example a few words that have nothing to do with each other."
        )
    if user is not None:
        compact = _compact(password)
        if any(part in compact for part in _personal_parts(user)):
            return _l("Do not use your name or e-mail address in your password.")
    return None


def set_password(user: User, password: str, *, revoke_tokens: bool = False) -> None:
    """Store a new password; every existing log-in session of the person ends with it, and
    so does every link to choose a password that was not used yet (onboarding); their API
    tokens too when they ask."""
    problem = password_problem(password, user)
    if problem:
        raise ValidationError(problem, fields={"password": problem})
    user.password_hash = _argon2()[0].hash(password)
    user.session_version += 1
    if user.id is not None:
        db.session.execute(
            update(AccountToken)
            .where(
                AccountToken.user_id == user.id,
                AccountToken.used_at.is_(None),
                AccountToken.superseded_at.is_(None),
            )
            .values(superseded_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    if revoke_tokens:
        revoke_all_api_tokens(user)


def password_matches(user: User, password: str) -> bool:
    """Whether this is the person's current password (to confirm a sensitive change)."""
    if not user.password_hash:
        return False
    try:
        return _argon2()[0].verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User | None:
    """The active person with this address and password, or None (in about constant time)."""
    hasher, dummy_hash = _argon2()
    user = user_by_email(email or "")
    if user is None or not user.password_hash:
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy_hash, password or "")
        return None
    try:
        hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session version, so old cookies stop working."""
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def set_language(user: User, language: str) -> None:
    """The language of the person's pages and messages ("nl" or "en")."""
    if language not in current_app.config["LANGUAGES"]:
        raise ValidationError(
            _l("Choose Dutch or English."), fields={"language": _l("Choose Dutch or English.")}
        )
    user.language = language


def end_all_sessions(user: User, *, revoke_tokens: bool = False) -> int:
    """Log-out: raise the version so that every copy of the session cookie is refused, on
    every device. With `revoke_tokens` the person's API tokens stop working too; returns how
    many were revoked."""
    user.session_version += 1
    return revoke_all_api_tokens(user) if revoke_tokens else 0


# -- API tokens ---------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(
    user: User, name: str = "API", *, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new bearer token, valid `days` days (TOKEN_DEFAULT_DAYS when not given); the plain
    text is returned once and never stored."""
    days = TOKEN_DEFAULT_DAYS if days is None else days
    if not isinstance(days, int) or not 1 <= days <= TOKEN_MAX_DAYS:
        message = _l("Choose a validity of 1 to %(n)d days.", n=TOKEN_MAX_DAYS)
        raise ValidationError(message, fields={"days": message})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=(name or "API")[:100],
        prefix=plain[:10],
        token_hash=_token_hash(plain),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def issue_api_token(
    user: User, password: str, name: str, days: int = TOKEN_DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """A token made on the account page: only with the current password, so that someone at
    an unlocked screen cannot take a long-lived key to the account with them."""
    if not password_matches(user, password):
        message = _l("This is not your current password.")
        raise ValidationError(message, fields={"password": message})
    if days not in TOKEN_DAY_CHOICES:
        message = _l("Choose one of: %(choices)s.", choices=", ".join(map(str, TOKEN_DAY_CHOICES)))
        raise ValidationError(message, fields={"days": message})
    return create_api_token(user, name, days=days)


def revoke_all_api_tokens(user: User) -> int:
    """Revoke every token of the person that still works; returns how many."""
    now = utcnow()
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


def user_for_token(plain: str) -> User | None:
    """The active owner of a valid token, in one statement (the token joined to its user):
    the API's enrolment request has a budget of eight statements."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _token_hash(plain))
    ).first()
    if row is None:
        return None
    token, user = row
    now = utcnow()
    if token.revoked_at is not None or not user.active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None  # tokens made before expiry existed (None) keep working until revoked
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        token.last_used_at = now  # written at most every few minutes, not on every call
    return user


def revoke_api_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise ValidationError(_l("No such token."))
    token.revoked_at = token.revoked_at or utcnow()


# -- people -------------------------------------------------------------------------------------


def _same_name(column, name: str | None):
    """The column is this name, whatever its case. The exact match as well: the database's
    lower() may leave letters outside ASCII as they are (SQLite's does), so a name such as
    "Ærø" would otherwise miss itself and only meet the unique constraint."""
    name = (name or "").strip()
    return or_(column == name, func.lower(column) == name.lower())


def organisation_by_name(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(_same_name(Organisation.name, name)))


def team_by_name(organisation: Organisation, name: str) -> Team | None:
    return db.session.scalar(
        select(Team).where(
            Team.organisation_id == organisation.id,
            _same_name(Team.name, name),
        )
    )


def get_or_create_team(organisation: Organisation, name: str) -> Team:
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        message = _l("Use at most 200 characters.") if name else _l("Enter a name.")
        raise ValidationError(message, fields={"team": message})
    team = team_by_name(organisation, name)
    if team is None:
        team = Team(organisation=organisation, name=name.strip())
        db.session.add(team)
        db.session.flush()
    return team


def check_person(
    *,
    email: str,
    name: str,
    role: str,
    organisation: Organisation | None,
    team: Team | None,
    education_level: str | None,
    language: str | None = None,
) -> str:
    """Validate a person's data as one set; returns the normalised e-mail address."""
    errors: dict = {}
    normalised = ""
    try:
        normalised = normalise_email(email)
    except ValidationError as error:
        errors["email"] = error.message
    if not (name or "").strip():
        errors["name"] = _l("Enter a name.")
    elif len(name.strip()) > 200:
        errors["name"] = _l("Use at most 200 characters.")
    if role not in set(Role):
        errors["role"] = _l("Choose one of: %(choices)s.", choices=", ".join(Role))
    if education_level and education_level not in set(EducationLevel):
        errors["education_level"] = _l(
            "Choose one of: %(choices)s.", choices=", ".join(EducationLevel)
        )
    if language and language not in set(Language):
        errors["language"] = _l("Choose one of: %(choices)s.", choices=", ".join(Language))
    if role in (Role.PARTICIPANT, Role.TEAM_LEADER, Role.HR) and organisation is None:
        errors["organisation"] = _l("This role needs an organisation.")
    if role == Role.TEAM_LEADER and team is None:
        errors["team"] = _l("A team leader needs the team they lead.")
    if team is not None and organisation is not None and team.organisation_id != organisation.id:
        errors["team"] = _l("The team belongs to another organisation.")
    collect(errors)
    return normalised


def save_person(
    *,
    email: str,
    name: str,
    role: str,
    organisation: Organisation | None,
    team: Team | None,
    education_level: str | None,
    language: str | None = None,
) -> tuple[User, str]:
    """Create or update the person with this address. Returns the user and what happened:
    'created', 'updated' or 'unchanged' (so an import can be run twice safely)."""
    normalised = check_person(
        email=email,
        name=name,
        role=role,
        organisation=organisation,
        team=team,
        education_level=education_level,
        language=language,
    )
    wanted = {
        "name": name.strip(),
        "role": role,
        "organisation_id": organisation.id if organisation else None,
        "team_id": team.id if team else None,
        "education_level": education_level or None,
    }
    if language:
        wanted["language"] = language
    user = user_by_email(normalised)
    if user is None:
        user = User(email=normalised, **wanted)
        db.session.add(user)
        db.session.flush()
        return user, "created"
    changed = False
    for key, value in wanted.items():
        if getattr(user, key) != value:
            setattr(user, key, value)
            changed = True
    if changed:
        db.session.flush()
    return user, "updated" if changed else "unchanged"
