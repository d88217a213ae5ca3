"""API-only errors, and turning request bodies and pydantic errors into the one error shape.

The app-wide handler in booking.core.web renders every DomainError as
``{"error": {"code", "message", "fields"}}`` and rolls back, so the API raises DomainErrors
and needs just one handler of its own: 401 answers must carry a WWW-Authenticate header.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic
from flask import Blueprint, jsonify, request

from booking.core.errors import DomainError, ValidationError
from booking.extensions import db

MAX_BODY_BYTES = 1_000_000
TOO_LARGE = "The request body is larger than 1 MB."


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


# Messages for the pydantic error types a client meets most, in plain words.
_MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "Unknown field.",
    "int_type": "Enter a whole number.",
    "int_parsing": "Enter a whole number.",
    "bool_type": "Enter true or false.",
    "bool_parsing": "Enter true or false.",
    "string_type": "Enter a text (a JSON string).",
    "list_type": "Enter a list (a JSON array).",
    "model_type": "Enter an object (a JSON object).",
    "model_attributes_type": "Enter an object (a JSON object).",
    "dict_type": "Enter an object (a JSON object).",
    "timezone_aware": "Give the time with its UTC offset, e.g. 2027-03-23T10:00:00+01:00.",
}


def _message(error: dict) -> str:
    if error["type"] in _MESSAGES:
        return _MESSAGES[error["type"]]
    message = str(error.get("msg", "Invalid value."))
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    return message


def from_pydantic(error: pydantic.ValidationError) -> ValidationError:
    """One 422 naming every bad field by its dotted path (``meetings.0.starts_at``)."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False, include_input=False):
        key = ".".join(str(part) for part in item["loc"]) or "body"
        fields.setdefault(key, _message(item))
    key, first = next(iter(fields.items()))
    return ValidationError(f"{key}: {first}", fields=fields)


def validate(model: type[pydantic.BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        raise from_pydantic(error)


def json_body(optional: bool = False) -> dict:
    """The request body as a JSON object (an empty one is `{}` when `optional`); anything
    else is a 400, never a 500."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise TooLarge(TOO_LARGE)
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY_BYTES:
        raise TooLarge(TOO_LARGE)
    if not raw.strip():
        if optional:
            return {}
        raise BadRequest("Send a JSON object as the request body.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # JSONDecodeError and bad UTF-8 are ValueErrors
        raise BadRequest("The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def register(bp: Blueprint) -> None:
    @bp.errorhandler(Unauthorized)
    def unauthorized(error: Unauthorized):
        db.session.rollback()
        challenge = 'Bearer realm="api"'
        if error.code == "invalid_token":
            challenge += ', error="invalid_token"'
        response = jsonify({"error": error.to_dict()})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = challenge
        return response
