"""The OpenAPI document: complete (every route), consistent (every $ref resolves), and
truthful (real answers carry the documented fields)."""

from __future__ import annotations

import re

import pytest

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def doc(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_every_api_route_is_documented(app, doc):
    routes = {
        (_openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {
        (path, method)
        for path, item in doc["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert routes, "no API routes registered"
    assert routes == documented


def _refs(node, found: list[str]) -> list[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            found.append(node["$ref"])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _resolve(doc: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"unresolved {ref}"
        node = node[part]
    return node


def test_every_ref_resolves(doc):
    refs = _refs(doc, [])
    assert refs
    for ref in refs:
        assert isinstance(_resolve(doc, ref), dict)
    for name in doc["components"]["schemas"]:
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name), name


def test_document_structure(doc):
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (bk_...).",
    }
    operation_ids = []
    for path, item in doc["paths"].items():
        assert path.startswith("/api/v1/")
        declared_path_params = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            operation_ids.append(operation["operationId"])
            assert operation["summary"]
            assert operation["responses"], (path, method)
            for status, answer in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", status)
                assert answer["description"]
            params = operation.get("parameters", [])
            assert {p["name"] for p in params if p["in"] == "path"} == declared_path_params
            for param in params:
                assert param["in"] in ("path", "query") and "schema" in param
            for requirement in operation.get("security", []):
                assert set(requirement) <= set(doc["components"]["securitySchemes"])
            if method in ("post", "patch"):
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                assert "$ref" in body
                for code in ("400", "401", "403", "422"):
                    assert code in operation["responses"], (path, method, code)
                error = operation["responses"]["422"]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/Error"}
    assert len(operation_ids) == len(set(operation_ids))


def _query_params(doc, path) -> set[str]:
    return {
        p["name"] for p in doc["paths"][path]["get"].get("parameters", []) if p["in"] == "query"
    }


def test_filters_are_documented(doc):
    assert _query_params(doc, "/api/v1/sessions") == {
        "course",
        "from",
        "to",
        "mode",
        "available",
        "page",
        "per_page",
    }
    assert _query_params(doc, "/api/v1/courses") == {
        "q",
        "category",
        "format",
        "target_group",
        "page",
        "per_page",
    }
    assert {"kind", "page", "per_page"} <= _query_params(doc, "/api/v1/venues")
    mode = next(
        p for p in doc["paths"]["/api/v1/sessions"]["get"]["parameters"] if p["name"] == "mode"
    )
    assert set(mode["schema"]["enum"]) == {"physical", "online", "hybrid", "in_person"}
    for path, item in doc["paths"].items():  # a query parameter is absent, never null
        for param in item.get("get", {}).get("parameters", []):
            assert {"type": "null"} not in param["schema"].get("anyOf", []), (path, param)
            assert param["schema"].get("default", 0) is not None


def test_public_contract_names(doc):
    schemas = doc["components"]["schemas"]
    create = schemas["SessionIn"]
    assert {
        "course_id",
        "mode",
        "capacity",
        "meetings",
        "venue_id",
        "room_id",
        "online_venue_id",
        "cancellation_deadline",
        "visibility",
    } <= set(create["properties"])
    answer = schemas["SessionOut"]
    assert {
        "id",
        "course_id",
        "mode",
        "status",
        "meetings",
        "capacity",
        "confirmed",
        "waitlist",
    } <= set(answer["required"])
    assert {"in_person", "online"} <= set(schemas["PerMode"]["properties"])
    course = schemas["CourseIn"]
    assert {"title", "description", "category", "format"} <= set(course["required"])
    venue = schemas["VenueIn"]
    assert venue["discriminator"]["propertyName"] == "kind"
    assert {"title", "description", "category", "format"} <= set(course["properties"])
    assert "address" in schemas["PhysicalVenueIn"]["properties"]
    assert {"provider", "join_url"} <= set(schemas["OnlineVenueIn"]["properties"])
    assert set(schemas["Error"]["properties"]) == {"error"}
    for name in ("CourseList", "VenueList", "SessionList"):
        assert {"items", "page", "per_page", "has_more", "total"} <= set(
            schemas[name]["properties"]
        )


def _documented_fields(doc, schema_ref) -> set[str]:
    return set(_resolve(doc, schema_ref["$ref"])["properties"])


def test_answers_carry_the_documented_fields(client, doc, organiser, post_session, world):
    session = post_session("hybrid")
    checks = [
        (f"/api/v1/sessions/{session['id']}", "/api/v1/sessions/{session_id}"),
        (f"/api/v1/courses/{world.course_id}", "/api/v1/courses/{course_id}"),
        (f"/api/v1/venues/{world.venue_id}", "/api/v1/venues/{venue_id}"),
        ("/api/v1/sessions", "/api/v1/sessions"),
        ("/api/v1/courses", "/api/v1/courses"),
        ("/api/v1/venues", "/api/v1/venues"),
    ]
    for url, path in checks:
        answer = client.get(url, headers=organiser).get_json()
        ref = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert set(answer) == _documented_fields(doc, ref), url
        if "items" in answer:
            item_ref = _resolve(doc, ref["$ref"])["properties"]["items"]["items"]
            assert answer["items"], url
            assert set(answer["items"][0]) == _documented_fields(doc, item_ref), url


def test_error_answers_match_the_error_schema(client, doc, world):
    answer = client.post("/api/v1/sessions", json={}).get_json()
    assert set(answer) == set(doc["components"]["schemas"]["Error"]["properties"])
    assert set(answer["error"]) == set(doc["components"]["schemas"]["ErrorDetail"]["required"])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sessions/{session_id}/enrolments",
        "/api/v1/events/{event_id}/registrations",
        "/api/v1/advisor-slots/{slot_id}/booking",
    ],
)
def test_a_repeated_create_documents_its_200(doc, path):
    """These creates answer a repeat with 200 and what exists: the document says so, with
    the same shape as the 201 and no Location."""
    responses = doc["paths"][path]["post"]["responses"]
    assert {"200", "201"} <= set(responses)
    assert responses["200"]["content"] == responses["201"]["content"]
    assert "headers" not in responses["200"]
