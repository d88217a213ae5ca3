"""A real OpenID Connect provider on loopback: the `oidc-provider` npm package
(tests/oidc/provider.js), started once per test run on a free port with signing keys made
here, so tests can also sign tokens of their own with the provider's key (an expired one, one
for another audience) and with a key it does not publish.

`npm ci` installs the package into tests/oidc/node_modules the first time (CI starts from a
clean checkout; the lock file pins every version; about 10 seconds there).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

FOLDER = Path(__file__).parent / "oidc"
CLIENTS = {
    "booking-a": "secret-of-organisation-a-0123456789",
    "booking-b": "secret-of-organisation-b-9876543210",
    "booking-short-lived": "secret-of-short-lived-tokens-0000",  # ID tokens valid 1 second
}


def _install() -> None:
    """`npm ci` when the installed tree is missing or older than the lock file."""
    marker = FOLDER / "node_modules" / ".package-lock.json"
    lock = FOLDER / "package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("the single sign-on tests need Node.js 20+ and npm (apt-get install npm)")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=FOLDER,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        pytest.fail(f"npm ci in {FOLDER} failed:\n{result.stdout}\n{result.stderr}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class OidcProvider:
    issuer: str
    key: RSAKey
    users_file: Path
    users: dict = field(default_factory=dict)

    def add_user(self, login: str, email: str, *, verified: bool | None = True) -> str:
        """A person the provider knows; `verified=None` leaves `email_verified` out."""
        claims = {"email": email, "name": login}
        if verified is not None:
            claims["email_verified"] = verified
        self.users[login] = claims
        self.users_file.write_text(json.dumps(self.users))
        return login

    def sign(self, claims: dict, key: RSAKey | None = None) -> str:
        """An ID token signed with the provider's own key (or another)."""
        key = key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def _start(clock_offset: int = 0):
    """Run provider.js on a free port until the generator is closed."""
    _install()
    node = shutil.which("node")
    if node is None:
        pytest.fail("the single sign-on tests need Node.js 20+")
    port = _free_port()
    key = RSAKey.generate_key(
        2048, parameters={"kid": "test-signing-key", "use": "sig", "alg": "RS256"}, private=True
    )
    folder = Path(tempfile.mkdtemp(prefix="booking-oidc-"))
    users_file = folder / "users.json"
    users_file.write_text("{}")
    log = (folder / "provider.log").open("w")
    environment = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_JWKS": json.dumps({"keys": [key.as_dict(private=True)]}),
        "OIDC_CLIENTS": json.dumps(
            [{"client_id": cid, "client_secret": secret} for cid, secret in CLIENTS.items()]
        ),
        "OIDC_USERS": str(users_file),
        "OIDC_CLOCK_OFFSET": str(clock_offset),
    }
    process = subprocess.Popen(
        [node, str(FOLDER / "provider.js")],
        cwd=FOLDER,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                output = (folder / "provider.log").read_text()
                pytest.fail(f"the OpenID provider did not start:\n{output}")
            time.sleep(0.1)
    try:
        yield OidcProvider(issuer=issuer, key=key, users_file=users_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def oidc_provider():
    yield from _start()


@pytest.fixture(scope="session")
def slow_oidc_provider():
    """A second provider whose clock is two minutes slow (beyond SSO_CLOCK_SKEW_SECONDS)."""
    yield from _start(clock_offset=-120)


class _Forms(HTMLParser):
    """The forms of a page: action and named inputs (the provider's login form)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def sign_in_at_provider(authorization_url: str, login: str) -> str:
    """Follow the provider's pages as a browser would (its own cookies): the authorization
    request, its login form filled in and posted, and the redirects until it sends the
    person back to us. Returns that address (our callback with `code` and `state`)."""
    browser = requests.Session()
    response = browser.get(authorization_url, allow_redirects=True, timeout=10)
    parser = _Forms()
    parser.feed(response.text)
    if not parser.forms:
        raise AssertionError(f"no login form at the provider: {response.status_code}")
    form = parser.forms[0]
    fields = {**form["fields"], "login": login, "password": "any password"}
    response = browser.post(
        urljoin(response.url, form["action"]), data=fields, allow_redirects=False, timeout=10
    )
    for _hop in range(10):
        location = response.headers.get("Location")
        if location is None:
            raise AssertionError(f"the provider did not send us back: {response.status_code}")
        target = urljoin(response.url, location)
        if re.match(r"^http://(localhost|127\.0\.0\.1)(:\d+)?/inloggen/sso/callback", target):
            return target
        response = browser.get(target, allow_redirects=False, timeout=10)
    raise AssertionError("too many redirects at the provider")
