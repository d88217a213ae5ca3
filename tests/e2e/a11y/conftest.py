"""Accessibility tests: axe-core and our own probes in Chromium over the demo centre.

axe-core comes from npm, pinned in `tests/e2e/a11y/package.json` and its lock file; the first
run installs it with `npm ci` (CI starts from a clean checkout), later runs find it in
`tests/e2e/a11y/node_modules`. The demo data (every role, a festival, past and coming sessions,
awards, career conversations) is seeded once per module instead of once per test, so the
per-test clean-up of tests/conftest.py is replaced here by one clean-up per module.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from booking.core.db import atomic
from booking.demo import seed_demo
from booking.extensions import db
from tests.e2e.conftest import _open_context

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"


def install_axe() -> float:
    """`npm ci` when axe-core is not there yet; returns the seconds it took (0 when present)."""
    if AXE.exists():
        return 0.0
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("the accessibility tests need npm (apt-get install npm) to install axe-core")
    started = time.perf_counter()
    subprocess.run(
        [npm, "ci", "--silent", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300
    )
    return time.perf_counter() - started


@pytest.fixture(scope="session")
def axe_source() -> str:
    seconds = install_axe()
    if seconds:
        print(f"\nnpm ci installed axe-core in {seconds:.1f} s")
    return AXE.read_text(encoding="utf-8")


def _empty_database(app) -> None:
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our tables


@pytest.fixture(autouse=True)
def _clean_database():
    """Replaces the per-test clean-up: the module's `demo` fixture empties the database."""
    yield


@pytest.fixture(scope="module")
def demo(app):
    """The demo centre, seeded through its services once for the module's tests."""
    _empty_database(app)
    with app.app_context():
        atomic(seed_demo, attempts=1)
        db.session.remove()
    yield
    _empty_database(app)


@pytest.fixture
def context(browser, server, axe_source):  # the e2e fixtures of tests/e2e/conftest.py
    """A fresh browser context per test, with axe-core in every page it opens.

    An init script, not a script tag: it is not subject to the page's Content-Security-Policy.
    """
    ctx = _open_context(browser, server)
    ctx.add_init_script(script=axe_source)
    yield ctx
    ctx.close()
    server.wait_idle()


@pytest.fixture
def page(context):
    return context.new_page()
