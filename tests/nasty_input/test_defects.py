"""One test per kind of defect the nasty-input walks found, so each stays fixed on its own
(the walks would find them again, but say less about what the rule is)."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from booking.accounts.services import create_api_token
from booking.api.openapi import document
from booking.catalogue.models import Course
from booking.scheduling.models import Room
from tests.api.conftest import bearer


@pytest.fixture
def organiser(make, db_session) -> dict:
    _token, plain = create_api_token(make.user("organiser", password=None))
    db_session.commit()
    return bearer(plain)


def _admin(make, db_session, client):
    admin = make.user("admin")
    db_session.commit()
    make.login(client, admin)
    return admin


def _courses(db_session) -> int:
    return db_session.scalar(select(func.count(Course.id)))


# -- sizes: a 413 that says so, as JSON in the API and as a page elsewhere ---------------------


def test_an_api_body_over_1_mb_is_a_json_413(client, organiser, make):
    make.category("loopbaan")
    headers = organiser
    body = b'{"title": "' + b"x" * 1_100_000 + b'"}'
    response = client.post(
        "/api/v1/courses", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_every_operation_with_a_body_declares_413_and_every_operation_400():
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            assert "400" in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert "413" in operation["responses"], (method, path)


def test_a_2_mb_form_field_is_a_413_page_that_says_so(client, make, db_session):
    _admin(make, db_session, client)
    for content_type, data in (
        ("application/x-www-form-urlencoded", "title=" + "x" * 2_000_000),
        ("multipart/form-data", {"title": "x" * 2_000_000}),
    ):
        response = client.post("/beheer/cursussen/nieuw", data=data, content_type=content_type)
        assert response.status_code == 413, content_type
        assert "te groot" in response.text and "Ga terug" in response.text
    assert _courses(db_session) == 0


def test_a_body_over_max_content_length_is_a_413_page(app, client, make, db_session):
    """MAX_CONTENT_LENGTH leaves room for the people import's own limit: a file just over
    that is the import's form error, a body over MAX_CONTENT_LENGTH a 413 page."""
    _admin(make, db_session, client)
    limit = app.config["PEOPLE_IMPORT_MAX_BYTES"]
    assert app.config["MAX_CONTENT_LENGTH"] > limit + 64 * 1024
    for size, status in ((limit + 10, 422), (app.config["MAX_CONTENT_LENGTH"] + 10, 413)):
        data = {"file": (BytesIO(b"x" * size), "mensen.csv")}
        response = client.post(
            "/beheer/mensen/importeren", data=data, content_type="multipart/form-data"
        )
        assert response.status_code == status, size
    assert "te groot" in response.text


# -- control characters: refused with a clear message, never stored ---------------------------


def test_control_characters_in_a_form_field_are_refused_with_a_message(client, make, db_session):
    _admin(make, db_session, client)
    make.category("loopbaan")
    db_session.commit()
    for text in ("Cursus\x1b[31m", "Cursus\x07", "Cursus\x0b", "Cursus\x1f"):
        response = client.post(
            "/beheer/cursussen/nieuw",
            data={"title": text, "format": "workshop", "category": "loopbaan"},
        )
        assert response.status_code == 400, repr(text)
        assert "stuurtekens" in response.text
    assert _courses(db_session) == 0
    # Tabs and line breaks are text: a description may hold them.
    response = client.post("/beheer/cursussen/nieuw", data={"title": "Met\ttab", "x": "a\r\nb"})
    assert response.status_code != 400


def test_control_characters_in_an_address_or_query_are_a_400(client):
    assert client.get("/?q=a%1bb").status_code == 400
    answer = client.get("/api/v1/courses?q=a%1bb")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "bad_request"
    assert "stuurtekens" in answer.get_json()["error"]["message"]
    assert client.get("/verify/AB%07CD").status_code == 400


def test_control_characters_in_api_text_are_a_422_naming_the_field(client, organiser, make):
    make.category("loopbaan")
    headers = organiser
    body = {"title": "a\u001bb", "description": "", "category": "loopbaan", "format": "workshop"}
    response = client.post("/api/v1/courses", json=body, headers=headers)
    assert response.status_code == 422
    assert "title" in response.get_json()["error"]["fields"]
    body["title"] = "Tab\tand\nnew line"  # not control characters in this sense
    assert client.post("/api/v1/courses", json=body, headers=headers).status_code == 201


# -- a form no page sends: a 400 that says so, not a silent 422 --------------------------------


def test_an_unknown_action_on_the_account_pages_is_a_400_with_a_message(client, make, db_session):
    _admin(make, db_session, client)
    for path in ("/account", "/account/tweestapsverificatie"):
        for action in ("100000000000000000000", "", "nan"):
            response = client.post(path, data={"action": action})
            assert response.status_code == 400, (path, action)
            assert "Dit formulier kennen we niet" in response.text


# -- a service's message about a list of rows reaches the page ---------------------------------


def test_a_room_still_needed_is_named_when_it_is_left_out(client, make, db_session):
    """The venue form's rooms are a FieldList, whose own errors no page shows: the service's
    "rooms" message is shown above the form instead of vanishing."""
    _admin(make, db_session, client)
    venue = make.physical_venue("Stadskantoor", rooms=(("Zaal 1", 20),))
    make.session(venue=venue)
    db_session.commit()
    response = client.post(
        f"/beheer/locaties/{venue.id}",
        data={
            "kind": "physical",
            "name": "Stadskantoor",
            "address": "Stadserf 1",
            "city": "Schiedam",
            "rooms-0-id": "100000000000000000000",  # no such room: Zaal 1 is left out
            "rooms-0-name": "Zaal 9",
            "rooms-0-capacity": "5",
        },
    )
    assert response.status_code == 422
    assert "data-error-summary" in response.text
    assert "Zaal 1" in response.text.split("data-error-summary", 1)[1].split("</ul>", 1)[0]
    assert db_session.scalar(select(func.count(Room.id)).where(Room.venue_id == venue.id)) == 1


# -- a page's script sends JSON: anything but an object is refused like a wrong one ----------


def test_the_check_in_script_endpoint_refuses_bodies_that_are_no_object(client, make, db_session):
    _admin(make, db_session, client)
    session = make.session()
    db_session.commit()
    for body in (b"[" * 100_000 + b"]" * 100_000, b"NaN", b"[1, 2]", b'"code"', b"\xff\xfe"):
        response = client.post(
            f"/beheer/sessies/{session.id}/inchecken/json",
            data=body,
            content_type="application/json",
        )
        assert response.status_code == 422, body[:10]
        assert response.get_json()["ok"] is False and response.get_json()["message"]


# -- nothing to choose is not an error ---------------------------------------------------------


def test_choosing_an_organisation_when_none_offers_single_sign_on(client):
    response = client.get("/inloggen/sso?org=100000000000000000000")
    assert response.status_code == 200
    assert "single sign-on" in response.text or "inloggen via" in response.text.lower()
