"""The enrolment endpoints in the OpenAPI document: the contract's names, and real answers
carrying exactly the documented fields."""

from __future__ import annotations

import pytest

from tests.api.test_enrolments_common import enrolled, fill, new_session, person
from tests.api.test_openapi import _documented_fields, _resolve

ENDPOINTS = {
    ("/api/v1/sessions/{session_id}/enrolments", "post"),
    ("/api/v1/sessions/{session_id}/enrolments", "get"),
    ("/api/v1/enrolments/{enrolment_id}", "get"),
    ("/api/v1/enrolments/{enrolment_id}/cancel", "post"),
    ("/api/v1/enrolments/{enrolment_id}/accept", "post"),
    ("/api/v1/enrolments/{enrolment_id}/decline", "post"),
    ("/api/v1/enrolments/{enrolment_id}/approve", "post"),
    ("/api/v1/enrolments/{enrolment_id}/reject", "post"),
    ("/api/v1/enrolments/{enrolment_id}/move", "post"),
    ("/api/v1/me/enrolments", "get"),
    ("/api/v1/approvals", "get"),
    ("/api/v1/team-bookings", "post"),
    ("/api/v1/sessions/{session_id}/cancel", "post"),
    ("/api/v1/sessions/{session_id}/reservations", "post"),
}


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def _schema(doc, path: str, method: str, status: str) -> dict:
    answer = doc["paths"][path][method]["responses"][status]
    return answer["content"]["application/json"]["schema"]


def test_every_enrolment_endpoint_is_documented_with_a_token(doc):
    for path, method in ENDPOINTS:
        operation = doc["paths"][path][method]
        assert operation["security"] == [{"bearer": []}], (path, method)
        assert "401" in operation["responses"]
    enrol = doc["paths"]["/api/v1/sessions/{session_id}/enrolments"]["post"]
    assert "201" in enrol["responses"] and "Location" in enrol["responses"]["201"]["headers"]


def test_public_contract_names(doc):
    schemas = doc["components"]["schemas"]
    assert {"mode", "participant", "accept_online", "override_reason"} <= set(
        schemas["EnrolIn"]["properties"]
    )
    assert {"id", "session_id", "participant", "mode", "status", "waitlist_position"} <= set(
        schemas["EnrolmentOut"]["required"]
    )
    assert {"id", "status", "promoted"} <= set(schemas["EnrolmentChange"]["required"])
    assert {"session_id", "participants", "mode", "all_or_nothing"} <= set(
        schemas["TeamBookingIn"]["properties"]
    )
    line = schemas["TeamBookingLine"]["required"]
    assert {"participant", "outcome", "enrolment_id", "status", "waitlist_position"} <= set(line)
    assert {"organisation_id", "mode", "seats", "until"} <= set(
        schemas["ReservationIn"]["properties"]
    )
    params = doc["paths"]["/api/v1/me/enrolments"]["get"]["parameters"]
    assert {"status", "upcoming", "page", "per_page"} <= {p["name"] for p in params}


def test_answers_carry_the_documented_fields(client, doc, db_session):
    session_id = new_session(capacity={"in_person": 1})
    _, organiser = person("organiser")
    user, headers = person()
    mine = enrolled(client, session_id, headers)
    fill(client, session_id, 1)
    enrol_ref = _schema(doc, "/api/v1/sessions/{session_id}/enrolments", "post", "201")
    assert set(mine) == _documented_fields(doc, enrol_ref)
    assert set(mine["session"]) == set(doc["components"]["schemas"]["SessionSummary"]["properties"])

    reads = [
        (f"/api/v1/enrolments/{mine['id']}", "/api/v1/enrolments/{enrolment_id}"),
        ("/api/v1/me/enrolments", "/api/v1/me/enrolments"),
        (f"/api/v1/sessions/{session_id}/enrolments", "/api/v1/sessions/{session_id}/enrolments"),
    ]
    for url, path in reads:
        answer = client.get(url, headers=organiser if "sessions" in url else headers).get_json()
        ref = _schema(doc, path, "get", "200")
        assert set(answer) == _documented_fields(doc, ref), url
        if "items" in answer:
            item_ref = _resolve(doc, ref["$ref"])["properties"]["items"]["items"]
            assert set(answer["items"][0]) == _documented_fields(doc, item_ref)
    roster = client.get(f"/api/v1/sessions/{session_id}/enrolments", headers=organiser)
    entry = roster.get_json()["confirmed"][0]
    assert set(entry) == set(doc["components"]["schemas"]["RosterEntry"]["properties"])

    cancelled = client.post(f"/api/v1/enrolments/{mine['id']}/cancel", headers=headers)
    ref = _schema(doc, "/api/v1/enrolments/{enrolment_id}/cancel", "post", "200")
    assert set(cancelled.get_json()) == _documented_fields(doc, ref)

    booked = client.post(
        "/api/v1/team-bookings",
        json={"session_id": session_id, "participants": [user.email]},
        headers=organiser,
    )
    ref = _schema(doc, "/api/v1/team-bookings", "post", "201")
    assert set(booked.get_json()) == _documented_fields(doc, ref)
    line_fields = set(doc["components"]["schemas"]["TeamBookingLine"]["properties"])
    assert set(booked.get_json()["results"][0]) == line_fields
