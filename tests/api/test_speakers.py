"""Speakers: several per course or session, in order, through the API and on the pages."""

from __future__ import annotations

from sqlalchemy import select

from booking.catalogue.models import Speaker
from booking.extensions import db
from tests.api.conftest import bearer


def add(client, organiser, **fields) -> dict:
    answer = client.post("/api/v1/speakers", json=fields, headers=organiser)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_speakers_on_a_course_and_a_session(client, organiser, world, session_body):
    sanne = add(
        client,
        organiser,
        name="Sanne de Wit",
        role="antropoloog",
        organisation="Universiteit Leiden",
        bio="Onderzoekt samenwerking in organisaties.",
        photo_url="https://example.org/sanne.jpg",
    )
    ruben = add(client, organiser, name="Ruben Schaatsma", role="oud-topsporter")
    assert {"id", "name", "role", "organisation", "bio", "photo_url"} <= sanne.keys()

    course = client.patch(
        f"/api/v1/courses/{world.course_id}",
        json={"speaker_ids": [ruben["id"], sanne["id"]]},
        headers=organiser,
    )
    assert course.status_code == 200, course.get_json()
    assert [s["name"] for s in course.get_json()["speakers"]] == ["Ruben Schaatsma", "Sanne de Wit"]

    inherited = client.post("/api/v1/sessions", json=session_body(), headers=organiser).get_json()
    assert inherited["speaker_ids"] == []
    assert [s["id"] for s in inherited["speakers"]] == [ruben["id"], sanne["id"]]  # the course's
    own = client.post(
        "/api/v1/sessions", json=session_body(days=20, speaker_ids=[sanne["id"]]), headers=organiser
    ).get_json()
    assert own["speaker_ids"] == [sanne["id"]]
    assert [s["name"] for s in own["speakers"]] == ["Sanne de Wit"]
    changed = client.patch(
        f"/api/v1/sessions/{own['id']}", json={"speaker_ids": [ruben["id"]]}, headers=organiser
    )
    assert changed.get_json()["speaker_ids"] == [ruben["id"]]

    page = client.get(
        f"/cursussen/{client.get(f'/api/v1/courses/{world.course_id}').get_json()['slug']}"
    )
    html = page.get_data(as_text=True)
    assert "Sprekers" in html and "Universiteit Leiden" in html
    assert "Onderzoekt samenwerking" in html and 'src="https://example.org/sanne.jpg"' in html


def test_bad_speakers_are_refused(client, organiser, world, session_body):
    assert client.post("/api/v1/speakers", json={"name": ""}, headers=organiser).status_code == 422
    photo = client.post(
        "/api/v1/speakers",
        json={"name": "X", "photo_url": "javascript:alert(1)"},
        headers=organiser,
    )
    assert photo.status_code == 422 and "photo_url" in photo.get_json()["error"]["fields"]
    unknown = client.patch(
        f"/api/v1/courses/{world.course_id}", json={"speaker_ids": [999999]}, headers=organiser
    )
    assert unknown.status_code == 422 and "speaker_ids" in unknown.get_json()["error"]["fields"]
    session = client.post(
        "/api/v1/sessions", json=session_body(speaker_ids=[424242]), headers=organiser
    )
    assert session.status_code == 422 and "speaker_ids" in session.get_json()["error"]["fields"]
    assert client.get("/api/v1/speakers/999999").status_code == 404


def test_a_named_speaker_is_not_deleted(client, organiser, world, session_body, token):
    on_session = add(client, organiser, name="Gast")
    on_course = add(client, organiser, name="Trainer")
    unused = add(client, organiser, name="Niemand")
    client.post(
        "/api/v1/sessions", json=session_body(speaker_ids=[on_session["id"]]), headers=organiser
    )
    client.patch(
        f"/api/v1/courses/{world.course_id}",
        json={"speaker_ids": [on_course["id"]]},
        headers=organiser,
    )
    for named in (on_session, on_course):
        refused = client.delete(f"/api/v1/speakers/{named['id']}", headers=organiser)
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "in_use"
    assert client.delete(f"/api/v1/speakers/{unused['id']}", headers=organiser).status_code == 200
    assert db.session.scalars(select(Speaker.name).order_by(Speaker.name)).all() == [
        "Gast",
        "Trainer",
    ]
    participant = bearer(token("participant"))
    assert (
        client.post("/api/v1/speakers", json={"name": "X"}, headers=participant).status_code == 403
    )
    assert client.patch(f"/api/v1/speakers/{unused['id']}", json={"name": "X"}).status_code == 401
    assert [s["name"] for s in client.get("/api/v1/speakers").get_json()["items"]] == [
        "Gast",
        "Trainer",
    ]


def test_speaker_pages(client, make, db_session):
    make.login(client, make.user("organiser"))
    db_session.commit()
    saved = client.post(
        "/beheer/sprekers/nieuw",
        data={
            "name": "Sanne de Wit",
            "role": "antropoloog",
            "photo_url": "https://example.org/s.jpg",
        },
    )
    assert saved.status_code == 303
    speaker = db.session.scalar(select(Speaker))
    assert speaker.role == "antropoloog"
    bad = client.post(f"/beheer/sprekers/{speaker.id}", data={"name": "S", "photo_url": "ftp://x"})
    assert bad.status_code == 422 and "https://" in bad.get_data(as_text=True)
    listing = client.get("/beheer/sprekers").get_data(as_text=True)
    assert "Sanne de Wit" in listing
    course_form = client.get("/beheer/cursussen/nieuw").get_data(as_text=True)
    assert "Sanne de Wit, antropoloog" in course_form
    assert client.post(f"/beheer/sprekers/{speaker.id}/verwijderen").status_code == 303
    assert db.session.scalar(select(Speaker)) is None


def test_lists_with_speakers_read_a_fixed_number_of_statements(
    client, organiser, make, db_session, count_queries, world
):
    def fill(n: int) -> None:
        for i in range(n):
            speaker = Speaker(name=f"Spreker {i}")
            db_session.add(speaker)
            db_session.flush()
            course = make.course(f"Webinar {i}-{make.n()}", speaker_ids=[speaker.id])
            make.session(course, mode="online", speaker_ids=[speaker.id])
        db_session.commit()

    client.get("/api/v1/me/enrolments", headers=organiser)  # the token's first use writes to it
    counts = []
    for n in (2, 12):
        fill(n)
        count_queries.reset()
        assert client.get("/api/v1/sessions", headers=organiser).status_code == 200
        assert client.get("/api/v1/courses").status_code == 200
        counts.append(len(count_queries))
    assert counts[0] == counts[1]
