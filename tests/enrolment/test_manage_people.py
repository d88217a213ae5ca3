"""The organisers' people page of a session: what it shows, who may see it, what it costs."""

from __future__ import annotations

import re

import pytest

from booking.accounts.models import Role
from booking.enrolment import organiser, services
from booking.enrolment.models import Enrolment

PAGE = "/beheer/sessies/{}/deelnemers"


def as_organiser(client, make, role=Role.ORGANISER):
    person = make.user(role)
    make.login(client, person)
    return person


def row(text: str, element_id: str) -> str:
    """The opening tag of the element with this id ('' when absent)."""
    found = re.search(rf'<[^>]*\bid="{re.escape(element_id)}"[^>]*>', text)
    return found.group(0) if found else ""


def counter(text: str, mode: str, name: str) -> int:
    block = re.search(rf'<tr class="utrecht-table__row" data-mode="{mode}">(.*?)</tr>', text, re.S)
    value = re.search(rf'data-counter="{name}">(\d+)<', block.group(1))
    return int(value.group(1))


def post_forms(text: str) -> list[str]:
    return re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", text, re.S | re.I)


def test_the_page_shows_every_group_with_counters_and_positions(client, make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    member = make.user(team_=leader.team)
    s = make.session(mode="hybrid", capacity={"in_person": 2, "online": 2}, promotion="offer")
    approval = make.session(mode="physical", capacity={"in_person": 3}, start=make.future(20))
    approval.requires_approval = True
    org = make.organisation("Gemeente Vlaardingen")
    a, b, c, d = (make.user() for _ in range(4))
    first = services.enrol(s.id, a, actor=a, mode="in_person").enrolment
    services.enrol(s.id, member, actor=leader, mode="in_person")
    waiting = [services.enrol(s.id, p, actor=p, mode="in_person").enrolment for p in (b, c)]
    hybrid = services.enrol(s.id, d, actor=d, mode="in_person", accept_online=True).enrolment
    boss = make.user(Role.ORGANISER)
    organiser.reserve_seats(
        s.id, actor=boss, organisation_id=org.id, mode="online", seats=1, until=make.future(days=5)
    )
    services.cancel(first.id, actor=boss)  # the place is offered to b, who waited longest
    pending = services.enrol(approval.id, member, actor=member).enrolment
    db_session.commit()
    as_organiser(client, make)

    page = client.get(PAGE.format(s.id)).get_data(as_text=True)
    assert 'data-status="offered"' in row(page, f"enrolment-{waiting[0].id}")
    assert re.search(rf'id="enrolment-{waiting[0].id}".*?data-deadline', page, re.S)
    assert 'data-position="1"' in row(page, f"waiting-{waiting[1].id}")  # waited before d
    assert 'data-position="2"' in row(page, f"waiting-{hybrid.id}")
    assert 'data-status="confirmed"' in row(page, f"waiting-{hybrid.id}")  # online meanwhile
    assert counter(page, "in_person", "capacity") == 2
    assert counter(page, "in_person", "confirmed") == 1 and counter(page, "in_person", "held") == 1
    assert counter(page, "in_person", "free") == 0
    assert counter(page, "in_person", "waitlist") == 2
    assert counter(page, "online", "reserved") == 1 and counter(page, "online", "confirmed") == 1
    assert leader.name in page and leader.team.name in page  # who booked, and the team
    assert member.organisation.name in page
    assert "Gemeente Vlaardingen" in page and 'id="reservations"' in page
    assert f"ended-{first.id}" not in page  # ended ones only on request
    ended = client.get(PAGE.format(s.id) + "?beeindigd=1").get_data(as_text=True)
    assert 'data-status="cancelled"' in row(ended, f"ended-{first.id}")

    other = client.get(PAGE.format(approval.id)).get_data(as_text=True)
    assert 'data-status="pending_approval"' in row(other, f"enrolment-{pending.id}")
    assert 'name="decision" value="approve"' in other


def test_late_cancellations_are_marked_among_the_ended(client, make, db_session):
    from datetime import timedelta

    start = make.future(days=3)
    s = make.session(start=start, cancellation_deadline=start - timedelta(days=5))
    person = make.user()
    enrolment = services.enrol(s.id, person, actor=person).enrolment
    boss = make.user(Role.ORGANISER)
    services.cancel(enrolment.id, actor=boss)
    db_session.commit()
    as_organiser(client, make)
    page = client.get(PAGE.format(s.id) + "?beeindigd=1").get_data(as_text=True)
    assert 'data-late="1"' in row(page, f"ended-{enrolment.id}")


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.TEAM_LEADER, Role.HR])
def test_other_roles_get_403_on_every_page_and_action(client, make, db_session, role):
    s = make.session()
    person = make.user()
    enrolment = services.enrol(s.id, person, actor=person).enrolment
    db_session.commit()
    make.login(client, make.user(role))
    base = PAGE.format(s.id)
    gets = [
        base,
        f"{base}/{enrolment.id}/annuleren",
        f"/beheer/sessies/{s.id}/annuleren",
        "/beheer/incompany",
    ]
    posts = [
        f"{base}/toevoegen",
        f"{base}/{enrolment.id}/annuleren",
        f"{base}/{enrolment.id}/verplaatsen",
        f"{base}/{enrolment.id}/besluit",
        f"/beheer/sessies/{s.id}/reserveringen",
        f"/beheer/sessies/{s.id}/annuleren",
        "/beheer/incompany/1/afwijzen",
    ]
    assert {client.get(url).status_code for url in gets} == {403}
    assert {client.post(url, data={"add-email": person.email}).status_code for url in posts} == {
        403
    }
    db_session.rollback()
    assert db_session.get(Enrolment, enrolment.id).status == "confirmed"


def test_anonymous_visitors_are_sent_to_the_login(client, make, db_session):
    s = make.session()
    db_session.commit()
    response = client.get(PAGE.format(s.id))
    # Pages send anonymous visitors to the log-in form (401 is the API's answer).
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen")


def test_unknown_sessions_and_enrolments_are_404(client, make, db_session):
    s, other = make.session(), make.session(start=make.future(20))
    person = make.user()
    elsewhere = services.enrol(other.id, person, actor=person).enrolment
    db_session.commit()
    as_organiser(client, make, Role.ADMIN)
    assert client.get(PAGE.format(999999)).status_code == 404
    assert client.get(PAGE.format(2**40)).status_code == 404
    assert client.get(f"{PAGE.format(s.id)}/{elsewhere.id}/annuleren").status_code == 404
    assert client.post(f"{PAGE.format(s.id)}/{elsewhere.id}/verplaatsen").status_code == 404
    assert client.get("/beheer/sessies/abc/deelnemers").status_code == 404


def test_every_post_form_carries_a_csrf_token(client, make, db_session):
    s = make.session(mode="hybrid", capacity={"in_person": 1, "online": 5})
    a, b = make.user(), make.user()
    services.enrol(s.id, a, actor=a, mode="in_person")
    services.enrol(s.id, b, actor=b, mode="in_person", accept_online=True)
    approval = make.session(start=make.future(20))
    approval.requires_approval = True
    services.enrol(approval.id, a, actor=a)
    org = make.organisation()
    organiser.reserve_seats(
        s.id,
        actor=make.user(Role.ORGANISER),
        organisation_id=org.id,
        mode="online",
        seats=1,
        until=make.future(days=3),
    )
    db_session.commit()
    as_organiser(client, make)
    pages = [PAGE.format(s.id), PAGE.format(approval.id), f"/beheer/sessies/{s.id}/annuleren"]
    forms = []
    for url in pages:
        forms += post_forms(client.get(url).get_data(as_text=True))
    enrolment = db_session.query(Enrolment).filter_by(user_id=a.id, session_id=s.id).one()
    forms += post_forms(
        client.get(f"{PAGE.format(s.id)}/{enrolment.id}/annuleren").get_data(as_text=True)
    )
    assert len(forms) >= 8  # add, reserve, release, move, stop waiting, decide, cancels, ...
    assert all('name="csrf_token"' in form for form in forms)


def test_posts_without_a_csrf_token_are_refused(make, db_session, database_url):
    from tests.conftest import make_app

    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    s = make.session()
    person = make.user()
    boss = make.user(Role.ORGANISER)
    db_session.commit()
    client = app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(
        "/inloggen", data={"email": boss.email, "password": make.PASSWORD, "csrf_token": token}
    )
    url = f"/beheer/sessies/{s.id}/deelnemers/toevoegen"
    assert client.post(url, data={"add-email": person.email}).status_code == 400
    page = client.get(PAGE.format(s.id)).get_data(as_text=True)
    token = re.search(r'id="add-person".*?name="csrf_token" value="([^"]+)"', page, re.S).group(1)
    answer = client.post(url, data={"add-email": person.email, "csrf_token": token})
    assert answer.status_code == 302
    db_session.rollback()
    assert db_session.query(Enrolment).filter_by(user_id=person.id).one().status == "confirmed"


def _fill(make, s, count: int) -> None:
    """`count` people in a hybrid session: placed, waiting, pending; booked by others too."""
    leader = make.user(Role.TEAM_LEADER)
    boss = make.user(Role.ORGANISER)
    organiser.reserve_seats(
        s.id,
        actor=boss,
        organisation_id=make.organisation().id,
        mode="online",
        seats=1,
        until=make.future(days=2),
    )
    for index in range(count):
        person = make.user(team_=leader.team if index % 2 else None, password=None)
        actor = leader if index % 2 else (boss if index % 3 == 0 else person)
        services.enrol(
            s.id,
            person,
            actor=actor,
            mode=("in_person", "online")[index % 2],
            accept_online=index % 4 == 0,
        )
    ended = make.user(password=None)
    services.cancel(
        services.enrol(s.id, ended, actor=ended, mode="online").enrolment.id, actor=boss
    )


def test_the_page_needs_the_same_number_of_statements_for_5_or_50_people(
    client, make, db_session, count_queries
):
    small = make.session(mode="hybrid", capacity={"in_person": 2, "online": 3})
    large = make.session(
        mode="hybrid", capacity={"in_person": 10, "online": 20}, start=make.future(20)
    )
    _fill(make, small, 5)
    _fill(make, large, 50)
    db_session.commit()
    as_organiser(client, make)
    counts = {}
    for name, s in (("small", small), ("large", large)):
        for suffix in ("", "?beeindigd=1"):
            client.get(PAGE.format(s.id) + suffix)  # warm: the first request loads more
            count_queries.reset()
            response = client.get(PAGE.format(s.id) + suffix)
            assert response.status_code == 200
            counts[name + suffix] = len(count_queries)
    print(counts)
    assert counts["small"] == counts["large"], counts
    assert counts["small?beeindigd=1"] == counts["large?beeindigd=1"], counts
    assert counts["large"] <= 25
    page = client.get(PAGE.format(large.id)).get_data(as_text=True)
    db_session.rollback()
    rows = db_session.query(Enrolment).filter_by(session_id=large.id).all()
    waiting = [e for e in rows if e.status == "waitlisted" or e.waiting_for]
    assert len(waiting) > 10 and page.count('id="waiting-') == len(waiting)
    assert page.count('data-status="confirmed"') == sum(e.status == "confirmed" for e in rows) + (
        sum(1 for e in waiting if e.status == "confirmed")
    )
