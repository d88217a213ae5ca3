"""Junk at every enrolment endpoint: bad input is a 400, 401, 403, 404, 409 or 422, never a
500 (the approach of test_garbage.py, for the enrolment endpoints)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.api.reservations import ReservationIn
from booking.api.rosters import MoveIn
from booking.api.schemas import ReasonIn
from booking.api.shapes.enrolments import CancelIn, EnrolIn
from booking.api.team_bookings import TeamBookingIn
from tests.api.test_enrolments_common import enrolled, new_session, person
from tests.api.test_garbage import BODIES, JUNK, QUERY_JUNK, check, json_values, send

OPTIONAL_BODY_EMPTY = (b"", b" ")
MALFORMED = (b"{", b"[]", b"[1, 2]", b'"text"', b"null", b"1", b"true", b"\xff\xfe\x00")


@pytest.fixture
def setup(client, db_session, make):
    """An organiser, a hybrid session with one confirmed and one waitlisted enrolment, an
    organisation and a team member: what the endpoints need to get past the lookups."""
    session_id = new_session("hybrid", {"in_person": 1, "online": 5}, start=make.future(30))
    _, organiser = person("organiser")
    member, _ = person()
    org = make.organisation()
    db_session.commit()
    placed = enrolled(client, session_id, organiser, participant=member.email, mode="in_person")
    return {
        "organiser": organiser,
        "session_id": session_id,
        "enrolment_id": placed["id"],
        "email": member.email,
        "org_id": org.id,
    }


def writes(s: dict) -> list[tuple[str, dict, list[str], bool]]:
    """(path, base body, fields, body optional)."""
    e, sid = s["enrolment_id"], s["session_id"]
    return [
        (
            f"/api/v1/sessions/{sid}/enrolments",
            {"mode": "online"},
            list(EnrolIn.model_fields),
            True,
        ),
        (f"/api/v1/enrolments/{e}/accept", {}, ["x"], True),
        (f"/api/v1/enrolments/{e}/decline", {}, ["x"], True),
        (f"/api/v1/enrolments/{e}/approve", {}, list(ReasonIn.model_fields), True),
        (f"/api/v1/enrolments/{e}/reject", {}, list(ReasonIn.model_fields), True),
        (f"/api/v1/enrolments/{e}/move", {"mode": "online"}, list(MoveIn.model_fields), False),
        (
            "/api/v1/team-bookings",
            {"session_id": sid, "participants": [s["email"]], "mode": "online"},
            list(TeamBookingIn.model_fields),
            False,
        ),
        (
            f"/api/v1/sessions/{sid}/reservations",
            {
                "organisation_id": s["org_id"],
                "mode": "online",
                "seats": 1,
                "until": "2030-01-01T10:00:00+01:00",
            },
            list(ReservationIn.model_fields),
            False,
        ),
        # last: these end the enrolment and the session
        (f"/api/v1/enrolments/{e}/cancel", {}, list(CancelIn.model_fields), True),
        (f"/api/v1/sessions/{sid}/cancel", {}, list(ReasonIn.model_fields), True),
    ]


def test_every_field_of_every_enrolment_write_survives_junk(client, setup):
    headers = setup["organiser"]
    for path, base, fields, _optional in writes(setup):
        for field in fields:
            for junk in JUNK:
                check(send(client, "POST", path, {**base, field: junk}, headers))
        if path.endswith("team-bookings"):
            for junk in JUNK:
                check(send(client, "POST", path, {**base, "participants": [junk]}, headers))


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_malformed_bodies_are_400(client, setup, body):
    for path, _base, _fields, optional in writes(setup)[:-2]:
        response = client.post(
            path, data=body, headers=setup["organiser"], content_type="application/json"
        )
        check(response)
        if body in MALFORMED or (body in OPTIONAL_BODY_EMPTY and not optional):
            assert response.status_code == 400, (path, body)
            assert response.get_json()["error"]["code"] == "bad_request"
        if body in OPTIONAL_BODY_EMPTY and optional:
            assert response.status_code != 400, (path, body)


def test_roles_and_anonymous_callers_get_json_errors(client, setup):
    participant = person()[1]
    for path, base, _fields, _optional in writes(setup):
        for headers in ({}, participant, {"Authorization": "Bearer bk_nonsense"}):
            response = send(client, "POST", path, base, headers)
            check(response)
            # No token, or a token that does not exist: 401.
            expected = _participant_answer(path) if headers is participant else 401
            assert response.status_code == expected, (path, headers)


def _participant_answer(path: str) -> int:
    """What a participant gets on the setup's writes: they enrol themselves (201); another
    person's enrolment is hidden from them (404); organiser and team-leader actions are
    forbidden (403)."""
    if path.endswith("/enrolments"):
        return 201
    if path.startswith("/api/v1/enrolments/") and path.rsplit("/", 1)[1] in (
        "accept",
        "decline",
        "approve",
        "reject",
        "cancel",
    ):
        return 404
    return 403


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/me/enrolments", ["status", "upcoming", "page", "per_page"]),
        ("/api/v1/approvals", ["page", "per_page"]),
    ],
)
def test_every_query_parameter_survives_junk(client, setup, path, params):
    for param in params:
        for junk in QUERY_JUNK:
            check(client.get(f"{path}?{param}={junk}", headers=setup["organiser"]))


def test_an_unknown_status_filter_is_422(client, setup):
    response = client.get("/api/v1/me/enrolments?status=nonsense", headers=setup["organiser"])
    assert response.status_code == 422
    assert "status" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/enrolments/0",
        "/api/v1/enrolments/-5",
        "/api/v1/enrolments/1.5",
        "/api/v1/enrolments/%00",
        "/api/v1/enrolments/" + "9" * 400,
        "/api/v1/enrolments/2147483648",
        "/api/v1/sessions/2147483648/enrolments",
    ],
)
def test_junk_paths_are_404(client, setup, path):
    for method, suffix in (("GET", ""), ("POST", "/cancel"), ("POST", "/accept")):
        response = client.open(path + suffix, method=method, json={}, headers=setup["organiser"])
        check(response)
        expected = 400 if "%00" in path else 404  # NUL refused before routing; else no such id
        assert response.status_code == expected, (path, method, suffix)


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.dictionaries(
        st.sampled_from(sorted({*EnrolIn.model_fields, *TeamBookingIn.model_fields, "x"})),
        json_values,
        max_size=5,
    )
)
def test_random_json_at_enrolment_and_team_bookings(client, setup, body):
    headers = setup["organiser"]
    check(send(client, "POST", f"/api/v1/sessions/{setup['session_id']}/enrolments", body, headers))
    check(send(client, "POST", "/api/v1/team-bookings", body, headers))
