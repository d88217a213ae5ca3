"""Evaluations (issue 12): who may answer, once, in the window; the ratings' range in the
database too; the invitation sent once; results hidden below the threshold; pages; queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from booking.accounts.models import User
from booking.accounts.services import create_api_token
from booking.attendance import services as attendance
from booking.attendance.services import Entry
from booking.core.db import atomic, utcnow
from booking.core.errors import Conflict, NotFound, ValidationError
from booking.demo import seed_demo
from booking.enrolment import services as enrolment
from booking.evaluations import duties, queries, services
from booking.evaluations.models import Evaluation
from booking.evaluations.services import Answer
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.privacy import export as privacy_export

GOOD = Answer(content=4, trainer=5, organisation="3", comment="Goed verzorgd")


def _ended(make, people=1, days_ago=2):
    """A session whose only meeting ended `days_ago` days ago, with confirmed places."""
    session = make.session()
    places = []
    for _ in range(people):
        person = make.user()
        places.append(enrolment.enrol(session.id, person, actor=person).enrolment)
    start = utcnow() - timedelta(days=days_ago, hours=3)
    session.starts_at, session.ends_at = start, start + timedelta(hours=3)
    session.meetings[0].starts_at, session.meetings[0].ends_at = start, start + timedelta(hours=3)
    db.session.commit()
    return session, places


def _submit(place, answer=GOOD, **kw):
    return atomic(services.submit, place.user, place.id, answer, **kw)


def test_a_participant_of_an_ended_session_answers_once(app, make):
    _session, [place] = _ended(make)
    evaluation = _submit(place)
    assert (evaluation.content, evaluation.trainer, evaluation.organisation) == (4, 5, 3)
    with pytest.raises(Conflict) as caught:
        _submit(place)
    assert caught.value.code == "already_answered"
    assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 1


def test_not_before_the_end_nor_after_the_window_nor_someone_else(app, make):
    session = make.session()
    person = make.user()
    place = enrolment.enrol(session.id, person, actor=person).enrolment
    db.session.commit()
    with pytest.raises(Conflict):
        _submit(place)
    _s, [old] = _ended(make, days_ago=app.config["EVALUATION_DAYS"] + 1)
    with pytest.raises(Conflict):
        _submit(old)
    _s, [other] = _ended(make)
    with pytest.raises(NotFound):
        atomic(services.submit, make.user(), other.id, GOOD)


def test_attendance_taken_then_only_who_attended(app, make):
    session, [came, absent] = _ended(make, people=2)
    organiser = make.user("organiser")
    atomic(
        attendance.record,
        session.id,
        session.meetings[0].id,
        [Entry(came.id, "attended"), Entry(absent.id, "absent")],
        actor=organiser,
        now=session.ends_at,
    )
    _submit(came)
    with pytest.raises(Conflict):
        _submit(absent)


def test_ratings_out_of_range_are_form_errors(app, make):
    _s, [place] = _ended(make)
    with pytest.raises(ValidationError) as caught:
        _submit(place, Answer(content=0, trainer=6, organisation="x", comment="a" * 2001))
    assert set(caught.value.fields) == {"content", "trainer", "organisation", "comment"}
    with pytest.raises(ValidationError) as caught:
        _submit(place, Answer(content=1, trainer=1, organisation=1, comment="a\x00b"))
    assert set(caught.value.fields) == {"comment"}


def test_the_database_enforces_the_range_and_once(app, make):
    _s, [place] = _ended(make)
    db.session.add(
        Evaluation(
            enrolment_id=place.id, session_id=place.session_id, content=6, trainer=1, organisation=1
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    for _ in range(2):
        db.session.add(
            Evaluation(
                enrolment_id=place.id,
                session_id=place.session_id,
                content=1,
                trainer=1,
                organisation=1,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_duty_invites_each_place_once(app, make):
    _ended(make, people=2)
    with app.test_request_context():
        assert duties.invitations() == {"evaluation_invitations": 2}
        assert duties.invitations() == {"evaluation_invitations": 0}
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds.count("evaluation_invite") == 2


def test_results_hidden_below_the_threshold(app, make):
    app.config["EVALUATION_MIN_ANSWERS"] = 3
    session, places = _ended(make, people=3)
    for place in places[:2]:
        _submit(place)
    [result] = queries.per_session([session.id])
    assert result.count == 2 and not result.shown and result.averages == {}
    queries.comments_of_sessions([result])
    assert result.comments == []
    _submit(places[2], Answer(content=1, trainer=2, organisation=3))
    [result] = queries.per_session([session.id])
    assert result.shown and result.averages == {"content": 3.0, "trainer": 4.0, "organisation": 3.0}
    queries.comments_of_sessions([result])
    assert result.comments == ["Goed verzorgd", "Goed verzorgd"]


def test_pages(app, make, client):
    app.config["EVALUATION_MIN_ANSWERS"] = 1
    session, [place] = _ended(make)
    make.login(client, place.user)
    assert f"/evaluaties/{place.id}" in client.get("/mijn").get_data(as_text=True)
    page = client.get(f"/evaluaties/{place.id}")
    assert page.status_code == 200 and 'id="evaluation-form"' in page.get_data(as_text=True)
    bad = client.post(f"/evaluaties/{place.id}", data={"content": "9", "comment": "x"})
    assert bad.status_code == 422 and 'id="evaluation-errors"' in bad.get_data(as_text=True)
    ok = client.post(
        f"/evaluaties/{place.id}",
        data={"content": "5", "trainer": "4", "organisation": "4", "comment": "Top"},
    )
    assert ok.status_code == 302
    again = client.get(f"/evaluaties/{place.id}").get_data(as_text=True)
    assert 'data-state="answered"' in again
    assert f"/evaluaties/{place.id}" not in client.get("/mijn").get_data(as_text=True)
    assert client.get("/beheer/evaluaties").status_code == 403
    client.post("/uitloggen")
    make.login(client, make.user("organiser"))
    detail = client.get(f"/beheer/evaluaties/sessies/{session.id}").get_data(as_text=True)
    assert "Top" in detail and place.user.name not in detail


def test_results_page_queries_do_not_grow_with_rows(app, make, client, count_queries):
    make.login(client, make.user("organiser"))
    counts = []
    for people in (2, 5):
        _s, places = _ended(make, people=people)
        for place in places:
            _submit(place)
        count_queries.reset()
        assert client.get("/beheer/evaluaties").status_code == 200
        counts.append(len(count_queries))
    assert counts[0] == counts[1]


def _bearer(person) -> dict:
    _token, plain = create_api_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_api(app, make, client):
    app.config["EVALUATION_MIN_ANSWERS"] = 2
    session, [one, two] = _ended(make, people=2)
    url = f"/api/v1/enrolments/{one.id}/evaluation"
    body = {"content": 5, "trainer": 4, "organisation": 3, "comment": "Prima"}
    assert client.post(url, json=body, headers=_bearer(two.user)).status_code == 404
    bad = client.post(url, json={**body, "content": 7}, headers=_bearer(one.user))
    assert bad.status_code == 422 and "content" in bad.get_json()["error"]["fields"]
    assert client.post(url, json=body, headers=_bearer(one.user)).status_code == 201
    again = client.post(url, json=body, headers=_bearer(one.user))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_answered"
    results = f"/api/v1/sessions/{session.id}/evaluation-results"
    organiser = _bearer(make.user("organiser"))
    assert client.get(results, headers=_bearer(one.user)).status_code == 403
    hidden = client.get(results, headers=organiser).get_json()
    assert hidden["count"] == 1 and hidden["shown"] is False and hidden["averages"] is None
    assert (
        client.post(
            f"/api/v1/enrolments/{two.id}/evaluation", json=body, headers=_bearer(two.user)
        ).status_code
        == 201
    )
    shown = client.get(results, headers=organiser).get_json()
    assert shown["averages"] == {"content": 5.0, "trainer": 4.0, "organisation": 3.0}
    assert shown["comments"] == ["Prima", "Prima"]
    assert (
        client.get("/api/v1/sessions/2000000000/evaluation-results", headers=organiser).status_code
        == 404
    )


def test_the_demo_shows_results_on_one_session_and_leaves_the_demo_participant_to_answer(
    app, db_session
):
    assert seed_demo() is True
    shown = [r for r in queries.per_session() if r.shown]
    assert len(shown) == 1 and shown[0].count >= app.config["EVALUATION_MIN_ANSWERS"]
    demo = db_session.scalar(select(User).where(User.email == "medewerker@schiedam.example.nl"))
    assert services.open_for(demo.id)


def test_what_a_person_said_is_in_their_data_export(app, make, client):
    """Organisers see evaluations pooled and nameless; the person who gave one gets it back."""
    _session, (place,) = _ended(make)
    _submit(place, Answer(content=2, trainer=5, organisation=4, comment="Te kort"))
    data = privacy_export.export(place.user_id)
    (given,) = data["evaluations"]
    assert (given["content"], given["trainer"], given["organisation"]) == (2, 5, 4)
    assert given["comment"] == "Te kort"
    make.login(client, db.session.get(User, place.user_id))
    page = client.get("/mijn/gegevens").get_data(as_text=True)
    assert "Te kort" in page and 'id="evaluations"' in page
