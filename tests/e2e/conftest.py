"""Browser tests: the app served over real HTTP on 127.0.0.1, driven by Debian's Chromium.

One server (with CSRF protection on, as in production) and one browser serve the whole run;
every test gets a fresh browser context, so no cookie or storage crosses from one test to the
next. Test data is made with the factories in the test's own database session and committed
before the browser asks for a page; the autouse clean-up of tests/conftest.py empties the
database after each test, as for any other test.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from booking.extensions import db
from tests.conftest import make_app
from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling home, which floods a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


class _QuietHandler(WSGIRequestHandler):
    """No access-log line per request; errors are still reported."""

    def log_request(self, code="-", size="-"):
        pass


@dataclass
class LiveServer:
    url: str
    app: object
    _in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ, start_response):
        with self._lock:
            self._in_flight += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self._lock:
                self._in_flight -= 1

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait for requests still being served (a late favicon, say) before the data is wiped."""
        deadline = time.monotonic() + timeout
        while self._in_flight and time.monotonic() < deadline:
            time.sleep(0.01)


@pytest.fixture(scope="session")
def server(app, database_url):
    """The app on a free port of 127.0.0.1, in a background thread, on the test database.

    A separate app from the session `app` fixture: same database and TestingConfig, but with
    CSRF protection on so the browser sends real tokens. The shared extension objects see the
    same settings as for the session app (rate limiting stays off), so other tests are unaffected.
    """
    server_app = make_app(database_url, WTF_CSRF_ENABLED=True)
    live = LiveServer(url="", app=server_app)
    httpd = make_server("127.0.0.1", 0, live, threaded=True, request_handler=_QuietHandler)
    host = f"127.0.0.1:{httpd.server_port}"
    server_app.config["SERVER_NAME"] = host  # external URLs name the real address
    live.url = f"http://{host}"
    thread = threading.Thread(target=httpd.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield live
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()
    with server_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (starting one takes seconds; a context takes milliseconds)."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open_context(browser, server):
    ctx = browser.new_context(base_url=server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    ctx.csp_violations = []
    ctx.on("console", lambda message: _note_csp_violation(ctx, message))
    return ctx


def _note_csp_violation(ctx, message) -> None:
    """Chromium reports what the Content-Security-Policy blocked (an inline style or script,
    a foreign source) on the console; every journey fails on one."""
    if "Content Security Policy" in message.text:
        ctx.csp_violations.append(message.text)


def _close(ctx) -> None:
    violations = ctx.csp_violations
    ctx.close()
    assert violations == [], "the Content-Security-Policy blocked something"


@pytest.fixture
def context(browser, server):
    """A fresh browser context (own cookies and storage) per test, aimed at the server."""
    ctx = _open_context(browser, server)
    yield ctx
    server.wait_idle()
    _close(ctx)


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def new_context(browser, server):
    """Opens further contexts within one test (a second device); all closed afterwards."""
    opened = []

    def open_another():
        ctx = _open_context(browser, server)
        opened.append(ctx)
        return ctx

    yield open_another
    server.wait_idle()
    for ctx in opened:
        _close(ctx)


@pytest.fixture
def log_in():
    """Logs a person in through the form, as they would, and waits for their overview page."""

    def log_in(page, email: str, password: str = PASSWORD) -> None:
        page.goto("/inloggen")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen", exact=True).click()
        page.wait_for_url("**/mijn")

    return log_in
