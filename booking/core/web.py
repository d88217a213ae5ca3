"""Request plumbing for pages: request ids in logs, language choice, error pages, filters."""

from __future__ import annotations

import json
import logging
import secrets
import time
from datetime import datetime

from flask import Flask, abort, g, has_request_context, jsonify, render_template, request
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from booking.core.errors import DomainError
from booking.core.timez import AMSTERDAM
from booking.extensions import db

log = logging.getLogger("booking.request")

LANGUAGE_COOKIE = "lang"


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


def configure_logging(app: Flask) -> None:
    if app.testing:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger("booking")
    if not any(isinstance(h.formatter, JsonLineFormatter) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False


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


def _has_nul(req) -> bool:
    """NUL bytes are refused up front: PostgreSQL cannot store them in text."""
    if "\x00" in req.path or b"\x00" in req.query_string or b"%00" in req.query_string:
        return True
    if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any("\x00" in value for values in req.form.listvalues() for value in values)
    return False


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


def _loggable(path: str) -> str:
    """The path without secrets: a calendar feed address is its own password."""
    if path.startswith("/calendar/"):
        return "/calendar/…"
    for prefix in ("/welkom/", "/wachtwoord-herstellen/"):  # a link to choose a password
        if path.startswith(prefix):
            return prefix + "…"
    return path


def _user_id() -> int | None:
    """The person behind the request: the API's bearer token (g.api_user) or the cookie."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user.id
    return current_user.id if current_user.is_authenticated else None


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def start_request():
        supplied = request.headers.get("X-Request-ID", "")
        ok = 0 < len(supplied) <= 64 and supplied.replace("-", "").isalnum()
        g.request_id = supplied if ok else secrets.token_hex(8)
        g.started = time.perf_counter()
        if _has_nul(request):
            abort(400, description="Input may not contain NUL characters.")

    @app.after_request
    def finish_request(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": _loggable(request.path),
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

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        if wants_json():
            return json_error(500, "internal_error", "Something went wrong on our side.")
        return render_template("errors/error.html", status=500, message=None), 500


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

    @app.context_processor
    def shell_context():
        return {
            "current_locale": str(get_locale()),
            "centre_name": app.config["CENTRE_NAME"],
        }
