"""Links: safe redirects to a path on this site, and absolute links for mail and calendars."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from booking.core.errors import BadRequest

DEV_BASE_URL = "http://127.0.0.1:5000"  # `make run`, when neither BASE_URL nor SERVER_NAME is set


def has_control_characters(value: str) -> bool:
    return any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value)


def checked_next(target: str | None) -> str | None:
    """`next` as a page received it; a control character in it is refused (400) with a
    message, before anything else happens (a log-in, a language change)."""
    if target and has_control_characters(target):
        raise BadRequest(
            _l(
                "The return address in this link contains characters that are not allowed. "
                "Open the page from the menu instead."
            ),
            code="bad_next",
            fields={"next": _l("Characters that are not allowed.")},
        )
    return target


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a local path (not //host or scheme:), else `default`.

    Control characters are refused too: a carriage return or line feed cannot go into the
    Location header (Werkzeug raises, which was a 500 after a successful log-in), and a tab
    or other control character has no place in a path of ours."""
    if not target:
        return default
    if has_control_characters(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def external_url(endpoint: str, anchor: str | None = None, **values) -> str:
    """An absolute link for an e-mail or a calendar entry. The `BASE_URL` setting, e.g.
    https://opleidingen.example.nl, wins (the worker has no request to take a host from);
    else Flask's own `url_for(_external=True)` (SERVER_NAME and PREFERRED_URL_SCHEME, or
    the current request). Without either,
    development falls back to the dev server's address and production refuses, rather than
    mail people links to nowhere."""
    base = current_app.config.get("BASE_URL")
    if base:
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
        )
        url = adapter.build(endpoint, values, force_external=True)
    else:
        try:
            url = url_for(endpoint, _external=True, **values)
        except RuntimeError:  # no request and no SERVER_NAME
            if current_app.config.get("PRODUCTION"):
                raise RuntimeError(
                    "Set BASE_URL (or SERVER_NAME) so that e-mails can link to the site"
                ) from None
            parts = urlsplit(DEV_BASE_URL)
            adapter = current_app.url_map.bind(parts.netloc, url_scheme=parts.scheme)
            url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url
