"""In-company requests: organisers see them (open first), plan one as a closed session through
the prefilled session form, or decline it with an answer."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from booking.accounts.models import Role
from booking.core.timez import AMSTERDAM
from booking.enrolment import team
from booking.enrolment.models import InCompanyRequest
from booking.scheduling.models import Session

LIST = "/beheer/incompany"
NEW = "/beheer/sessies/nieuw"


def as_organiser(client, make):
    person = make.user(Role.ORGANISER)
    make.login(client, person)
    return person


def fresh(db_session):
    db_session.rollback()
    return db_session


def ask(make, topic="Samenwerken in het sociaal domein", size=12, course=None, leader=None):
    leader = leader or make.user(Role.TEAM_LEADER)
    return team.request_in_company(
        actor=leader,
        topic=topic,
        group_size=size,
        preferred_dates="maandagen in maart",
        course_id=course.id if course else None,
    )


def session_data(course, room, **extra) -> dict:
    day = datetime.now(AMSTERDAM).date() + timedelta(days=30)
    data = {
        "course": str(course.id),
        "mode": "physical",
        "room": str(room.id),
        "in_person_capacity": "12",
        "online_capacity": "",
        "online_venue": "",
        "meetings-0-date": day.isoformat(),
        "meetings-0-start": "10:00",
        "meetings-0-end": "12:00",
        "min_participants": "0",
        "visibility": "team",
        "organisation": "",
        "team": "",
        "promotion": "auto",
        "event": "",
        "notes": "",
    }
    data.update(extra)
    return data


def test_the_list_shows_open_requests_first_with_their_details(client, make, db_session):
    handled = ask(make, topic="Oud verzoek")
    as_organiser(client, make)
    team.settle_in_company(handled.id, actor=make.user(Role.ORGANISER), decline_reason="Nee")
    leader = make.user(Role.TEAM_LEADER, org=make.organisation("Gemeente Maassluis"))
    waiting = ask(make, topic="Feedback geven", size=8, leader=leader)
    db_session.commit()
    page = client.get(LIST).get_data(as_text=True)
    order = re.findall(r'id="request-(\d+)" data-status="(\w+)"', page)
    assert order == [(str(waiting.id), "open"), (str(handled.id), "declined")]
    assert "Feedback geven" in page and "Gemeente Maassluis" in page and leader.team.name in page
    assert "maandagen in maart" in page and ">8<" in page
    assert f'href="{NEW}?request={waiting.id}"' in page
    assert f'name="request-{waiting.id}-answer"' in page
    assert f'name="request-{handled.id}-answer"' not in page
    forms = re.findall(r'<form\b[^>]*method="post"[^>]*>.*?</form>', page, re.S)
    assert forms and all('name="csrf_token"' in form for form in forms)


def test_the_list_needs_the_same_number_of_statements_for_2_or_12_requests(
    client, make, db_session, count_queries
):
    as_organiser(client, make)
    counts = []
    for more in (2, 10):  # 2 requests, then 12
        for _ in range(more):
            ask(make, course=make.course())
        db_session.commit()
        client.get(LIST)
        count_queries.reset()
        assert client.get(LIST).status_code == 200
        counts.append(len(count_queries))
    assert counts[0] == counts[1]


def test_declining_needs_an_answer_and_is_recorded(client, make, db_session):
    request = ask(make)
    as_organiser(client, make)
    url = f"{LIST}/{request.id}/afwijzen"
    empty = client.post(url, data={f"request-{request.id}-answer": "  "})
    assert empty.status_code == 422
    assert f'id="request-{request.id}-answer-error"' in empty.get_data(as_text=True)
    assert fresh(db_session).get(InCompanyRequest, request.id).status == "open"
    answer = "Dit onderwerp zit al in de open training van april."
    assert client.post(url, data={f"request-{request.id}-answer": answer}).status_code == 302
    found = fresh(db_session).get(InCompanyRequest, request.id)
    assert (found.status, found.answer) == ("declined", answer)
    again = client.post(url, data={f"request-{request.id}-answer": "nogmaals"})
    assert again.status_code == 409
    assert fresh(db_session).get(InCompanyRequest, request.id).answer == answer


def test_unknown_requests_are_404(client, make, db_session):
    as_organiser(client, make)
    for request_id in ("424242", "99999999999999"):
        assert client.post(f"{LIST}/{request_id}/afwijzen", data={}).status_code == 404
    for query in ("424242", "abc", "-1", "99999999999999999999"):
        assert client.get(f"{NEW}?request={query}").status_code == 404


def test_plan_as_closed_session_prefills_the_form_and_links_the_request(client, make, db_session):
    course = make.course("DISC teamtraining")
    venue = make.physical_venue()
    request = ask(make, course=course)
    as_organiser(client, make)
    page = client.get(f"{NEW}?request={request.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{course.id}">', page)
    assert re.search(rf'<option selected value="{request.team_id}">', page)
    assert re.search(r'<input checked[^>]*name="visibility"[^>]*value="team"', page)
    assert request.topic in page  # what was asked, shown while planning

    data = session_data(course, venue.rooms[0], team=str(request.team_id))
    response = client.post(f"{NEW}?request={request.id}", data=data)
    assert response.status_code == 302
    session = fresh(db_session).query(Session).one()
    assert (session.visibility, session.team_id) == ("team", request.team_id)
    found = db_session.get(InCompanyRequest, request.id)
    assert (found.status, found.session_id) == ("scheduled", session.id)
    listed = client.get(LIST).get_data(as_text=True)
    assert f'href="/beheer/sessies/{session.id}/deelnemers"' in listed


def test_a_session_for_another_audience_does_not_settle_the_request(client, make, db_session):
    course, venue = make.course(), make.physical_venue()
    request = ask(make)
    other_team = make.team()
    as_organiser(client, make)
    for changes in ({"visibility": "open"}, {"team": str(other_team.id)}):
        data = session_data(course, venue.rooms[0], team=str(request.team_id))
        data.update(changes)
        response = client.post(f"{NEW}?request={request.id}", data=data)
        assert response.status_code == 422
        assert 'role="alert"' in response.get_data(as_text=True)
    assert fresh(db_session).query(Session).count() == 0  # both or neither
    assert db_session.get(InCompanyRequest, request.id).status == "open"


def test_a_handled_request_cannot_be_planned_twice(client, make, db_session):
    course, venue = make.course(), make.physical_venue()
    request = ask(make)
    boss = as_organiser(client, make)
    team.settle_in_company(request.id, actor=boss, decline_reason="Nee")
    db_session.commit()
    page = client.get(f"{NEW}?request={request.id}")
    assert page.status_code == 200 and 'role="alert"' in page.get_data(as_text=True)
    data = session_data(course, venue.rooms[0], team=str(request.team_id))
    assert client.post(f"{NEW}?request={request.id}", data=data).status_code == 422
    assert fresh(db_session).query(Session).count() == 0


def test_the_menu_leads_organisers_to_the_requests(client, make, db_session):
    as_organiser(client, make)
    assert f'href="{LIST}"' in client.get("/beheer/sessies").get_data(as_text=True)
