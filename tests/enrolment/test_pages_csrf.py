"""Every POST form of the enrolment pages carries a CSRF token, and with CSRF protection on
(as outside tests) a post without one changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from booking.accounts.models import Role
from booking.enrolment import services
from booking.enrolment.models import Enrolment
from tests.conftest import make_app

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
TOKEN = re.compile(r'<input[^>]*name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def csrf_client(database_url):
    return make_app(database_url, WTF_CSRF_ENABLED=True).test_client()


def log_in(client, person, password) -> None:
    html = client.get("/inloggen").get_data(as_text=True)
    token = TOKEN.search(html).group(1)
    response = client.post(
        "/inloggen", data={"email": person.email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302


def post_forms(html: str) -> list[tuple[str, str]]:
    """(action, body) of every form that posts."""
    found = []
    for attributes, body in FORM.findall(html):
        if 'method="post"' in attributes:
            found.append((re.search(r'action="([^"]*)"', attributes).group(1), body))
    return found


def assert_all_have_tokens(html: str) -> list[str]:
    forms = post_forms(html)
    missing = [action for action, body in forms if not TOKEN.search(body)]
    assert missing == [], f"POST forms without a CSRF token: {missing}"
    return [action for action, _ in forms]


def test_every_post_form_of_the_enrolment_pages_has_a_csrf_token(csrf_client, make, db_session):
    team = make.team()
    leader = make.user(Role.TEAM_LEADER, team_=team)
    me, other, third = make.user(team_=team), make.user(team_=team), make.user(team_=team)
    organiser, loner = make.user(Role.ORGANISER), make.user()
    course = make.course()
    make.session(course, mode="hybrid", start=make.future(days=8))  # enrol buttons
    full = make.session(
        course, mode="hybrid", capacity={"in_person": 1, "online": 3}, start=make.future(days=9)
    )
    offer = make.session(
        course, capacity={"in_person": 1}, promotion="offer", start=make.future(days=10)
    )
    queue = make.session(course, capacity={"in_person": 1}, start=make.future(days=11))
    approval = make.session(make.course(requires_approval=True), start=make.future(days=12))
    services.enrol(full.id, other, actor=other, mode="in_person")
    services.enrol(full.id, third, actor=third, mode="in_person", accept_online=True)
    first = services.enrol(offer.id, other, actor=other).enrolment
    services.enrol(offer.id, me, actor=me)
    services.cancel(first.id, actor=other)  # my place is offered
    services.enrol(queue.id, other, actor=other)
    services.enrol(queue.id, me, actor=me)  # waitlisted
    services.enrol(approval.id, third, actor=third)  # pending, for the leader
    services.enrol(approval.id, loner, actor=loner)  # pending, for the organisers
    db_session.commit()

    log_in(csrf_client, me, make.PASSWORD)
    actions = assert_all_have_tokens(
        csrf_client.get(f"/cursussen/{course.slug}").get_data(as_text=True)
    )
    actions += assert_all_have_tokens(csrf_client.get("/mijn").get_data(as_text=True))
    csrf_client.post(
        "/uitloggen",
        data={"csrf_token": TOKEN.search(csrf_client.get("/mijn").get_data(as_text=True)).group(1)},
    )
    log_in(csrf_client, leader, make.PASSWORD)
    actions += assert_all_have_tokens(csrf_client.get("/mijn-team").get_data(as_text=True))
    csrf_client.post(
        "/uitloggen",
        data={"csrf_token": TOKEN.search(csrf_client.get("/mijn").get_data(as_text=True)).group(1)},
    )
    log_in(csrf_client, organiser, make.PASSWORD)
    actions += assert_all_have_tokens(csrf_client.get("/mijn").get_data(as_text=True))
    kinds = {re.sub(r"\d+", "N", action) for action in actions}
    assert {
        "/sessies/N/inschrijven",
        "/inschrijvingen/N/annuleren",
        "/inschrijvingen/N/aanbod",
        "/inschrijvingen/N/niet-meer-wachten",
        "/inschrijvingen/N/besluit",
        "/mijn-team/boeken",
        "/mijn-team/maatwerk",
    } <= kinds, kinds


def test_a_post_without_the_token_is_refused_and_with_it_works(csrf_client, make, db_session):
    session = make.session()
    me = make.user()
    db_session.commit()
    log_in(csrf_client, me, make.PASSWORD)
    path = f"/sessies/{session.id}/inschrijven"
    assert csrf_client.post(path, data={"mode": "in_person"}).status_code == 400
    assert db_session.scalar(select(func.count()).select_from(Enrolment)) == 0
    html = csrf_client.get(f"/cursussen/{session.course.slug}").get_data(as_text=True)
    (body,) = [body for action, body in post_forms(html) if action == path]
    token = TOKEN.search(body).group(1)
    response = csrf_client.post(path, data={"mode": "in_person", "csrf_token": token})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Enrolment)) == 1
