"""A centre builds its catalogue through the API on a database with nothing in it: its own
categories, target groups and funding programmes, then courses filed under them by slug or
by name; retiring instead of deleting what courses use."""

from __future__ import annotations

from booking.catalogue.models import Category, Course, FundingProgramme, TargetGroup
from booking.extensions import db
from tests.api.conftest import bearer


def errors_of(response) -> dict:
    assert response.status_code == 422, response.get_json()
    return response.get_json()["error"]["fields"]


def test_a_whole_catalogue_from_nothing(client, organiser):
    assert client.get("/api/v1/categories").get_json() == {"items": []}

    career = client.post("/api/v1/categories", json={"name": "Loopbaan"}, headers=organiser)
    assert career.status_code == 201, career.get_json()
    body = career.get_json()
    assert {"id", "slug"} <= body.keys()
    assert body["slug"] == "loopbaan" and body["name_en"] == "Loopbaan"  # English falls back
    assert career.headers["Location"].endswith(f"/api/v1/categories/{body['id']}")
    team = client.post(
        "/api/v1/categories",
        json={"name": "Teamontwikkeling", "name_en": "Team development"},
        headers=organiser,
    ).get_json()
    assert team["position"] > body["position"]  # new items go last

    group = client.post(
        "/api/v1/target-groups",
        json={"name": "Buitendiensten", "name_en": "Field services"},
        headers=organiser,
    )
    assert group.status_code == 201 and group.get_json()["slug"] == "buitendiensten"
    programme = client.post(
        "/api/v1/funding-programmes",
        json={
            "name": "Update!",
            "description": "Ontwikkeling voor medewerkers op mbo-niveau.",
            "target_participants": 300,
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
        },
        headers=organiser,
    )
    assert programme.status_code == 201, programme.get_json()
    assert programme.get_json()["target_participants"] == 300
    assert programme.get_json()["ends_on"] == "2027-12-31"

    course = client.post(
        "/api/v1/courses",
        json={
            "title": "DISC teamtraining",
            "description": "Inzicht in jezelf en je team.",
            "category": "Team development",  # by its English name
            "format": "training",
            "target_groups": ["Buitendiensten"],  # by name
            "funding_programmes": ["update"],  # by slug
            "in_company_only": True,
        },
        headers=organiser,
    )
    assert course.status_code == 201, course.get_json()
    made = course.get_json()
    assert made["category"]["slug"] == "teamontwikkeling"
    assert [g["slug"] for g in made["target_groups"]] == ["buitendiensten"]
    assert [p["slug"] for p in made["funding_programmes"]] == ["update"]
    assert made["in_company_only"] is True
    by_slug = client.post(
        "/api/v1/courses",
        json={
            "title": "Netwerken met LinkedIn",
            "description": "Je profiel en je netwerk.",
            "category": "loopbaan",
            "format": "workshop",
        },
        headers=organiser,
    )
    assert by_slug.status_code == 201
    listed = client.get("/api/v1/courses").get_json()
    assert {c["title"] for c in listed["items"]} == {"DISC teamtraining", "Netwerken met LinkedIn"}
    counts = {c["slug"]: c["courses"] for c in client.get("/api/v1/categories").get_json()["items"]}
    assert counts == {"loopbaan": 1, "teamontwikkeling": 1}


def test_names_are_unique_in_either_language_and_checked(client, organiser):
    client.post(
        "/api/v1/categories", json={"name": "Loopbaan", "name_en": "Career"}, headers=organiser
    )
    for clash in (
        {"name": "loopbaan"},
        {"name": "Carrière", "name_en": "career"},
        {"name": "Career"},
    ):
        fields = errors_of(client.post("/api/v1/categories", json=clash, headers=organiser))
        assert "name" in fields
    assert "name" in errors_of(
        client.post("/api/v1/categories", json={"name": ""}, headers=organiser)
    )
    assert (
        client.post("/api/v1/categories", json={"name": "x" * 121}, headers=organiser).status_code
        == 422
    )
    bad_period = client.post(
        "/api/v1/funding-programmes",
        json={"name": "P", "starts_on": "2027-06-01", "ends_on": "2027-01-01"},
        headers=organiser,
    )
    assert "ends_on" in errors_of(bad_period)
    for wrong in ({"name": "P", "starts_on": "1 juni"}, {"name": "P", "target_participants": 0}):
        assert (
            client.post("/api/v1/funding-programmes", json=wrong, headers=organiser).status_code
            == 422
        )
    assert (
        client.post(
            "/api/v1/categories", json={"name": "Z", "colour": "red"}, headers=organiser
        ).status_code
        == 422
    )


def test_order_retirement_and_removal(client, organiser, make, db_session):
    ids = [
        client.post("/api/v1/categories", json={"name": name}, headers=organiser).get_json()["id"]
        for name in ("Een", "Twee", "Drie")
    ]
    moved = client.patch(f"/api/v1/categories/{ids[2]}", json={"position": 0}, headers=organiser)
    assert moved.status_code == 200 and moved.get_json()["position"] == 0
    order = [c["name"] for c in client.get("/api/v1/categories").get_json()["items"]]
    assert order == ["Drie", "Een", "Twee"]
    renamed = client.patch(
        f"/api/v1/categories/{ids[0]}", json={"name_en": "One"}, headers=organiser
    )
    assert renamed.get_json()["name_en"] == "One" and renamed.get_json()["slug"] == "een"

    make.course("Gebruikt", category_slug="een")
    db_session.commit()
    used = client.delete(f"/api/v1/categories/{ids[0]}", headers=organiser)
    assert used.status_code == 200 and used.get_json() == {"id": ids[0], "outcome": "retired"}
    assert db.session.get(Category, ids[0]).retired
    unused = client.delete(f"/api/v1/categories/{ids[1]}", headers=organiser)
    assert unused.get_json()["outcome"] == "deleted"
    assert db.session.get(Category, ids[1]) is None
    assert client.delete(f"/api/v1/categories/{ids[1]}", headers=organiser).status_code == 404

    # Retired: gone from the public list, kept by its course, not choosable for a new one.
    public = [c["slug"] for c in client.get("/api/v1/categories").get_json()["items"]]
    assert public == ["drie"]
    assert client.get(f"/api/v1/categories/{ids[0]}").status_code == 404
    everything = client.get("/api/v1/categories", headers=organiser).get_json()["items"]
    assert {c["slug"]: c["retired"] for c in everything} == {"drie": False, "een": True}
    refused = client.post(
        "/api/v1/courses",
        json={"title": "Nieuw", "description": "", "category": "een", "format": "workshop"},
        headers=organiser,
    )
    assert "category" in errors_of(refused)
    course = db.session.query(Course).filter_by(title="Gebruikt").one()
    kept = client.patch(
        f"/api/v1/courses/{course.id}", json={"summary": "Nog steeds"}, headers=organiser
    )
    assert kept.status_code == 200 and kept.get_json()["category"]["slug"] == "een"
    back = client.patch(f"/api/v1/categories/{ids[0]}", json={"retired": False}, headers=organiser)
    assert back.get_json()["retired"] is False


def test_the_education_levels_stay(client, organiser, make, db_session):
    level = TargetGroup(slug="hbo", name="Hbo-niveau", name_en="Hbo level", education_level="hbo")
    db_session.add(level)
    db_session.commit()
    answer = client.delete(f"/api/v1/target-groups/{level.id}", headers=organiser)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "education_level"
    groups = client.get("/api/v1/target-groups").get_json()["items"]
    assert groups[0]["education_level"] == "hbo"
    retired = client.patch(
        f"/api/v1/target-groups/{level.id}", json={"retired": True}, headers=organiser
    )
    assert retired.status_code == 200


def test_only_organisers_change_the_lists(client, token, make, db_session):
    participant = bearer(token("participant"))
    category = make.category("loopbaan")
    programme = FundingProgramme(slug="p", name="P", name_en="P")
    db_session.add(programme)
    db_session.commit()
    for path in ("/api/v1/categories", "/api/v1/target-groups", "/api/v1/funding-programmes"):
        assert client.post(path, json={"name": "X"}, headers=participant).status_code == 403
        assert client.post(path, json={"name": "X"}).status_code == 401
    assert (
        client.patch(
            f"/api/v1/categories/{category.id}", json={"name": "Y"}, headers=participant
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/funding-programmes/{programme.id}").status_code == 401
    assert client.get("/api/v1/funding-programmes").get_json()["items"][0]["slug"] == "p"


def test_courses_change_through_the_api(client, organiser, make, db_session):
    make.category("loopbaan")
    make.category("inspiratie")
    course = make.course("Webinar", category_slug="loopbaan")
    db_session.commit()
    answer = client.patch(
        f"/api/v1/courses/{course.id}",
        json={"category": "inspiratie", "published": False, "price_cents": None},
        headers=organiser,
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["category"]["slug"] == "inspiratie"
    assert answer.get_json()["published"] is False
    assert "title" in errors_of(
        client.patch(f"/api/v1/courses/{course.id}", json={"title": ""}, headers=organiser)
    )
    assert (
        client.patch(
            f"/api/v1/courses/{course.id}", json={"title": None}, headers=organiser
        ).status_code
        == 422
    )
    assert (
        client.patch("/api/v1/courses/999999", json={"title": "X"}, headers=organiser).status_code
        == 404
    )


def test_the_api_refuses_an_open_session_of_it(
    client, organiser, session_body, make, db_session, world
):
    course = make.course("Assertiviteit buitendienst", in_company_only=True)
    db_session.commit()
    answer = client.post(
        "/api/v1/sessions", json=session_body(course_id=course.id), headers=organiser
    )
    assert answer.status_code == 422
    assert "visibility" in answer.get_json()["error"]["fields"]
