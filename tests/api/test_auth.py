"""Who may do what through the API: anonymous reading, bearer tokens, roles, no cookies."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.accounts.models import ApiToken
from booking.accounts.services import create_api_token, revoke_api_token
from tests.api.conftest import bearer

READS = ["/api/v1/courses", "/api/v1/venues", "/api/v1/sessions", "/api/v1/openapi.json"]
WRITES = [
    ("POST", "/api/v1/courses"),
    ("POST", "/api/v1/venues"),
    ("POST", "/api/v1/sessions"),
    ("PATCH", "/api/v1/sessions/1"),
]


@pytest.mark.parametrize("path", READS)
def test_reading_works_anonymously(client, world, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.is_json


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_writing_without_a_token_is_401_with_a_challenge(client, world, method, path):
    response = client.open(path, method=method, json={"nonsense": True})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer bk_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "bk_only-the-token",
        "Bearer " + "x" * 5000,
        "Bearer bk_\u00e9\u00e9n",
    ],
)
@pytest.mark.parametrize(("method", "path"), [("GET", "/api/v1/sessions"), *WRITES])
def test_a_bad_token_is_401_even_for_reading(client, world, header, method, path):
    response = client.open(path, method=method, json={}, headers={"Authorization": header})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert response.get_json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize("role", ["participant", "team_leader", "hr"])
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_other_roles_may_not_write(client, world, token, role, method, path):
    response = client.open(path, method=method, json={}, headers=bearer(token(role)))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_organisers_and_admins_may_write(client, world, token, session_body, role):
    headers = bearer(token(role))
    assert client.post("/api/v1/sessions", json=session_body(), headers=headers).status_code == 201
    course = {"title": "DISC", "description": "", "category": "loopbaan", "format": "training"}
    assert client.post("/api/v1/courses", json=course, headers=headers).status_code == 201


def test_revoked_token_and_inactive_account_are_refused(client, world, make, db_session):
    person = make.user("organiser")
    row, plain = create_api_token(person)
    other = make.user("organiser")
    _, other_plain = create_api_token(other)
    db_session.commit()
    assert client.get("/api/v1/sessions", headers=bearer(plain)).status_code == 200

    revoke_api_token(person, row.id)
    other.active = False
    db_session.commit()
    assert client.get("/api/v1/sessions", headers=bearer(plain)).status_code == 401
    assert client.get("/api/v1/sessions", headers=bearer(other_plain)).status_code == 401


def test_use_of_a_token_is_recorded(client, world, make, db_session):
    person = make.user("participant")
    row, plain = create_api_token(person)
    db_session.commit()
    token_id = row.id
    assert client.get("/api/v1/courses", headers=bearer(plain)).status_code == 200
    db_session.rollback()  # nothing pending may be needed to keep it: it was committed
    used = db_session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id))
    assert used is not None


def test_the_browser_session_cookie_is_not_accepted(
    client, world, make, db_session, session_body, post_session
):
    organiser = make.user("organiser")
    db_session.commit()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = organiser.get_id()
        cookie["_fresh"] = True
    response = client.post("/api/v1/sessions", json=session_body())
    assert response.status_code == 401

    org = make.organisation()
    db_session.commit()
    closed = post_session(visibility="organisation", organisation_id=org.id, days=12)
    ids = [s["id"] for s in client.get("/api/v1/sessions").get_json()["items"]]
    assert closed["id"] not in ids  # the organiser's cookie did not widen what is seen


def test_the_api_is_not_protected_by_csrf_but_needs_the_token(client, world, token):
    # No CSRF token in the request: a bearer token is what counts.
    course = {
        "title": "Assertiviteit",
        "description": "",
        "category": "loopbaan",
        "format": "training",
    }
    response = client.post("/api/v1/courses", json=course, headers=bearer(token()))
    assert response.status_code == 201


def test_401_comes_before_looking_at_the_body(client, world):
    response = client.post("/api/v1/sessions", data=b"{not json", content_type="application/json")
    assert response.status_code == 401
