"""Request plumbing for pages: request ids in logs, language choice, error pages, filters."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
import traceback
from datetime import datetime
from urllib.parse import unquote_plus

from flask import Flask, g, has_request_context, jsonify, render_template, request
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from booking.core.db import is_busy
from booking.core.error_summary import page_errors, unsummarised
from booking.core.errors import BadRequest, DomainError
from booking.core.timez import AMSTERDAM
from booking.extensions import db

log = logging.getLogger("booking.request")


def _escaped_html(self: LazyString) -> Markup:
    """Flask-Babel's lazy strings declare themselves safe HTML (`__html__` returns the text
    as it is), so Jinja would not escape a lazy message that holds outside text
    (`_l("Room %(name)s ...", name=...)`, shown as a form error). No message of ours is HTML:
    every lazy string is escaped like any other text."""
    return escape(str(self))


LazyString.__html__ = _escaped_html  # type: ignore[method-assign]

LANGUAGE_COOKIE = "lang"
CONTROL_MESSAGE = _l(
    "What you sent contains control characters (invisible characters such as NUL or Escape). "
    "Go back, remove them (type the text again instead of pasting it) and send it again."
)


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line, with the request id where there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is None:
            try:
                request_id = g.get("request_id")
            except RuntimeError:
                request_id = None
        if request_id:
            entry["request_id"] = request_id
        for key in ("method", "path", "status", "ms", "user_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)

    def formatException(self, ei) -> str:
        """The traceback, with a database error's text cut to its class and SQLSTATE: the
        server's message may quote the row (PostgreSQL's "Failing row contains (...)",
        "Key (email)=(...) already exists"), which hide_parameters does not cover."""
        _type, error, _tb = ei
        if error is None:
            return super().formatException(ei)
        chain, seen = [], set()
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            chain.append(error)
            error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        parts = []
        for error in reversed(chain):
            lines = [
                "Traceback (most recent call last):\n",
                *traceback.format_tb(error.__traceback__),
            ]
            parts.append("".join(lines) + _safe_text(error))
        return "\n\nThe above exception led to the following:\n\n".join(parts)


def _safe_text(error: BaseException) -> str:
    name = f"{type(error).__module__}.{type(error).__qualname__}"
    if isinstance(error, DBAPIError):
        orig = error.orig
        code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        return f"{name}: {type(orig).__name__} (SQLSTATE {code}); [SQL: {error.statement}]"
    if type(error).__module__.split(".")[0] in ("psycopg", "psycopg2", "sqlite3"):
        code = getattr(error, "sqlstate", None)
        return f"{name}: (SQLSTATE {code}; the database's message is not logged)"
    return f"{name}: {error}"


def configure_logging(app: Flask) -> None:
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, MaskSecrets) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(MaskSecrets())
    if app.testing:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger("booking")
    if not any(isinstance(h.formatter, JsonLineFormatter) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take the client's address and scheme from their
    X-Forwarded-For/-Proto (so log-in limits count per client and HSTS sees https); without
    it those headers are ignored, as anyone can send them."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count < 0:
        raise RuntimeError("PROXY_COUNT must be 0 or more")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def select_locale() -> str:
    """The person's own choice, else the language cookie, else Dutch.

    Outside a request (CLI, worker) Dutch too; those callers pick a person's language with
    flask_babel.force_locale.
    """
    if not has_request_context():
        return "nl"
    languages = ("nl", "en")
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return "nl"


# Control characters no one types: C0 but tab, line feed and carriage return. PostgreSQL
# cannot store NUL in text; the others break calendar invites (RFC 5545 allows none in a
# text), mail headers and terminals reading the logs. (A view may refuse more where it
# knows better: a return address refuses DEL too, booking.core.urls.)
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _has_control_characters(req) -> bool:
    """Refused up front, in the address, the query string and form fields alike. The API
    reads JSON bodies only (its `Text` refuses the same characters, naming the field), so
    its form bodies are not parsed here."""
    if CONTROL_CHARACTERS.search(req.path) or b"\x00" in req.query_string:
        return True
    if any(CONTROL_CHARACTERS.search(v) for values in req.args.listvalues() for v in values):
        return True
    if wants_json():
        return False
    if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any(
            CONTROL_CHARACTERS.search(value) for values in req.form.listvalues() for value in values
        )
    return False


def _form_too_large(app: Flask, req) -> bool:
    """A form without a file is read whole (Werkzeug applies MAX_FORM_MEMORY_SIZE only to
    the parts of a multipart body): held to the same bound, so a 2 MB text field is a 413
    page, as it is in a multipart form, instead of reaching a view."""
    limit = app.config.get("MAX_FORM_MEMORY_SIZE")
    return bool(
        limit
        and req.mimetype == "application/x-www-form-urlencoded"
        and (req.content_length or 0) > limit
        and not wants_json()
    )


def json_object() -> dict:
    """A page's script's JSON body as an object: `{}` for anything else (no body, not JSON,
    nested too deep for the parser, a bare number or list), so a view refuses it with its own
    message instead of failing."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # silent covers ValueError only; 100,000 "[" is a RecursionError
        return {}
    return data if isinstance(data, dict) else {}


def wants_json() -> bool:
    return request.path.startswith("/api/")


MAX_INT = 2**31 - 1  # an INTEGER column; a larger number makes the database fail loudly


def bounded_id(value: object) -> int | None:
    """An id typed into an address or a form: None when it is no whole number at all, 0 when
    it lies outside the INTEGER column range (no row has id 0), so that looking it up finds
    nothing instead of failing in the database."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_INT else 0


def arg_id(name: str) -> int | None:
    """`bounded_id` of a query-string or form value of this request."""
    return bounded_id(request.values.get(name))


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route, with the bounds of `bounded_id`: an unknown id is a 404,
    not a database error."""

    def to_python(self, value: str) -> int:
        return bounded_id(super().to_python(value)) or 0


# Paths whose part after the prefix is a secret (the address is its own password): the one
# table of them, for the request log and the development server's access log. A new route
# with a token, code or key in its path gets a line here (tests/test_request_log.py).
SECRET_PATHS = (
    re.compile(r"^(/calendar/)[^/]+?(?=\.ics$|/|$)"),  # subscription feeds
    re.compile(r"^(/aanbod/)[^/]+"),  # an offered place's answer link
    re.compile(r"^(/deelnemen/)[^/]+"),  # the join link of an online place
    re.compile(r"^(/verify/)[^/]+"),  # a certificate's verification code
    re.compile(r"^(/api/v1/verify/)[^/]+"),
    re.compile(r"^(/welkom/)[^/]+"),  # invitation to choose a password
    re.compile(r"^(/wachtwoord-herstellen/)[^/]+"),  # password reset
)
# Query-string values never logged (an OpenID Connect callback's code and state, tokens).
SECRET_QUERY_NAMES = frozenset({"token", "code", "state"})
MASK = "…"


def loggable_path(path: str) -> str:
    """The path without its secret part."""
    for pattern in SECRET_PATHS:
        path, found = pattern.subn(rf"\g<1>{MASK}", path, count=1)
        if found:
            break
    return path


def loggable_target(target: str) -> str:
    """A request target (path and query string) with every secret masked."""
    path, sep, query = target.partition("?")
    if not sep:
        return loggable_path(path)
    pairs = []
    for pair in query.split("&"):
        name, has_value, _value = pair.partition("=")
        secret = unquote_plus(name).lower() in SECRET_QUERY_NAMES
        pairs.append(f"{name}={MASK}" if secret and has_value else pair)
    return f"{loggable_path(path)}?{'&'.join(pairs)}"


class MaskSecrets(logging.Filter):
    """For werkzeug's access log (`flask run`): its request line carries the target."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            method, space, rest = record.args[0].partition(" ")
            target, space2, protocol = rest.rpartition(" ")
            if space and space2:
                line = f"{method} {loggable_target(target)} {protocol}"
                record.args = (line, *record.args[1:])
        return True


def _user_id() -> int | None:
    """The person behind the request: the API's bearer token (g.api_user) or the cookie."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user.id
    try:
        return current_user.id if current_user.is_authenticated else None
    except OperationalError:  # a busy database (the 503 is on its way): log without the id
        db.session.rollback()
        return None


def security_headers(app: Flask, response) -> None:
    """On every response, pages, API, files and errors alike. HSTS only on https (behind a
    TLS proxy: PROXY_COUNT), since a browser ignores it over http and it would pin a
    development host to https."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", app.config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("Permissions-Policy", app.config["PERMISSIONS_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    seconds = int(app.config.get("HSTS_SECONDS") or 0)
    if request.is_secure and seconds > 0:
        headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def start_request():
        supplied = request.headers.get("X-Request-ID", "")
        ok = 0 < len(supplied) <= 64 and supplied.replace("-", "").isalnum()
        g.request_id = supplied if ok else secrets.token_hex(8)
        g.started = time.perf_counter()
        if _form_too_large(app, request):
            raise RequestEntityTooLarge()
        if _has_control_characters(request):
            raise BadRequest(CONTROL_MESSAGE)  # code bad_request, as NUL always was

    @app.after_request
    def finish_request(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        security_headers(app, response)
        if not request.path.startswith("/static/"):
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": loggable_path(request.path),  # no query string
                    "status": response.status_code,
                    "ms": round(
                        (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1
                    ),
                    "user_id": _user_id(),
                },
            )
        return response


def register_error_handlers(app: Flask) -> None:
    def json_error(status: int, code: str, message: str, fields: dict | None = None):
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()  # a refused change leaves nothing half-done behind
        if wants_json():
            return jsonify({"error": error.to_dict()}), error.status
        return render_template("errors/error.html", status=error.status, message=error.message), (
            error.status
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        """A form posted without this browser's token (a forged form, or a page kept open
        past the end of its log-in): nothing happened, and the person learns what to do. The
        check-in page's script posts JSON and shows the message."""
        db.session.rollback()
        message = _(
            "This form cannot be processed: it has expired or did not come from this site. "
            "Reload the page and try again."
        )
        if wants_json() or request.is_json:
            return json_error(400, "csrf_failed", message)
        page = render_template("errors/error.html", status=400, message=message)
        return page, 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        headers = {
            key: value
            for key, value in error.get_headers()
            if key.lower() not in ("content-type", "content-length")
        }
        if wants_json():
            code = (error.name or "error").lower().replace(" ", "_")
            body, status = json_error(error.code or 500, code, error.description or error.name)
            return body, status, headers
        page = render_template("errors/error.html", status=error.code, message=None)
        return page, error.code, headers

    @app.errorhandler(OperationalError)
    def database_error(error: OperationalError):
        if not is_busy(error):
            return unexpected_error(error)
        db.session.rollback()
        log.warning("database busy: %s", type(error.orig).__name__)
        retry = {"Retry-After": str(app.config["BUSY_RETRY_AFTER_SECONDS"])}
        if wants_json():
            message = "The database is busy; try again after Retry-After seconds."
            body, status = json_error(503, "busy", message)
            return body, status, retry
        try:
            page = render_template("errors/error.html", status=503, message=None)
        except OperationalError:  # the page's own reads (who is logged in) were busy too
            db.session.rollback()
            # Straight from the template: no context processors, which read the language
            # (and so the person) again.
            page = app.jinja_env.get_template("errors/busy.html").render()
        return page, 503, retry

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        if wants_json():
            return json_error(500, "internal_error", "Something went wrong on our side.")
        return render_template("errors/error.html", status=500, message=None), 500


def dutch(value):
    """A text written only in Dutch (a course's title), marked as Dutch on pages in another
    language (WCAG 3.1.2); the template filter `|nl`. Plain text on Dutch pages."""
    if value is None or value == "":
        return value
    if str(get_locale()) == "nl":
        return value
    return Markup('<span lang="nl">%s</span>') % value


def register_template_helpers(app: Flask) -> None:
    @app.template_filter("local_datetime")
    def local_datetime(value, fmt="EEEE d MMMM yyyy, HH:mm"):
        return format_datetime(value, fmt) if value else ""

    @app.template_filter("local_date")
    def local_date(value, fmt="EEEE d MMMM yyyy"):
        """A moment's day in Amsterdam; a plain date (a programme's period) as it is."""
        if not value:
            return ""
        return format_date(
            value.astimezone(AMSTERDAM) if isinstance(value, datetime) else value, fmt
        )

    @app.template_filter("local_time")
    def local_time(value, fmt="HH:mm"):
        return format_time(value, fmt) if value else ""

    @app.template_filter("euro")
    def euro(cents):
        if cents is None:
            return ""
        whole, rest = divmod(int(cents), 100)
        sep = "," if str(get_locale()) == "nl" else "."
        return f"€ {whole}{sep}{rest:02d}"

    app.add_template_global(page_errors)
    app.add_template_global(unsummarised)

    app.add_template_filter(dutch, "nl")

    @app.context_processor
    def shell_context():
        return {
            "current_locale": str(get_locale()),
            "centre_name": app.config["CENTRE_NAME"],
        }
