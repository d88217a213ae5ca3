"""Throw junk at every endpoint: bad input is a 400, 401, 403, 404 or 422, never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.api.courses import CourseIn
from booking.api.shapes.sessions import SessionIn, SessionPatch
from booking.api.venues import OnlineVenueIn, PhysicalVenueIn, RoomIn

JUNK = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    -(2**31),
    2**31,
    10**30,
    -(10**30),
    float("inf"),
    "",
    " ",
    "x",
    "1",
    "true",
    "null",
    "\x00",
    "a\x00b",
    "\u202e\u0000",
    "\ud800",
    "x" * 10_000,
    "2027-03-23T10:00:00",
    "2027-03-23T10:00:00+01:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "2027-02-30T10:00:00+01:00",
    "1800000000",
    [],
    [None],
    [1, "a"],
    {},
    {"a": {"b": [1, {"c": None}]}},
    [{"starts_at": None}],
    [{"name": None, "capacity": None}],
    {"in_person": "x", "online": [1]},
]
ALLOWED = {200, 201, 400, 401, 403, 404, 405, 409, 422}


def check(response) -> None:
    """Never a server error, always the JSON error shape when refused."""
    assert response.status_code in ALLOWED, (response.status_code, response.get_data()[:500])
    if response.status_code >= 400:
        error = response.get_json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert isinstance(error["message"], str) and error["message"]
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in error["fields"].items())


def send(client, method, path, body, headers):
    # json.dumps with allow_nan: NaN and Infinity are what sloppy clients send too.
    return client.open(
        path, method=method, data=json.dumps(body), headers=headers, content_type="application/json"
    )


@pytest.fixture
def targets(post_session, world):
    session = post_session()
    base_session = {k: v for k, v in session.items() if k in SessionIn.model_fields}
    base_session["capacity"] = {"in_person": 20}
    base_session["meetings"] = [
        {"starts_at": m["starts_at"], "ends_at": m["ends_at"]} for m in session["meetings"]
    ]
    return [
        (
            "POST",
            "/api/v1/courses",
            {"title": "T", "description": "", "category": "loopbaan", "format": "workshop"},
            list(CourseIn.model_fields),
        ),
        (
            "POST",
            "/api/v1/venues",
            {
                "name": "V",
                "kind": "physical",
                "address": "A 1",
                "city": "Schiedam",
                "rooms": [{"name": "R", "capacity": 5}],
            },
            list(PhysicalVenueIn.model_fields),
        ),
        (
            "POST",
            "/api/v1/venues",
            {"name": "O", "kind": "online", "provider": "Teams", "join_url": "https://x.example/j"},
            list(OnlineVenueIn.model_fields),
        ),
        ("POST", "/api/v1/sessions", base_session, list(SessionIn.model_fields)),
        ("PATCH", f"/api/v1/sessions/{session['id']}", {}, list(SessionPatch.model_fields)),
    ]


def test_every_field_of_every_write_survives_junk(client, organiser, targets):
    for method, path, base, fields in targets:
        for field in fields:
            for junk in JUNK:
                check(send(client, method, path, {**base, field: junk}, organiser))
        # nested fields too
        if path.endswith("/venues") and base["kind"] == "physical":
            for field in RoomIn.model_fields:
                for junk in JUNK:
                    room = {"name": "R", "capacity": 5, field: junk}
                    check(send(client, method, path, {**base, "rooms": [room]}, organiser))
        if "sessions" in path:
            for junk in JUNK:
                for key in ("in_person", "online"):
                    check(send(client, method, path, {**base, "capacity": {key: junk}}, organiser))
                for key in ("starts_at", "ends_at"):
                    meeting = {
                        "starts_at": "2030-01-01T10:00:00+01:00",
                        "ends_at": "2030-01-01T12:00:00+01:00",
                        key: junk,
                    }
                    check(send(client, method, path, {**base, "meetings": [meeting]}, organiser))


BODIES = [
    b"",
    b" ",
    b"{",
    b"[]",
    b"[1, 2]",
    b'"text"',
    b"null",
    b"1",
    b"true",
    b"NaN",
    b"\xff\xfe\x00",
    b'{"a": "\\ud800"}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"title": "x", "title": 5}',
    '{"naam": "caf\u00e9"}'.encode("latin-1"),
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_malformed_bodies_are_400(client, organiser, targets, body):
    for method, path, _base, _fields in targets:
        response = client.open(
            path, method=method, data=body, headers=organiser, content_type="application/json"
        )
        check(response)
        if body in (
            b"",
            b" ",
            b"{",
            b"[]",
            b"[1, 2]",
            b'"text"',
            b"null",
            b"1",
            b"true",
            b"\xff\xfe\x00",
        ):
            assert response.status_code == 400, (path, body)
            assert response.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    ("text", "field"), [("a\x00b", "title"), ("\ud800", "title"), ("\udfff", "description")]
)
def test_text_postgres_cannot_store_is_422(client, organiser, world, text, field):
    body = {
        "title": "T",
        "description": "",
        "category": "loopbaan",
        "format": "workshop",
        field: text,
    }
    response = send(client, "POST", "/api/v1/courses", body, organiser)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_a_body_without_json_content_type_is_still_read(client, organiser, world):
    body = (
        b'{"title": "Zonder type", "description": "", "category": "loopbaan", "format": "workshop"}'
    )
    response = client.post("/api/v1/courses", data=body, headers=organiser)
    assert response.status_code == 201


QUERY_JUNK = [
    "",
    "abc",
    "-1",
    "0",
    "1e9",
    "99999999999999999999",
    "%00",
    "true",
    "null",
    "2027-13-45",
    "2027-03-23T10:00:00",
    "2027-03-23T25:00:00+01:00",
    "%ff%fe",
    "x" * 3000,
    "[]",
    "1&page=2&page=x",
]
LISTS = {
    "/api/v1/courses": ["q", "category", "format", "target_group", "page", "per_page"],
    "/api/v1/venues": ["kind", "page", "per_page"],
    "/api/v1/sessions": ["course", "from", "to", "mode", "available", "page", "per_page"],
}


@pytest.mark.parametrize("path", list(LISTS))
def test_every_query_parameter_survives_junk(client, world, organiser, path):
    for param in LISTS[path]:
        for junk in QUERY_JUNK:
            for headers in ({}, organiser):
                check(client.get(f"{path}?{param}={junk}", headers=headers))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sessions/0",
        "/api/v1/sessions/-5",
        "/api/v1/sessions/1.5",
        "/api/v1/sessions/%00",
        "/api/v1/sessions/" + "9" * 400,
        "/api/v1/courses/" + "9" * 30,
        "/api/v1/venues/2147483648",
        "/api/v1/nothing-here",
    ],
)
def test_junk_paths_are_404(client, world, organiser, path):
    for method in ("GET", "PATCH"):
        response = client.open(path, method=method, json={}, headers=organiser)
        check(response)
        if "%00" in path:
            expected = 400  # NUL bytes are refused before routing
        elif method == "PATCH" and path.startswith("/api/v1/venues/"):
            expected = 405  # the id is routed, but venues have no PATCH
        else:
            expected = 404  # no such id (beyond the INTEGER range too), or no such route
        assert response.status_code == expected, (path, method)


def test_unsupported_methods_are_405_in_json(client, world, organiser):
    for method, path in (
        ("DELETE", "/api/v1/sessions/1"),
        ("PUT", "/api/v1/courses"),
        ("PATCH", "/api/v1/venues"),
    ):
        response = client.open(path, method=method, headers=organiser)
        assert response.status_code == 405
        assert response.get_json()["error"]["code"] == "method_not_allowed"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(sorted(set(SessionIn.model_fields) | {"x", ""}))


@settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.dictionaries(field_names, json_values, max_size=6))
def test_random_json_at_sessions(client, organiser, targets, body):
    _method, _path, base, _fields = targets[3]
    check(send(client, "POST", "/api/v1/sessions", {**base, **body}, organiser))
    check(send(client, "PATCH", targets[4][1], body, organiser))
