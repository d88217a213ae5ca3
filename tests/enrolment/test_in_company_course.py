"""Courses given only in company: listed "on request" for everyone, asked for by a team leader
from the course page, planned only as a closed session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.core.errors import ValidationError
from booking.enrolment.models import InCompanyRequest
from booking.extensions import db
from tests.enrolment.helpers import messages, page


@pytest.fixture
def disc(make, db_session):
    course = make.course(
        "DISC teamtraining",
        format="training",
        description="Inzicht in jezelf en je team met het DISC-model.",
        in_company_only=True,
    )
    db_session.commit()
    return course


def test_listed_on_request_for_everyone(client, disc):
    catalogue = page(client, "/")
    assert "DISC teamtraining" in catalogue and "Op aanvraag" in catalogue
    course_page = page(client, f"/cursussen/{disc.slug}")
    assert "Op aanvraag" in course_page and "DISC-model" in course_page
    assert "Vraag je teamleider" in course_page
    assert 'id="aanvraagformulier"' not in course_page  # the form is the team leader's


def test_a_team_leader_asks_for_it_from_the_course_page(client, make, db_session, disc):
    leader = make.user("team_leader")
    organiser = make.user("organiser")
    make.login(client, leader)
    db_session.commit()
    course_page = page(client, f"/cursussen/{disc.slug}")
    assert 'id="aanvraagformulier"' in course_page
    answer = client.post(
        f"/cursussen/{disc.slug}/aanvragen",
        data={
            "group_size": "12",
            "preferred_dates": "Twee ochtenden in maart",
            "note": "Buitendienst",
        },
    )
    assert answer.status_code == 303
    request = db.session.scalar(select(InCompanyRequest))
    assert (request.course_id, request.team_id, request.group_size) == (disc.id, leader.team_id, 12)
    assert request.topic == "DISC teamtraining" and request.note == "Buitendienst"
    assert request.preferred_dates == "Twee ochtenden in maart"
    assert messages("in_company_requested", organiser) == 1
    again = page(client, f"/cursussen/{disc.slug}")
    assert "voor 12 personen" in again  # their request, with its status


def test_bad_requests_get_a_form_error(client, make, db_session, disc):
    make.login(client, make.user("team_leader"))
    db_session.commit()
    answer = client.post(f"/cursussen/{disc.slug}/aanvragen", data={"group_size": "0"})
    assert answer.status_code == 422
    assert "Geef het aantal deelnemers." in answer.get_data(as_text=True)
    assert (
        client.post(f"/cursussen/{disc.slug}/aanvragen", data={"group_size": "x"}).status_code
        == 422
    )
    assert db.session.scalar(select(InCompanyRequest)) is None


def test_only_team_leaders_ask_and_only_for_in_company_courses(client, make, db_session, disc):
    open_course = make.course("Netwerken met LinkedIn")
    leader = make.user("team_leader")
    make.login(client, make.user("participant"))
    db_session.commit()
    assert (
        client.post(f"/cursussen/{disc.slug}/aanvragen", data={"group_size": "5"}).status_code
        == 403
    )
    client.post("/uitloggen")
    make.login(client, leader)
    assert (
        client.post(
            f"/cursussen/{open_course.slug}/aanvragen", data={"group_size": "5"}
        ).status_code
        == 404
    )
    assert client.get("/cursussen/bestaat-niet/aanvragen").status_code == 404


def test_scheduling_refuses_an_open_session_of_it(make, db_session, disc):
    with pytest.raises(ValidationError) as refused:
        make.session(disc)
    assert "visibility" in refused.value.fields
    team = make.team()
    closed = make.session(disc, visibility="team", team_id=team.id)
    assert closed.id
