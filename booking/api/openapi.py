"""The OpenAPI 3.1 document, built from the endpoint registry and the pydantic models."""

from __future__ import annotations

import re
from functools import cache

from flask import jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from booking.api import bp
from booking.api.registry import ENDPOINTS, Endpoint, api
from booking.api.schemas import Error

REF = "#/components/schemas/{model}"
_ERRORS = {
    400: "Malformed JSON, a body that is not a JSON object, or a NUL character in the address.",
    401: "No or a bad bearer token (see the WWW-Authenticate header).",
    403: "The token's role may not do this.",
    404: "No such item (or not visible to the caller).",
    409: "Conflicts with the current state (e.g. a full team booking, an overlapping place); "
    "`code` says which.",
    413: "`too_large`: the request body is larger than 1 MB; nothing was changed.",
    422: "Invalid input; `fields` names every bad field by dotted path.",
    503: "`busy`: the database could not take a lock in time (a very busy moment); nothing "
    "was changed. Try again after the `Retry-After` header's seconds.",
}
NO_BODY_400 = "A NUL character in the address or the query string."
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}

DESCRIPTION = """\
JSON API of the booking system.

**Authentication**: `Authorization: Bearer <token>` (tokens are made in the web interface or
with `flask --app booking create-token EMAIL`). Reading works without a token and then shows
only open sessions; a token that is sent but invalid is a 401. Enrolling, cancelling and
answering offers or approvals need a token (any role; the rules say for whom); changing the
catalogue and sessions needs the token of an organiser or administrator. The browser's
session cookie is not accepted.

**Errors**: always `{"error": {"code", "message", "fields"}}` with status 400, 401, 403, 404,
409, 413 (`too_large`: a body over 1 MB), 422 or 503 (`busy`, with `Retry-After`: any
operation, at a moment the database is too busy; nothing was changed, try again); `fields`
maps dotted paths (`meetings.0.starts_at`, `capacity.in_person`) to messages. A NUL
character anywhere in the address is a 400 for every operation.

**Lists**: `{"items": [...], "page", "per_page", "has_more", "total"}`; `page` counts from 1,
`per_page` is 1-100 (default 20), `total` is null where a list is not counted (sessions).

**Times**: input needs an ISO 8601 offset (`2027-03-23T10:00:00+01:00`, or `Z`); a naive time
is a 422. Answers give Europe/Amsterdam time with its offset.
"""


def _openapi_path(rule: str) -> str:
    return bp.url_prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _models() -> list[tuple[type[BaseModel], str]]:
    wanted: dict[tuple[type[BaseModel], str], None] = {(Error, "serialization"): None}
    for endpoint in ENDPOINTS:
        if endpoint.body is not None:
            wanted[(endpoint.body, "validation")] = None
        if endpoint.query is not None:
            wanted[(endpoint.query, "validation")] = None
        if endpoint.response is not None:
            wanted[(endpoint.response, "serialization")] = None
    return list(wanted)


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _query_schema(schema: dict) -> dict:
    """A query parameter is absent, never null: drop pydantic's null branch and null default."""
    schema = {k: v for k, v in schema.items() if k != "title"}
    if schema.get("default", ...) is None:
        del schema["default"]
    options = [o for o in schema.get("anyOf", []) if o != {"type": "null"}]
    if "anyOf" in schema:
        del schema["anyOf"]
        if len(options) == 1:
            schema.update(options[0])
        else:
            schema["anyOf"] = options
    return schema


def _parameters(endpoint: Endpoint, refs: dict, schemas: dict) -> list[dict]:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string"}
            if name in endpoint.text_params
            else {"type": "integer", "minimum": 1},
        }
        for name in endpoint.path_params
    ]
    if endpoint.query is not None:
        name = refs[(endpoint.query, "validation")]["$ref"].rsplit("/", 1)[-1]
        query_schema = schemas[name]
        for param, schema in query_schema.get("properties", {}).items():
            schema = _query_schema(schema)
            description = schema.pop("description", None)
            item = {"name": param, "in": "query", "required": False, "schema": schema}
            if description:
                item["description"] = description
            params.append(item)
    return params


def _operation(endpoint: Endpoint, refs: dict, schemas: dict) -> dict:
    operation: dict = {
        "operationId": endpoint.name.split(".", 1)[-1],
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "security": [{}, {"bearer": []}] if endpoint.auth == "public" else [{"bearer": []}],
    }
    if endpoint.description:
        operation["description"] = endpoint.description
    parameters = _parameters(endpoint, refs, schemas)
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": not endpoint.optional_body,
            "content": _json(refs[(endpoint.body, "validation")]),
        }
    success: dict = {"description": "OK" if endpoint.status == 200 else "Created"}
    if endpoint.media_type != "application/json":
        success["content"] = {endpoint.media_type: {"schema": {"type": "string"}}}
    elif endpoint.response is not None:
        success["content"] = _json(refs[(endpoint.response, "serialization")])
    else:
        success["content"] = _json({"type": "object"})
    if endpoint.status == 201:
        success["headers"] = {
            "Location": {"description": "URL of the new item.", "schema": {"type": "string"}}
        }
    responses = {str(endpoint.status): success}
    if endpoint.repeat:
        repeated = {key: value for key, value in success.items() if key != "headers"}
        responses["200"] = {**repeated, "description": endpoint.repeat}
    codes = [400, 401, 503]  # 400: a NUL character in the address, refused before routing
    if endpoint.body is not None:
        codes += [413, 422]
    if endpoint.query is not None:
        codes.append(422)
    if endpoint.auth != "public":
        codes.append(403)
    if endpoint.method in ("POST", "PATCH"):
        codes.append(409)
    if endpoint.path_params:
        codes.append(404)
    described = dict(endpoint.errors)
    error_ref = refs[(Error, "serialization")]
    for code in sorted({*codes, *described}):
        description = described.get(code, _ERRORS[code])
        if code == 400 and endpoint.body is None and code not in described:
            description = NO_BODY_400
        responses[str(code)] = {"description": description, "content": _json(error_ref)}
    responses["503"]["headers"] = RETRY_AFTER
    operation["responses"] = responses
    return operation


@cache
def document() -> dict:
    refs, defs = models_json_schema(_models(), ref_template=REF)
    schemas = defs.get("$defs", {})
    paths: dict[str, dict] = {}
    for endpoint in ENDPOINTS:
        operation = _operation(endpoint, refs, schemas)
        paths.setdefault(_openapi_path(endpoint.rule), {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Booking API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "tags": [{"name": t} for t in sorted({e.tag for e in ENDPOINTS})],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (bk_...).",
                }
            },
        },
    }


@api(bp, "/openapi.json", "GET", summary="This OpenAPI document", tag="meta")
def openapi_document(user):
    """Generated from the code: every endpoint, its parameters, bodies and answers."""
    return jsonify(document())
