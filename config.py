"""Configuration classes; every setting can be overridden by an environment variable."""

from __future__ import annotations

import logging
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("BOOKING_INSTANCE_PATH", ROOT / "instance"))

DEV_SECRET_KEY = "dev-only-secret-do-not-use-in-production"  # noqa: S105 - refused in production


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'booking.sqlite'}"
    )
    # hide_parameters: a database error's text (logged with the traceback) leaves out the
    # statement's values, which may be a person's data or a token's hash.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    # SQLite only: IMMEDIATE takes the write lock at the start of each transaction, so
    # concurrent requests are served one after the other instead of failing on lock upgrade.
    SQLITE_BEGIN = os.environ.get("SQLITE_BEGIN", "IMMEDIATE")
    # SQLite only: how long a request waits for another's write lock before giving up; then
    # (after atomic's retries) it answers 503 with Retry-After: BUSY_RETRY_AFTER_SECONDS.
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "30000"))
    BUSY_RETRY_AFTER_SECONDS = int(os.environ.get("BUSY_RETRY_AFTER_SECONDS", "5"))

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    DISPLAY_TIMEZONE = "Europe/Amsterdam"

    CENTRE_NAME = os.environ.get("CENTRE_NAME", "Talent MVS")
    CENTRE_EMAIL = os.environ.get("CENTRE_EMAIL", "opleidingen@talentmvs.example.nl")
    # The site's public address, for links in e-mails and calendar invites (sent by the
    # worker, which has no request to take the host from). Required in production.
    BASE_URL = os.environ.get("BASE_URL")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", CENTRE_EMAIL)
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))
    # The outbox worker (booking/notifications): `file` writes one .eml per message into
    # MAIL_FOLDER (the embedded default: no SMTP server needed), `smtp` sends with the above.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(INSTANCE / "mail"))
    # Minutes to wait after the 1st, 2nd, ... failed attempt (the last repeats), each with
    # +-20 % jitter; a message fails for good once it has been tried for MAIL_GIVE_UP_HOURS.
    MAIL_RETRY_MINUTES = os.environ.get("MAIL_RETRY_MINUTES", "1,2,5,10,20,40,60,120,240")
    MAIL_GIVE_UP_HOURS = float(os.environ.get("MAIL_GIVE_UP_HOURS", "48"))
    REMINDER_HOURS = float(os.environ.get("REMINDER_HOURS", "24"))
    # Holders of a certification (and their team leaders) are told this many days before it
    # expires, with the coming sessions that renew it.
    CERTIFICATION_NOTICE_DAYS = int(os.environ.get("CERTIFICATION_NOTICE_DAYS", "60"))
    # Evaluations (issue 12): how long after a session its participants may answer, and
    # how many answers a result needs before organisers see it (so no one is identified).
    EVALUATION_DAYS = int(os.environ.get("EVALUATION_DAYS", "60"))
    EVALUATION_MIN_ANSWERS = int(os.environ.get("EVALUATION_MIN_ANSWERS", "5"))
    # Months after a session ends before its enrolments and attendance are anonymised, for an
    # organisation without a setting of its own (booking.privacy.retention).
    RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "24"))
    # /verify/<code> answers no sooner than this, known code or not (no timing oracle).
    VERIFY_FLOOR_SECONDS = float(os.environ.get("VERIFY_FLOOR_SECONDS", "0.025"))
    WORKER_BATCH = int(os.environ.get("WORKER_BATCH", "100"))
    WORKER_POLL_SECONDS = float(os.environ.get("WORKER_POLL_SECONDS", "5"))
    WORKER_DUTIES_SECONDS = int(os.environ.get("WORKER_DUTIES_SECONDS", "60"))
    # SQLite only (PostgreSQL keeps a row lock instead): how long a claimed message is left
    # alone by other workers; a worker killed while sending it is retried after this.
    WORKER_LEASE_SECONDS = float(os.environ.get("WORKER_LEASE_SECONDS", "600"))
    # Deliver mail and run the duties in a thread of `flask run` (only with MAIL_BACKEND=file).
    EMBEDDED_WORKER = _bool("EMBEDDED_WORKER", True)

    # memory:// counts per process; redis://host:6379 shares the counts between every
    # process and host (production refuses memory:// with more than one worker).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "booking")
    RATELIMIT_HEADERS_ENABLED = True
    # Log-in attempts per client address, and per account (the address typed, whoever types it).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get(
        "LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour"
    )
    # The account page's forms (password checks, new API tokens), per person and per address.
    CREDENTIAL_RATE_LIMIT = os.environ.get("CREDENTIAL_RATE_LIMIT", "10 per minute")
    # How many reverse proxies stand in front of the app (their X-Forwarded-For/-Proto are
    # believed, that many hops deep); 0 = none, the headers are ignored.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # Web worker processes (gunicorn reads WEB_CONCURRENCY as its -w); 0 = not said.
    WORKERS = int(os.environ.get("WORKERS") or os.environ.get("WEB_CONCURRENCY") or "0")
    # Strict-Transport-Security on https answers (request.is_secure, so behind a TLS proxy
    # only with PROXY_COUNT set).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))
    # Sent on every response (booking/core/web.py security_headers). No inline script or
    # style anywhere: page styles live in static/css, scripts in static/js. Speakers' photos
    # are links to other sites, hence https: images.
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    # The check-in page scans QR codes with the camera; nothing else of the browser is used.
    PERMISSIONS_POLICY = (
        "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
        "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
        "display-capture=(), screen-wake-lock=(), xr-spatial-tracking=(), browsing-topics=()"
    )

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = None

    PASSWORD_MIN_LENGTH = 12
    # Single sign-on (booking/accounts/sso_login.py, sso_providers.py): how long to wait for an
    # identity provider, the clock difference allowed on an ID token, and how long a started
    # log-in stays valid.
    SSO_HTTP_TIMEOUT = float(os.environ.get("SSO_HTTP_TIMEOUT", "10"))
    SSO_CLOCK_SKEW_SECONDS = int(os.environ.get("SSO_CLOCK_SKEW_SECONDS", "60"))
    SSO_LOGIN_SECONDS = int(os.environ.get("SSO_LOGIN_SECONDS", "600"))
    # An issuer on this machine (http://127.0.0.1:...), for a test or development provider only.
    SSO_ALLOW_LOOPBACK_ISSUER = _bool("SSO_ALLOW_LOOPBACK_ISSUER", False)
    # Webhooks (booking/webhooks/): a target on a loopback or private address is refused unless
    # this is on (tests, a receiver on this machine); how long to wait for an answer, the waits
    # between tries, and how many tries before a delivery is failed.
    WEBHOOK_ALLOW_PRIVATE_TARGETS = _bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
    WEBHOOK_RETRY_MINUTES = os.environ.get("WEBHOOK_RETRY_MINUTES", "1,2,5,10,30,60,120,240")
    WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "12"))
    # How long a process keeps the list of subscriptions (a new webhook reaches the other
    # processes within this time; the registering one at once).
    WEBHOOK_SUBSCRIPTIONS_SECONDS = float(os.environ.get("WEBHOOK_SUBSCRIPTIONS_SECONDS", "10"))
    # Two-step verification (booking/accounts/second_factor.py): people with these roles must
    # sign in with a code from an authenticator app, unless they signed in by single sign-on.
    # Comma-separated; empty turns the requirement off (anyone may still turn it on).
    TOTP_REQUIRED_ROLES = os.environ.get("TOTP_REQUIRED_ROLES", "organiser,hr,admin,advisor")
    # After the password, the code must follow within this many minutes and this many tries.
    TOTP_PENDING_MINUTES = float(os.environ.get("TOTP_PENDING_MINUTES", "5"))
    TOTP_MAX_ATTEMPTS = int(os.environ.get("TOTP_MAX_ATTEMPTS", "5"))
    # A log-in session ends after this many minutes without a request (staff roles that see
    # other people's data; participants get the longer one) and in any case after
    # SESSION_MAX_HOURS. API bearer tokens are not affected.
    SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_IDLE_MINUTES_PARTICIPANT = float(
        os.environ.get("SESSION_IDLE_MINUTES_PARTICIPANT", "120")
    )
    SESSION_MAX_HOURS = float(os.environ.get("SESSION_MAX_HOURS", "12"))
    # Onboarding (booking/accounts/onboarding.py): an invitation's link to choose a first
    # password works this many days, a "wachtwoord vergeten" link this many minutes; each once.
    INVITATION_DAYS = float(os.environ.get("INVITATION_DAYS", "7"))
    PASSWORD_RESET_MINUTES = float(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    # "Wachtwoord vergeten" per client address, and per e-mail address asked for.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per minute")
    PASSWORD_RESET_ADDRESS_LIMIT = os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT", "3 per hour")
    # Its answer comes no sooner than this, known address or not (no timing oracle).
    PASSWORD_RESET_FLOOR_SECONDS = float(os.environ.get("PASSWORD_RESET_FLOOR_SECONDS", "0.25"))
    # A team leader's approval request holds its place this many days before it expires.
    APPROVAL_EXPIRY_DAYS = int(os.environ.get("APPROVAL_EXPIRY_DAYS", "5"))
    PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "20"))
    # The CSV upload of people (/beheer/mensen/importeren): its size limit, and how long the
    # file is kept between its dry run and the import.
    PEOPLE_IMPORT_MAX_BYTES = int(os.environ.get("PEOPLE_IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
    PEOPLE_IMPORT_KEEP_MINUTES = int(os.environ.get("PEOPLE_IMPORT_KEEP_MINUTES", "60"))
    # The largest request body read at all (the CSV upload above and its form's other parts
    # fit): past it a page answers a 413 page, the API a JSON 413 `too_large` (which refuses
    # bodies over 1 MB anyway, booking/api/errors.py). One form field may hold at most
    # MAX_FORM_MEMORY_SIZE bytes, and a form at most MAX_FORM_PARTS fields (Flask's defaults,
    # 500 kB and 1000, are kept): past them a 413 page too.
    MAX_CONTENT_LENGTH = int(
        os.environ.get("MAX_CONTENT_LENGTH", str(PEOPLE_IMPORT_MAX_BYTES + 1024 * 1024))
    )
    PRODUCTION = False


class DevelopmentConfig(Config):
    DEBUG = _bool("FLASK_DEBUG", False)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"
    # Tests hold a read transaction open while the client makes requests; the concurrency
    # invariants are proven on PostgreSQL, where every transaction behaves as in production.
    SQLITE_BEGIN = "DEFERRED"
    # Cheap hashes keep the suite fast; production uses argon2-cffi's recommended cost.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    # Tests log staff in with a password alone; tests of two-step verification turn it on.
    TOTP_REQUIRED_ROLES = ""
    # Tests that deliver mail choose their own folder; nothing lands in instance/mail.
    MAIL_FOLDER = os.environ.get("TEST_MAIL_FOLDER", str(INSTANCE / "test-mail"))
    SSO_ALLOW_LOOPBACK_ISSUER = True  # the tests' OpenID provider runs on 127.0.0.1
    # One process: registrations and removals refresh the subscriptions at once, and a stale
    # one (the tables emptied between tests) writes nothing; no timing in the query budgets.
    WEBHOOK_SUBSCRIPTIONS_SECONDS = 1e9


class ProductionConfig(Config):
    PRODUCTION = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def check_production(settings: dict) -> None:
    """Refuse to run in production with settings that are only safe on a laptop."""
    problems = []
    secret = settings.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < 32:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
    if str(settings.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite") and not _bool(
        "ALLOW_SQLITE_IN_PRODUCTION", False
    ):
        problems.append(
            "DATABASE_URL must point at PostgreSQL (or set ALLOW_SQLITE_IN_PRODUCTION=1)"
        )
    if not (settings.get("BASE_URL") or settings.get("SERVER_NAME")):
        problems.append("BASE_URL must be set (e.g. https://opleidingen.example.nl) for mail links")
    storage = str(settings.get("RATELIMIT_STORAGE_URI") or "memory://")
    workers = int(settings.get("WORKERS") or 0)
    if storage.startswith("memory://") and workers > 1:
        problems.append(
            f"RATELIMIT_STORAGE_URI is memory:// with {workers} workers: every process would "
            "count log-in attempts on its own; use redis://host:6379"
        )
    if problems:
        raise RuntimeError("Refusing to start in production: " + "; ".join(problems))
    if storage.startswith("memory://"):
        logging.getLogger("booking").warning(
            "RATELIMIT_STORAGE_URI is memory://: log-in limits are counted PER PROCESS. "
            "Set WORKERS (or WEB_CONCURRENCY) to the number of workers, and with more than "
            "one use redis://host:6379."
        )
