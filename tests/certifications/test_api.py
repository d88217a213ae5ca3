"""The certifications API: defining (organisers), listing, the holder's and another
person's awards (who may see them), revoking, the certificate PDF, verifying a code without
a token, and assessment results; every answer's shape and error code, and the document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from booking.accounts.services import create_api_token
from booking.attendance import services as attendance
from booking.attendance.services import Entry
from booking.catalogue.models import Course
from booking.certifications import services
from booking.certifications.models import Award
from booking.enrolment import services as enrolment
from booking.extensions import db
from booking.scheduling.models import Session

AWARD_FIELDS = {"id", "certification", "code", "issued_at", "expires_at", "status"}


def bearer(person) -> dict:
    _token, plain = create_api_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _code(answer) -> str:
    return answer.get_json()["error"]["code"]


@dataclass
class World:
    organiser: object
    holder: object
    stranger: object
    course_id: int
    certification_id: int
    award_id: int
    code: str


@pytest.fixture
def world(make, db_session) -> World:
    organiser = make.user("organiser", password=None)
    holder = make.user(password=None, language="en")
    stranger = make.user(password=None)
    course = make.course()
    certification = services.define(
        services.CertificationInput(
            name_nl="EHBO-basis", name_en="First aid", course_ids=[course.id], validity_months=24
        ),
        actor=organiser,
    )
    award = services.award_by_hand(
        certification.id,
        holder.email,
        completed_on=date.today() - timedelta(days=30),
        evidence_note="Diploma van het Oranje Kruis gezien.",
        actor=organiser,
    )
    db_session.commit()
    return World(organiser, holder, stranger, course.id, certification.id, award.id, award.code)


# -- defining and listing ------------------------------------------------------------------


def test_define_and_list(client, make, world, db_session):
    other = make.course()
    db_session.commit()
    headers = bearer(world.organiser)
    body = {
        "name": "Veilig werken",
        "course_ids": [other.id, world.course_id],
        "min_attendance_percent": 80,
        "validity_months": 12,
        "name_en": "Safe work",
        "assessment": "score",
        "pass_mark": 60,
        "description": "Voor iedereen op de werkvloer.",
    }
    answer = client.post("/api/v1/certifications", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    new_id = answer.get_json()["id"]
    assert answer.get_json() == {"id": new_id}
    plain = client.post(
        "/api/v1/certifications",
        json={
            "name": "Alle bijeenkomsten",
            "course_ids": [other.id],
            "min_attendance_percent": None,
            "validity_months": None,
        },
        headers=headers,
    )
    assert plain.status_code == 201, plain.get_json()

    listed = client.get("/api/v1/certifications", headers=bearer(world.stranger))
    assert listed.status_code == 200
    by_id = {row["id"]: row for row in listed.get_json()}
    assert by_id[new_id] == {
        "id": new_id,
        "name": "Veilig werken",
        "name_en": "Safe work",
        "course_ids": sorted([other.id, world.course_id]),
        "rule": "min_percent",
        "min_attendance_percent": 80,
        "assessment": "score",
        "pass_mark": 60,
        "validity_months": 12,
        "retired": False,
    }
    second = by_id[plain.get_json()["id"]]
    assert second["rule"] == "all_meetings" and second["min_attendance_percent"] is None
    assert second["name_en"] == "Alle bijeenkomsten" and second["validity_months"] is None
    assert second["assessment"] == "none" and second["pass_mark"] is None


def test_define_is_for_organisers(client, world):
    body = {"name": "X", "course_ids": [world.course_id], "validity_months": None}
    answer = client.post("/api/v1/certifications", json=body, headers=bearer(world.stranger))
    assert answer.status_code == 403 and _code(answer) == "not_organiser"
    assert client.post("/api/v1/certifications", json=body).status_code == 401
    assert client.get("/api/v1/certifications").status_code == 401


def test_define_refuses_bad_input(client, world):
    headers = bearer(world.organiser)
    taken = client.post(
        "/api/v1/certifications",
        json={
            "name": "EHBO-basis",
            "course_ids": [999_999],
            "min_attendance_percent": 150,
            "validity_months": 500,
        },
        headers=headers,
    )
    assert taken.status_code == 422 and _code(taken) == "validation_failed"
    assert set(taken.get_json()["error"]["fields"]) == {
        "name",
        "course_ids",
        "min_attendance_percent",
        "validity_months",
    }
    shape = client.post(
        "/api/v1/certifications",
        json={"name": 3, "course_ids": "1", "colour": "red"},
        headers=headers,
    )
    assert shape.status_code == 422
    assert {"name", "course_ids", "colour"} <= set(shape.get_json()["error"]["fields"])
    empty = client.post(
        "/api/v1/certifications",
        json={"name": " ", "course_ids": [], "assessment": "score"},
        headers=headers,
    )
    assert empty.status_code == 422
    assert {"name", "course_ids", "pass_mark"} <= set(empty.get_json()["error"]["fields"])
    junk = client.post(
        "/api/v1/certifications", data="[1]", headers=headers, content_type="application/json"
    )
    assert junk.status_code == 400


# -- the awards ----------------------------------------------------------------------------


def test_my_certifications(client, world):
    answer = client.get("/api/v1/me/certifications", headers=bearer(world.holder))
    assert answer.status_code == 200
    (row,) = answer.get_json()
    assert set(row) == AWARD_FIELDS
    assert row["id"] == world.award_id and row["code"] == world.code
    assert row["certification"] == "First aid"  # the holder's language is English
    assert row["status"] == "valid"
    assert row["issued_at"].endswith(("+01:00", "+02:00"))
    assert "T" in row["expires_at"]
    assert client.get("/api/v1/me/certifications", headers=bearer(world.stranger)).get_json() == []
    assert client.get("/api/v1/me/certifications").status_code == 401


def test_expired_and_withdrawn_show_their_status(client, make, world, db_session):
    old = services.award_by_hand(
        world.certification_id,
        world.stranger.email,
        completed_on=date.today() - timedelta(days=3 * 365),
        evidence_note="Oud diploma.",
        actor=world.organiser,
    )
    db_session.commit()
    rows = client.get("/api/v1/me/certifications", headers=bearer(world.stranger)).get_json()
    assert [(r["id"], r["status"], r["certification"]) for r in rows] == [
        (old.id, "expired", "EHBO-basis")
    ]


def test_a_persons_certifications(client, make, world, db_session):
    path = f"/api/v1/people/{world.holder.email.upper()}/certifications"
    for viewer in (world.organiser, world.holder):
        answer = client.get(path, headers=bearer(viewer))
        assert answer.status_code == 200
        (row,) = answer.get_json()
        assert set(row) == AWARD_FIELDS | {"certification_id"}
        assert row["certification_id"] == world.certification_id
    organiser_view = client.get(path, headers=bearer(world.organiser)).get_json()[0]
    assert organiser_view["certification"] == "EHBO-basis"  # the organiser reads Dutch

    hr = make.user("hr", password=None, org=world.holder.organisation)
    outsider_hr = make.user("hr", password=None)
    db_session.commit()
    assert client.get(path, headers=bearer(hr)).status_code == 200
    refused = client.get(path, headers=bearer(outsider_hr))
    assert refused.status_code == 403 and _code(refused) == "forbidden"
    refused = client.get(path, headers=bearer(world.stranger))
    assert refused.status_code == 403 and _code(refused) == "forbidden"
    unknown = client.get(
        "/api/v1/people/nobody@example.nl/certifications", headers=bearer(world.organiser)
    )
    assert unknown.status_code == 404 and _code(unknown) == "person_not_found"
    assert client.get(path).status_code == 401


def test_revoke(client, world):
    path = f"/api/v1/awards/{world.award_id}/revoke"
    refused = client.post(path, json={"reason": "x"}, headers=bearer(world.holder))
    assert refused.status_code == 403 and _code(refused) == "not_organiser"
    headers = bearer(world.organiser)
    no_reason = client.post(path, json={"reason": "  "}, headers=headers)
    assert no_reason.status_code == 422 and _code(no_reason) == "reason_required"
    assert "reason" in no_reason.get_json()["error"]["fields"]
    missing = client.post(path, json={}, headers=headers)
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    unknown = client.post("/api/v1/awards/999999/revoke", json={"reason": "x"}, headers=headers)
    assert unknown.status_code == 404 and _code(unknown) == "award_not_found"

    answer = client.post(path, json={"reason": "Diploma was vervalst."}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert set(body) == {"id", "status", "revoked_at"}
    assert body["id"] == world.award_id and body["status"] == "revoked"
    assert body["revoked_at"].endswith(("+01:00", "+02:00"))
    assert db.session.get(Award, world.award_id).revoke_reason == "Diploma was vervalst."

    again = client.post(path, json={"reason": "Nog eens."}, headers=headers)
    assert again.status_code == 409 and _code(again) == "award_not_valid"
    rows = client.get("/api/v1/me/certifications", headers=bearer(world.holder)).get_json()
    assert rows[0]["status"] == "revoked"
    verified = client.get(f"/api/v1/verify/{world.code}").get_json()
    assert verified["status"] == "revoked"


def test_certificate_pdf(client, make, world, db_session):
    path = f"/api/v1/awards/{world.award_id}/certificate.pdf"
    for viewer in (world.holder, world.organiser):
        answer = client.get(path, headers=bearer(viewer))
        assert answer.status_code == 200
        assert answer.mimetype == "application/pdf"
        assert answer.data.startswith(b"%PDF")
    refused = client.get(path, headers=bearer(world.stranger))
    assert refused.status_code == 403 and _code(refused) == "forbidden"
    unknown = client.get("/api/v1/awards/999999/certificate.pdf", headers=bearer(world.holder))
    assert unknown.status_code == 404 and _code(unknown) == "award_not_found"
    assert client.get(path).status_code == 401


# -- verification --------------------------------------------------------------------------


def test_verify_without_a_token(client, world):
    answer = client.get(f"/api/v1/verify/{world.code}")
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"status", "name", "certification", "issued_at", "expires_at"}
    assert body["status"] == "valid" and body["name"] == world.holder.name
    assert body["certification"] == "EHBO-basis"
    assert body["issued_at"].endswith(("+01:00", "+02:00"))
    typed = world.code.lower().replace("-", " ")
    assert client.get(f"/api/v1/verify/{typed}").get_json() == body


def test_verify_unknown_codes(client, world):
    for code in ("ABCD-EFGH-JKMN-PQRS", "x", "A" * 300):
        answer = client.get(f"/api/v1/verify/{code}")
        assert answer.status_code == 404, code
        assert _code(answer) == "unknown_code"
        assert "name" not in answer.get_json()
    # A NUL byte is refused before any route, as on every path (booking.core.web).
    assert client.get("/api/v1/verify/%00").status_code == 400


def test_verify_with_a_bad_token_is_a_401(client, world):
    answer = client.get(
        f"/api/v1/verify/{world.code}", headers={"Authorization": "Bearer nonsense"}
    )
    assert answer.status_code == 401


# -- assessment results --------------------------------------------------------------------


@pytest.fixture
def assessed(make, world, db_session):
    """A pass/fail certification of a session whose meeting began, two places attended."""
    certification = services.define(
        services.CertificationInput(
            name_nl="Examen", course_ids=[world.course_id], assessment="pass_fail"
        ),
        actor=world.organiser,
    )
    start = make.future(3, 9)
    session = make.session(db.session.get(Course, world.course_id), start=start)
    trainer = make.user(password=None)
    attendance.name_trainer(session.id, trainer.email, actor=world.organiser)
    places = []
    for _ in range(2):
        person = make.user(password=None)
        places.append(enrolment.enrol(session.id, person, actor=person).enrolment)
    db_session.flush()
    attendance.record(
        session.id,
        session.meetings[0].id,
        [Entry(p.id, "attended") for p in places],
        actor=world.organiser,
        now=start + timedelta(hours=1),
    )
    db_session.commit()
    return Assessed(session.id, certification.id, [p.id for p in places], trainer)


@dataclass
class Assessed:
    session_id: int
    certification_id: int
    place_ids: list[int]
    trainer: object


def _results(client, assessed, results, headers, certification_id=None):
    return client.post(
        f"/api/v1/sessions/{assessed.session_id}/results",
        json={
            "certification_id": certification_id or assessed.certification_id,
            "results": results,
        },
        headers=headers,
    )


def test_results_award_the_certification(client, world, assessed):
    first, second = assessed.place_ids
    headers = bearer(assessed.trainer)
    answer = _results(
        client,
        assessed,
        [{"enrolment_id": first, "passed": True}, {"enrolment_id": second, "passed": False}],
        headers,
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"recorded": 2}
    again = _results(client, assessed, [{"enrolment_id": first, "passed": True}], headers)
    assert again.get_json() == {"recorded": 0}
    awarded = db.session.scalars(
        select(Award).where(Award.certification_id == assessed.certification_id)
    ).all()
    assert [a.enrolment_id for a in awarded] == [first]
    organiser = _results(
        client, assessed, [{"enrolment_id": second, "passed": None}], bearer(world.organiser)
    )
    assert organiser.get_json() == {"recorded": 1}


def test_results_errors(client, make, world, assessed, db_session):
    first = assessed.place_ids[0]
    headers = bearer(assessed.trainer)
    refused = _results(
        client, assessed, [{"enrolment_id": first, "passed": True}], bearer(world.stranger)
    )
    assert refused.status_code == 403 and _code(refused) == "not_a_trainer"
    assert _results(client, assessed, [], {}).status_code == 401
    wrong = _results(client, assessed, [{"enrolment_id": first, "score": 80}], headers)
    assert wrong.status_code == 422 and _code(wrong) == "invalid_result"
    both = _results(
        client, assessed, [{"enrolment_id": first, "score": 80, "passed": True}], headers
    )
    assert both.status_code == 422 and "results.0" in both.get_json()["error"]["fields"]
    neither = _results(client, assessed, [{"enrolment_id": first}], headers)
    assert neither.status_code == 422
    stranger = _results(client, assessed, [{"enrolment_id": 999_999, "passed": True}], headers)
    assert stranger.status_code == 422 and _code(stranger) == "not_a_participant"
    no_assessment = _results(
        client,
        assessed,
        [{"enrolment_id": first, "passed": True}],
        headers,
        certification_id=world.certification_id,
    )
    assert no_assessment.status_code == 422 and _code(no_assessment) == "no_assessment"
    elsewhere = _results(
        client,
        assessed,
        [{"enrolment_id": first, "passed": True}],
        headers,
        certification_id=999_999,
    )
    assert elsewhere.status_code == 404 and _code(elsewhere) == "certification_not_found"
    missing = client.post(
        "/api/v1/sessions/999999/results",
        json={"certification_id": assessed.certification_id, "results": []},
        headers=headers,
    )
    assert missing.status_code == 404 and _code(missing) == "session_not_found"


def test_results_after_closing_are_a_409(client, world, assessed, db_session):
    session = db.session.get(Session, assessed.session_id)
    ends = max(m.ends_at for m in session.meetings)
    attendance.close(assessed.session_id, actor=world.organiser, now=ends + timedelta(hours=1))
    db_session.commit()
    answer = _results(
        client,
        assessed,
        [{"enrolment_id": assessed.place_ids[0], "passed": True}],
        bearer(world.organiser),
    )
    assert answer.status_code == 409 and _code(answer) == "session_closed"


# -- the document --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/certifications", "post", {"201", "400", "401", "403", "409", "413", "422"}),
        ("/api/v1/certifications", "get", {"200", "400", "401", "403"}),
        ("/api/v1/me/certifications", "get", {"200", "400", "401", "403"}),
        ("/api/v1/people/{email}/certifications", "get", {"200", "400", "401", "403", "404"}),
        (
            "/api/v1/awards/{award_id}/revoke",
            "post",
            {"200", "400", "401", "403", "404", "409", "413", "422"},
        ),
        ("/api/v1/awards/{award_id}/certificate.pdf", "get", {"200", "400", "401", "403", "404"}),
        ("/api/v1/verify/{code}", "get", {"200", "400", "401", "404"}),
        (
            "/api/v1/sessions/{session_id}/results",
            "post",
            {"200", "400", "401", "403", "404", "409", "413", "422"},
        ),
    ],
)
def test_every_status_is_documented(client, path, method, statuses):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"][path][method]
    assert set(operation["responses"]) == statuses | {"503"}  # 503 busy: every operation


def test_the_document_describes_the_pdf_and_the_public_verify(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    pdf = doc["paths"]["/api/v1/awards/{award_id}/certificate.pdf"]["get"]
    assert set(pdf["responses"]["200"]["content"]) == {"application/pdf"}
    verify = doc["paths"]["/api/v1/verify/{code}"]["get"]
    assert {} in verify["security"]
    (param,) = verify["parameters"]
    assert param == {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
    people = doc["paths"]["/api/v1/people/{email}/certifications"]["get"]
    assert people["parameters"][0]["schema"] == {"type": "string"}
    schemas = doc["components"]["schemas"]
    assert set(schemas["VerificationOut"]["properties"]) == {
        "status",
        "name",
        "certification",
        "issued_at",
        "expires_at",
    }
    assert set(schemas["CertificationIn"]["properties"]) == {
        "name",
        "name_en",
        "description",
        "course_ids",
        "min_attendance_percent",
        "assessment",
        "pass_mark",
        "validity_months",
    }
