"""Security headers on every response (pages, API, files, errors), HSTS only over https, and
no inline script or style in the page templates (the Content-Security-Policy forbids them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booking.accounts.models import Role
from config import ROOT
from tests.conftest import make_app

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
CSP_PARTS = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def assert_secure_headers(response, where: str) -> None:
    headers = response.headers
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, f"{where}: {name}"
    policy = headers.get("Content-Security-Policy", "")
    for part in CSP_PARTS:
        assert part in policy, f"{where}: CSP lacks {part}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    permissions = headers.get("Permissions-Policy", "")
    assert "camera=(self)" in permissions and "microphone=()" in permissions, where
    assert "geolocation=()" in permissions, where
    assert "Strict-Transport-Security" not in headers, f"{where}: HSTS over plain http"


def _get_routes(app, with_arguments: bool):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and bool(rule.arguments) == with_arguments:
            yield rule


@pytest.mark.parametrize("role", [None, Role.PARTICIPANT, Role.ORGANISER])
def test_every_get_route_without_parameters_sends_the_headers(app, client, make, db_session, role):
    if role:
        person = make.user(role)
        db_session.commit()
        make.login(client, person)
    walked = 0
    for rule in _get_routes(app, with_arguments=False):
        response = client.get(rule.rule)
        assert response.status_code < 500, rule.rule
        assert_secure_headers(response, f"{role} GET {rule.rule} ({response.status_code})")
        walked += 1
    assert walked > 40  # the walk found the map's routes


def test_routes_with_parameters_files_and_errors_send_the_headers(app, client, make, db_session):
    session = make.session()
    organiser = make.user(Role.ORGANISER)
    db_session.commit()
    values = {
        "session_id": session.id,
        "slug": session.course.slug,
        "course_id": session.course.id,
        "filename": "css/app.css",
        "token": "x" * 43,
        "code": "ABCDEFGH23456789",
    }
    make.login(client, organiser)
    walked = 0
    for rule in _get_routes(app, with_arguments=True):
        if not set(rule.arguments) <= set(values):
            continue
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        response = client.get(url)
        assert response.status_code < 500, url
        assert_secure_headers(response, f"GET {url} ({response.status_code})")
        walked += 1
    assert walked > 15
    for url in ("/static/js/checkin.js", "/api/v1/openapi.json", "/bestaat-niet", "/api/v1/x"):
        assert_secure_headers(client.get(url), url)
    assert_secure_headers(client.post("/api/v1/sessions", data="{"), "a refused API call")


def test_the_camera_page_keeps_its_camera_and_script(client, make, db_session):
    session = make.session()
    organiser = make.user(Role.ORGANISER)
    db_session.commit()
    make.login(client, organiser)
    response = client.get(f"/beheer/sessies/{session.id}/inchecken")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<script src="/static/js/checkin.js"' in page  # a file of our own: 'self'
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    script = (ROOT / "static" / "js" / "checkin.js").read_text()
    assert "eval(" not in script and "new Function" not in script and ".innerHTML" not in script


def test_hsts_only_over_https_which_behind_a_proxy_needs_proxy_count(database_url):
    plain = make_app(database_url).test_client()
    forwarded = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" not in plain.get("/", headers=forwarded).headers
    direct = plain.get("/", base_url="https://localhost")
    assert direct.headers["Strict-Transport-Security"] == "max-age=31536000"

    behind_proxy = make_app(database_url, PROXY_COUNT=1).test_client()
    response = behind_proxy.get("/", headers=forwarded)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in behind_proxy.get("/").headers


# -- no inline script or style in the pages -----------------------------------------------------

TEMPLATES = ROOT / "templates"
INLINE = [
    re.compile(r"\sstyle\s*=", re.IGNORECASE),
    re.compile(r"<style[\s>]", re.IGNORECASE),
    re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),  # a script without src
    re.compile(r"\son[a-z]+\s*=\s*['\"]", re.IGNORECASE),  # onclick="..." and friends
    re.compile(r"javascript:", re.IGNORECASE),
]


def _is_mail(path: Path) -> bool:
    """E-mail templates keep their inline styles: mail programs read no style sheet."""
    relative = path.relative_to(TEMPLATES).as_posix()
    return "/messages/" in relative or relative in (
        "notifications/_base.html",
        "notifications/_footer.html",
    )


def test_page_templates_have_no_inline_script_or_style():
    pages = [p for p in TEMPLATES.rglob("*.html") if not _is_mail(p)]
    assert len(pages) > 50
    found = [
        f"{page.relative_to(TEMPLATES)}:{number}: {line.strip()[:80]}"
        for page in pages
        for number, line in enumerate(page.read_text().splitlines(), 1)
        if any(pattern.search(line) for pattern in INLINE)
    ]
    assert found == []


def test_the_check_finds_inline_style_and_script():
    lines = [
        '<th style="white-space: nowrap">',
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        '<a onclick="x()">',
    ]
    assert all(any(p.search(line) for p in INLINE) for line in lines)
    assert not any(p.search('<script src="/static/js/checkin.js" defer></script>') for p in INLINE)
