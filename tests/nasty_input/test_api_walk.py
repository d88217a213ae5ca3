"""Every operation of the OpenAPI document, walked with the nasty-input set: as the
administrator and as the organiser (bearer tokens), ids beyond every integer range in each
path parameter, nasty values in each listed query parameter, each property of the request
body (nested ones too) set in turn to NaN, Infinity, 1e400, 10^20, control characters, lone
surrogates, long texts, wrong types and deep nesting, and whole bodies that are too deep, too
large, not UTF-8 or not JSON.

The operations come from the document itself, so a new operation is walked without a line
here. Asserted for every answer: no 5xx; every refusal is the JSON error shape; every status
is one the document declares for that operation; a refusal changed no row count.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from flask import Response

from booking.accounts.models import Role
from booking.api.openapi import document
from tests.nasty_input.conftest import row_counts
from tests.nasty_input.values import (
    BIG,
    NASTY_BODIES,
    NASTY_IDS,
    NASTY_JSON,
    NASTY_JSON_SHORT,
    NASTY_PATH_TEXT,
    NASTY_TEXT,
    NASTY_TEXT_SHORT,
)

DOC = document()
SCHEMAS = DOC["components"]["schemas"]
SENTINEL = "__NASTY__"
# Operations that end or remove what they act on go last, so the others meet a living world.
ENDING = re.compile(r"/(cancel|erase|close|revoke|reject|decline|approve|accept|move)$")


@pytest.fixture(autouse=True)
def _clean_database():
    """Replaces the per-test clean-up: the module's `world` fixture empties the database."""
    yield


def _operations() -> list[tuple[str, str, dict]]:
    found = [
        (method.upper(), path, operation)
        for path, item in DOC["paths"].items()
        for method, operation in item.items()
    ]
    return sorted(found, key=lambda op: (op[0] == "DELETE" or bool(ENDING.search(op[1])), op[1]))


OPERATIONS = _operations()


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _choices(schema: dict) -> list[dict]:
    """The branches of a union (a venue is physical or online), nulls left out."""
    schema = _resolve(schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return [_resolve(o) for o in schema[key] if o.get("type") != "null"]
    return [schema]


def _example(schema: dict, name: str, world) -> object:
    """A plausible value for a property: real ids, a coming date, the first of an enum."""
    schema = _choices(schema)[0]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", ()))
        return {
            prop: _example(sub, prop, world)
            for prop, sub in schema.get("properties", {}).items()
            if prop in required
        }
    if kind == "array":
        item = _example(schema.get("items", {}), name, world)
        return [item]
    if kind == "integer":
        return world.ids.get(name, 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return "2030-03-23T10:00:00+01:00"
    if schema.get("format") == "date":
        return "2030-03-23"
    if "email" in name:
        return world.emails[Role.PARTICIPANT]
    if name.endswith(("url", "issuer")):
        return "https://127.0.0.1:9/x"  # loopback, refused at once: no network call leaves
    return "Nasty"


def _bases(operation: dict, world) -> list[dict]:
    """One body per branch of the request schema, with its required properties."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return []
    return [(branch, _example(branch, "", world)) for branch in _choices(content["schema"])]


def _positions(schema: dict, prefix: tuple = (), depth: int = 0) -> list[tuple]:
    """Dotted positions of every property, nested objects and lists of objects included."""
    found = []
    for prop, sub in _resolve(schema).get("properties", {}).items():
        here = (*prefix, prop)
        found.append(here)
        if depth >= 2:
            continue
        inner = _choices(sub)[0]
        if inner.get("type") == "array":
            item = _choices(inner.get("items", {}))[0]
            if "properties" in item:
                found += _positions(item, (*here, 0), depth + 1)
        elif "properties" in inner:
            found += _positions(inner, here, depth + 1)
    return found


def _with(base: dict, position: tuple, world, branch: dict) -> dict:
    """A copy of `base` with SENTINEL at `position`, containers filled in as needed."""
    body = json.loads(json.dumps(base))
    node, schema = body, branch
    for part in position[:-1]:
        if isinstance(part, int):
            schema = _choices(schema.get("items", {}))[0]
            while len(node) <= part:
                node.append(_example(schema, "", world))
        else:
            schema = _choices(_resolve(schema)["properties"][part])[0]
            if not isinstance(node.get(part), (dict, list)):
                node[part] = _example(schema, part, world)
        node = node[part]
    node[position[-1]] = SENTINEL
    return body


def _raw(body: dict, token: str) -> bytes:
    return json.dumps(body).replace(json.dumps(SENTINEL), token, 1).encode()


class Walk:
    """Sends requests for one operation and checks each answer."""

    def __init__(self, client, method: str, path: str, operation: dict, world):
        self.client, self.method, self.path, self.operation = client, method, path, operation
        self.world = world
        self.declared = set(operation["responses"])
        self.params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
        self.query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        self.sent = 0
        self.counts: tuple[int, ...] | None = None

    def url(self, **override: str) -> str:
        url = self.path
        for param in self.params:
            name = param["name"]
            value = override.get(name)
            if value is None:
                value = self._real(name, param["schema"].get("type") == "integer")
            url = url.replace("{" + name + "}", value)
        return url

    def _real(self, name: str, integer: bool) -> str:
        if not integer:
            if name == "email":
                return quote(self.world.emails[Role.PARTICIPANT])
            return "ABCDEFGHJKMNPQRS"  # a verification code no award has
        if name == "item_id":
            segment = self.path.split("/")[3]
            return str(self.world.items[segment])
        return str(self.world.ids.get(name, 10**20))

    def send(self, role: str, what: str, *, url: str | None = None, data=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.world.tokens[role]}"}
        kwargs.setdefault("content_type", "application/json" if data is not None else None)
        where = f"{self.method} {self.path} as {role}, {what}"
        response = self.client.open(
            url or self.url(), method=self.method, data=data, headers=headers, **kwargs
        )
        self.sent += 1
        self.check(response, where)
        counts = row_counts()  # once a request: the counts after one are those before the next
        if response.status_code >= 400 and self.counts is not None:
            assert counts == self.counts, f"{where}: a refusal changed the number of rows"
        self.counts = counts
        return response

    def check(self, response: Response, where: str) -> None:
        status = response.status_code
        body = response.get_data()[:300]
        assert status < 500, f"{where}: {status} {body!r}"
        assert str(status) in self.declared, (
            f"{where}: answered {status}, which the document does not declare "
            f"(it declares {sorted(self.declared)}): {body!r}"
        )
        if status >= 400 and self.operation is not None:
            assert response.mimetype == "application/json", f"{where}: {response.mimetype}"
            error = (response.get_json(silent=True) or {}).get("error")
            assert isinstance(error, dict) and set(error) == {"code", "message", "fields"}, (
                f"{where}: not the error shape: {body!r}"
            )
            assert isinstance(error["code"], str) and error["code"], where
            assert isinstance(error["message"], str) and error["message"], where
            assert all(
                isinstance(k, str) and isinstance(v, str) for k, v in error["fields"].items()
            ), where


def _walk(walk: Walk, role: str, full: bool) -> None:
    bases = _bases(walk.operation, walk.world)
    plain = json.dumps(bases[0][1]).encode() if bases else None
    walk.send(role, "the plain request", data=plain)
    for param in walk.params:
        integer = param["schema"].get("type") == "integer"
        for value in NASTY_IDS if integer else NASTY_PATH_TEXT:
            walk.send(role, f"{param['name']}={value}", url=walk.url(**{param["name"]: value}))
    for name in walk.query:
        values = [quote(v) for v in (NASTY_TEXT if full else NASTY_TEXT_SHORT)]
        values += ["%ff%fe", "%00", "1&" + "&".join([f"{name}=1"] * 1000)]
        for value in values:
            walk.send(role, f"?{name}={value[:40]}", url=f"{walk.url()}?{name}={value}")
    for branch, base in bases:
        for position in _positions(branch):
            label = ".".join(str(p) for p in position)
            body = _with(base, position, walk.world, branch)
            for token in NASTY_JSON if full else NASTY_JSON_SHORT:
                walk.send(role, f"body {label}={token[:40]}", data=_raw(body, token))
    if not full:  # the whole bodies below are read before anyone's role counts
        return
    if bases:
        for label, raw in NASTY_BODIES:
            walk.send(role, f"body: {label}", data=raw)
        for content_type, raw in (
            ("text/plain", plain),
            ("application/x-www-form-urlencoded", b"a=1&b=%00"),
            ("application/x-www-form-urlencoded", b"a=" + b"x" * BIG),
            ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data"),
            ("application/json; charset=latin-1", '{"name": "\xe9"}'.encode("latin-1")),
        ):
            walk.send(role, f"body as {content_type}", data=raw, content_type=content_type)
    else:  # a body where none is read is ignored, whatever it holds
        walk.send(
            role,
            "an unexpected 2 MB form body",
            data=b"a=" + b"x" * BIG,
            content_type="application/x-www-form-urlencoded",
        )


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    OPERATIONS,
    ids=[f"{method} {path}" for method, path, _op in OPERATIONS],
)
def test_operation_survives_nasty_input(client, world, method, path, operation):
    walk = Walk(client, method, path, operation, world)
    _walk(walk, Role.ADMIN, full=True)
    _walk(walk, Role.ORGANISER, full=False)
    assert walk.sent > 1


def test_the_walk_reads_the_served_document(client, world):
    """The walk takes its operations from the same document the API serves."""
    served = client.get("/api/v1/openapi.json").get_json()
    assert served == json.loads(json.dumps(DOC))
    assert len(OPERATIONS) == sum(len(item) for item in served["paths"].values())


def test_every_integer_path_parameter_has_a_real_id(world):
    """A new kind of id in an address needs a row in the world (conftest.py `_build`), or
    the walk would only ever try ids that do not exist."""
    names = {
        p["name"]
        for _m, _p, operation in OPERATIONS
        for p in operation.get("parameters", [])
        if p["in"] == "path" and p["schema"].get("type") == "integer"
    }
    missing = sorted(names - set(world.ids) - {"item_id"})
    assert not missing, f"no id in the world for {missing}"
