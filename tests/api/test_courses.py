"""The catalogue through the API: search with filters and paging, one course, adding one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.catalogue.models import Course
from tests.api.conftest import bearer

COURSE = {
    "title": "Assertiviteitstraining",
    "description": "Nee leren zeggen.",
    "category": "loopbaan",
    "format": "training",
}


def test_add_a_course(client, world, organiser, make, db_session):
    make.target_group("hbo")
    db_session.commit()
    body = {
        **COURSE,
        "summary": "Kort",
        "target_groups": ["mbo", "hbo"],
        "speaker": "A. Coach",
        "price_cents": 12500,
        "requires_approval": True,
        "certified": True,
    }
    response = client.post("/api/v1/courses", json=body, headers=organiser)
    assert response.status_code == 201
    course = response.get_json()
    assert response.headers["Location"] == f"/api/v1/courses/{course['id']}"
    assert course["title"] == "Assertiviteitstraining"
    assert course["category"]["slug"] == "loopbaan"
    assert [g["slug"] for g in course["target_groups"]] == ["hbo", "mbo"]
    assert course["price_cents"] == 12500 and course["requires_approval"] is True
    assert course["sessions"] == []
    stored = db_session.scalar(select(Course).where(Course.id == course["id"]))
    assert stored.slug == "assertiviteitstraining" and stored.certified

    again = client.get(response.headers["Location"])
    assert again.status_code == 200 and again.get_json()["id"] == course["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"summary": "x" * 301}, "summary"),
        ({"category": "bestaat-niet"}, "category"),
        ({"format": "lecture"}, "format"),
        ({"format": None}, "format"),
        ({"target_groups": ["bestaat-niet"]}, "target_groups"),
        ({"target_groups": "mbo"}, "target_groups"),
        ({"target_groups": [1]}, "target_groups.0"),
        ({"price_cents": -1}, "price_cents"),
        ({"price_cents": "12,50"}, "price_cents"),
        ({"price_cents": 12.5}, "price_cents"),
        ({"price_cents": 10**12}, "price_cents"),
        ({"speaker": "x" * 201}, "speaker"),
        ({"published": "yes"}, "published"),
        ({"colour": "red"}, "colour"),
        ({"title": "Nul\x00byte"}, "title"),
    ],
)
def test_invalid_courses_are_422_naming_the_field(client, world, organiser, change, field):
    response = client.post("/api/v1/courses", json={**COURSE, **change}, headers=organiser)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"], error


@pytest.mark.parametrize("missing", ["title", "description", "category", "format"])
def test_required_course_fields(client, world, organiser, missing):
    body = {k: v for k, v in COURSE.items() if k != missing}
    response = client.post("/api/v1/courses", json=body, headers=organiser)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][missing] == "This field is required."


@pytest.fixture
def catalogue(make, db_session, world):
    """Three more courses: a webinar, an unpublished one, one in another category."""
    make.category("digitaal")
    make.target_group("hbo")
    webinar = make.course(
        "Webinar timemanagement",
        format="webinar",
        target_groups=["hbo"],
        speaker="Gastspreker Jansen",
    )
    hidden = make.course("Nog geheim", published=False)
    other = make.course("Excel voor gevorderden", category_slug="digitaal", format="training")
    db_session.commit()
    return {"webinar": webinar.id, "hidden": hidden.id, "excel": other.id}


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [c["title"] for c in response.get_json()["items"]]


def test_search_filters(client, catalogue):
    assert titles(client.get("/api/v1/courses?q=linkedin")) == ["Netwerken met LinkedIn"]
    assert titles(client.get("/api/v1/courses?q=JANSEN")) == ["Webinar timemanagement"]
    assert titles(client.get("/api/v1/courses?category=digitaal")) == ["Excel voor gevorderden"]
    assert titles(client.get("/api/v1/courses?format=webinar")) == ["Webinar timemanagement"]
    assert titles(client.get("/api/v1/courses?target_group=mbo")) == ["Netwerken met LinkedIn"]
    assert titles(client.get("/api/v1/courses?q=100%25")) == []
    assert titles(client.get("/api/v1/courses?category=onbekend")) == []


def test_unpublished_courses_only_for_organisers(client, catalogue, token, organiser):
    assert "Nog geheim" not in titles(client.get("/api/v1/courses"))
    assert "Nog geheim" not in titles(
        client.get("/api/v1/courses", headers=bearer(token("participant")))
    )
    assert "Nog geheim" in titles(client.get("/api/v1/courses", headers=organiser))
    assert client.get(f"/api/v1/courses/{catalogue['hidden']}").status_code == 404
    found = client.get(f"/api/v1/courses/{catalogue['hidden']}", headers=organiser)
    assert found.status_code == 200 and found.get_json()["published"] is False


def test_paging_envelope(client, catalogue):
    first = client.get("/api/v1/courses?per_page=2").get_json()
    assert (first["page"], first["per_page"], first["total"], first["has_more"]) == (1, 2, 3, True)
    second = client.get("/api/v1/courses?per_page=2&page=2").get_json()
    assert (len(second["items"]), second["has_more"]) == (1, False)
    beyond = client.get("/api/v1/courses?per_page=2&page=7").get_json()
    assert beyond["items"] == [] and beyond["page"] == 7 and beyond["has_more"] is False
    seen = {c["id"] for c in first["items"]} | {c["id"] for c in second["items"]}
    assert len(seen) == 3


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "per_page=0",
        "per_page=101",
        "page=99999999999999999999",
        "format=lecture",
        "q=" + "x" * 201,
    ],
)
def test_bad_course_filters_are_422(client, world, query):
    response = client.get(f"/api/v1/courses?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]


def test_nul_in_a_filter_is_refused(client, world):
    response = client.get("/api/v1/courses?q=a%00b")
    assert response.status_code == 400  # the app refuses NUL bytes in any URL, before the API
    assert response.get_json()["error"]["code"] == "bad_request"


def test_course_shows_only_sessions_the_caller_may_see(client, world, make, db_session, token):
    org = make.organisation()
    db_session.commit()
    course = db_session.get(Course, world.course_id)
    open_session = make.session(course, start=make.future(5))
    make.session(course, start=make.future(6), visibility="organisation", organisation_id=org.id)
    db_session.commit()
    open_id = open_session.id

    anonymous = client.get(f"/api/v1/courses/{world.course_id}").get_json()
    assert [s["id"] for s in anonymous["sessions"]] == [open_id]
    assert anonymous["sessions"][0]["free"] == {"in_person": 10, "online": 0}
    member = client.get(
        f"/api/v1/courses/{world.course_id}", headers=bearer(token("participant", org=org))
    ).get_json()
    assert len(member["sessions"]) == 2

    listed = client.get("/api/v1/courses?q=linkedin").get_json()["items"][0]
    assert listed["upcoming_sessions"] == 1 and listed["free_places"] == 10
    assert listed["next_start"].endswith(("+01:00", "+02:00"))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/courses/999999",
        "/api/v1/courses/0",
        "/api/v1/courses/99999999999999999999",
        "/api/v1/courses/x",
    ],
)
def test_unknown_course_is_404(client, world, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
