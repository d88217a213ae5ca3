"""Log-in limits per account and per client address, shared by every process through Redis;
the client's address behind PROXY_COUNT proxies; production's refusal of per-process counts."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
import redis

from booking.accounts.models import Role
from booking.extensions import limiter
from config import ROOT, check_production
from tests.conftest import make_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
WRONG = "wrong password!"


@pytest.fixture
def limited(database_url):
    """Apps with the limits on; the shared extension object is switched off again after."""
    was_enabled = limiter.enabled  # the extension object is shared by every app in this run

    def build(**overrides):
        settings = {"RATELIMIT_ENABLED": True, **overrides}
        return make_app(database_url, **settings)

    yield build
    limiter.enabled = was_enabled


def _attempt(client, email: str, address: str | None = None) -> int:
    headers = {"X-Forwarded-For": address} if address else {}
    data = {"email": email, "password": WRONG}
    return client.post("/inloggen", data=data, headers=headers).status_code


def test_one_account_is_limited_whatever_address_the_attempts_come_from(limited, make, db_session):
    person, other = make.user(Role.PARTICIPANT), make.user(Role.PARTICIPANT)
    db_session.commit()
    app = limited(
        PROXY_COUNT=1, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute"
    )
    client = app.test_client()
    typed = [person.email, person.email.upper(), f"  {person.email} ", person.email]
    codes = [_attempt(client, email, f"192.0.2.{n}") for n, email in enumerate(typed, 1)]
    assert codes == [422, 422, 422, 429]  # the address as stored: case and spaces do not count
    assert _attempt(client, other.email, "192.0.2.9") == 422  # another account is not locked
    assert make.login(client, person).status_code == 429  # the right password waits too


def test_one_address_is_limited_whatever_accounts_it_tries(limited, make, db_session):
    people = [make.user(Role.PARTICIPANT) for _ in range(4)]
    db_session.commit()
    app = limited(LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
    client = app.test_client()
    assert [_attempt(client, p.email) for p in people] == [422, 422, 422, 429]


def test_forwarded_for_is_ignored_without_proxy_count(limited, make, db_session):
    people = [make.user(Role.PARTICIPANT) for _ in range(4)]
    db_session.commit()
    app = limited(LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
    client = app.test_client()
    codes = [_attempt(client, p.email, f"198.51.100.{n}") for n, p in enumerate(people, 1)]
    assert codes == [422, 422, 422, 429]  # a made-up header does not buy new attempts


def test_forwarded_for_is_the_client_behind_the_configured_proxy(limited, make, db_session):
    people = [make.user(Role.PARTICIPANT) for _ in range(5)]
    db_session.commit()
    app = limited(
        PROXY_COUNT=1, LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute"
    )
    client = app.test_client()
    # Each client behind the proxy has its own count...
    codes = [_attempt(client, p.email, f"198.51.100.{n}") for n, p in enumerate(people[:4], 1)]
    assert codes == [422, 422, 422, 422]
    # ...and only the hop the proxy added counts: what the client put in front is ignored.
    spoofed = [_attempt(client, p.email, f"10.0.0.{n}, 203.0.113.7") for n, p in enumerate(people)]
    assert spoofed == [422, 422, 422, 429, 429]


def test_the_account_page_limits_password_checks_and_new_tokens(limited, make, db_session):
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    app = limited(CREDENTIAL_RATE_LIMIT="2 per minute")
    client = app.test_client()
    make.login(client, person)
    data = {"action": "password", "pw-current": WRONG, "pw-new": "x" * 20, "pw-repeat": "x" * 20}
    codes = [client.post("/account", data=data).status_code for _ in range(3)]
    assert codes[-1] == 429 and 429 not in codes[:2]
    assert client.get("/account").status_code == 200  # reading the page is not limited


# -- shared by every process --------------------------------------------------------------------


ATTEMPTS = """
import sys
from booking import create_app
app = create_app("development", {"WTF_CSRF_ENABLED": False, "EMBEDDED_WORKER": False})
client = app.test_client()
data = {"email": sys.argv[1], "password": "wrong password!"}
codes = [client.post("/inloggen", data=data).status_code for _ in range(int(sys.argv[2]))]
print(" ".join(map(str, codes)))
"""


def _redis_or_skip():
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def _env(folder: Path, storage: str, prefix: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("BOOKING_CONFIG",)}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'shared.sqlite'}",
        RATELIMIT_STORAGE_URI=storage,
        RATELIMIT_KEY_PREFIX=prefix,
        LOGIN_RATE_LIMIT="3 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="100 per minute",
        EMBEDDED_WORKER="0",
        BOOKING_INSTANCE_PATH=str(folder),
    )
    return env


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("storage", ["redis", "memory"])
def test_two_processes_share_the_count_in_redis_and_not_in_memory(storage):
    _redis_or_skip()
    folder = Path(tempfile.mkdtemp(prefix="booking-limits-"))
    prefix = f"test-{uuid.uuid4().hex}"
    uri = REDIS_URL if storage == "redis" else "memory://"
    env = _env(folder, uri, prefix)
    flask = str(Path(sys.executable).parent / "flask")
    upgraded = _run([flask, "--app", "booking", "db", "upgrade"], env)  # starts with Redis set
    assert upgraded.returncode == 0, upgraded.stderr
    first = _run([sys.executable, "-c", ATTEMPTS, "nobody@example.nl", "2"], env)
    second = _run([sys.executable, "-c", ATTEMPTS, "nobody@example.nl", "2"], env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.split() == ["422", "422"]
    if storage == "redis":
        assert second.stdout.split() == ["422", "429"]  # the second process saw the first's
        keys = redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}/*")
        assert keys, "the counts live in Redis under the configured prefix"
        assert not any(b"nobody@example.nl" in key for key in keys)  # no address in Redis
        redis.Redis.from_url(REDIS_URL).delete(*keys)
    else:
        assert second.stdout.split() == ["422", "422"]  # each process counted on its own


# -- production -------------------------------------------------------------------------------


def _production(**changes) -> dict:
    settings = {
        "SECRET_KEY": "s" * 40,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/booking",
        "BASE_URL": "https://opleidingen.example.nl",
        "RATELIMIT_STORAGE_URI": "memory://",
        "WORKERS": 0,
    }
    settings.update(changes)
    return settings


def test_production_refuses_per_process_limits_with_several_workers():
    with pytest.raises(RuntimeError, match="memory:// with 4 workers"):
        check_production(_production(WORKERS=4))


@pytest.fixture
def warnings_of_booking():
    """What the "booking" logger says (it may not propagate: configure_logging)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("booking")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_production_with_redis_and_several_workers_starts_quietly(warnings_of_booking):
    check_production(_production(WORKERS=4, RATELIMIT_STORAGE_URI="redis://cache:6379"))
    assert warnings_of_booking == []


@pytest.mark.parametrize("workers", [0, 1])
def test_production_says_loudly_that_memory_limits_are_per_process(warnings_of_booking, workers):
    check_production(_production(WORKERS=workers))
    assert any("PER PROCESS" in record.getMessage() for record in warnings_of_booking)


def test_workers_are_read_from_gunicorns_web_concurrency():
    code = "import config; print(config.Config.WORKERS)"
    env = {k: v for k, v in os.environ.items() if k != "WORKERS"}
    env["WEB_CONCURRENCY"] = "3"
    done = _run([sys.executable, "-c", code], env)
    assert done.stdout.strip() == "3", done.stderr
