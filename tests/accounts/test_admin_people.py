"""The administrators' people pages: creating a person, changing their role, team and
organisation, deactivating and reactivating them, and the list with its filters."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.accounts.services import user_by_email
from booking.advising.advisors import is_advisor, lock_advisor, profile_of
from booking.core.models import AuditEntry
from tests.factories import PASSWORD


@pytest.fixture
def admin(make, client):
    person = make.user("admin", language="en")
    make.login(client, person)
    return person


def _audits(db_session, action):
    return list(db_session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _person_form(**values):
    data = {
        "email": "nieuw@schiedam.nl",
        "name": "Nieuwe Collega",
        "role": "participant",
        "organisation": "None",
        "team": "None",
        "education_level": "hbo",
        "language": "nl",
    }
    data.update(values)
    return data


def test_create_a_participant(make, client, admin, db_session):
    organisation = make.organisation("Gemeente Schiedam")
    team = make.team(organisation, "Burgerzaken")
    db_session.commit()
    response = client.post(
        "/beheer/mensen/nieuw",
        data=_person_form(email=" Nieuw@Schiedam.NL ", organisation=organisation.id, team=team.id),
    )
    assert response.status_code == 303
    person = user_by_email("nieuw@schiedam.nl")
    assert (person.name, person.role, person.organisation_id, person.team_id) == (
        "Nieuwe Collega",
        "participant",
        organisation.id,
        team.id,
    )
    assert person.password_hash is None and person.education_level == "hbo"
    [entry] = [e for e in _audits(db_session, "person.created") if e.target_id == person.id]
    assert entry.actor_id == admin.id
    assert entry.after["email"] == "nieuw@schiedam.nl" and entry.after["team_id"] == team.id
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "nieuw@schiedam.nl" in page.text


def test_every_problem_of_a_new_person_is_a_form_error(make, client, admin, db_session):
    schiedam = make.organisation("Gemeente Schiedam")
    other_team = make.team(make.organisation("Gemeente Delft"), "ICT")
    make.user("participant", email="bezet@schiedam.nl", org=schiedam)
    db_session.commit()
    count = db_session.scalar(select(User.id).order_by(User.id.desc()))
    response = client.post(
        "/beheer/mensen/nieuw",
        data=_person_form(
            email="geen-adres", role="team_leader", organisation=schiedam.id, team="None"
        ),
    )
    assert response.status_code == 422
    assert "Enter a valid e-mail address." in response.text
    assert "A team leader needs the team they lead." in response.text
    assert 'href="#email"' in response.text and 'href="#team"' in response.text
    response = client.post(
        "/beheer/mensen/nieuw",
        data=_person_form(organisation=schiedam.id, team=other_team.id),
    )
    assert response.status_code == 422
    assert "The team belongs to another organisation." in response.text
    response = client.post(
        "/beheer/mensen/nieuw",
        data=_person_form(email="BEZET@schiedam.nl", organisation=schiedam.id),
    )
    assert response.status_code == 422
    assert "Someone has this e-mail address already." in response.text
    response = client.post("/beheer/mensen/nieuw", data=_person_form(role="hr"))
    assert response.status_code == 422
    assert "This role needs an organisation." in response.text
    for bad in ({"role": "emperor"}, {"organisation": "99999999999999"}, {"team": "x"}):
        response = client.post("/beheer/mensen/nieuw", data=_person_form(**bad))
        assert response.status_code == 422, bad
    assert db_session.scalar(select(User.id).order_by(User.id.desc())) == count
    assert _audits(db_session, "person.created") == []


@pytest.mark.parametrize(
    ("role", "needs"),
    [
        ("team_leader", "team"),
        ("hr", "organisation"),
        ("advisor", None),
        ("organiser", None),
        ("admin", None),
    ],
)
def test_change_someone_into_each_role(make, client, admin, db_session, role, needs):
    organisation = make.organisation("Gemeente Schiedam")
    team = make.team(organisation, "Burgerzaken")
    person = make.user("participant", org=organisation)
    db_session.commit()
    data = _person_form(
        role=role,
        organisation=organisation.id,
        team=team.id if needs == "team" else "None",
        name="Andere Naam",
    )
    data.pop("email")
    response = client.post(f"/beheer/mensen/{person.id}", data=data)
    assert response.status_code == 303
    db_session.expire_all()
    changed = db_session.get(User, person.id)
    assert changed.role == role and changed.name == "Andere Naam"
    if needs == "team":
        assert changed.team_id == team.id and changed in db_session.get(type(team), team.id).leaders
    [entry] = _audits(db_session, "person.updated")
    assert entry.before["role"] == "participant" and entry.after["role"] == role
    assert entry.actor_id == admin.id
    if role == "advisor":  # advising makes the profile on first use
        assert is_advisor(changed)
        assert lock_advisor(changed.id).user_id == changed.id


def test_an_advisor_moved_to_another_role_is_no_advisor_any_more(make, client, admin, db_session):
    organisation = make.organisation()
    advisor = make.user("advisor", org=organisation)
    lock_advisor(advisor.id)
    db_session.commit()
    assert profile_of(advisor.id).active
    data = _person_form(role="participant", organisation=organisation.id)
    data.pop("email")
    assert client.post(f"/beheer/mensen/{advisor.id}", data=data).status_code == 303
    db_session.expire_all()
    assert not profile_of(advisor.id).active
    assert not is_advisor(db_session.get(User, advisor.id))
    [entry] = _audits(db_session, "advisor.retired")
    assert entry.actor_id == admin.id


def test_deactivating_ends_sessions_and_refuses_log_in(make, app, client, admin, db_session):
    person = make.user("participant")
    db_session.commit()
    other = app.test_client()
    assert make.login(other, person).status_code == 302
    assert other.get("/account").status_code == 200
    response = client.post(f"/beheer/mensen/{person.id}/actief", data={"active": "0"})
    assert response.status_code == 303
    assert other.get("/account").status_code == 302  # their session has ended
    assert make.login(other, person).status_code == 422  # and they cannot log in again
    db_session.expire_all()
    assert not db_session.get(User, person.id).active
    [entry] = _audits(db_session, "person.updated")
    assert entry.before == {"active": True} and entry.after == {"active": False}

    assert (
        client.post(f"/beheer/mensen/{person.id}/actief", data={"active": "1"}).status_code == 303
    )
    assert make.login(other, person, PASSWORD).status_code == 302
    assert [e.after for e in _audits(db_session, "person.updated")][-1] == {"active": True}


def test_an_administrator_keeps_their_own_access(client, admin, db_session):
    response = client.post(
        f"/beheer/mensen/{admin.id}/actief", data={"active": "0"}, follow_redirects=True
    )
    assert "You cannot deactivate yourself." in response.text
    data = _person_form(role="participant", organisation="None")
    data.pop("email")
    data["organisation"] = "None"
    response = client.post(f"/beheer/mensen/{admin.id}", data=data)
    assert response.status_code == 422
    assert "You cannot take away your own administrator role." in response.text
    db_session.expire_all()
    me = db_session.get(User, admin.id)
    assert me.active and me.role == Role.ADMIN
    assert _audits(db_session, "person.updated") == []


def test_a_bad_activity_value_is_refused(make, client, admin):
    person = make.user("participant")
    assert (
        client.post(f"/beheer/mensen/{person.id}/actief", data={"active": "maybe"}).status_code
        == 400
    )
    assert client.post("/beheer/mensen/999/actief", data={"active": "0"}).status_code == 404


def test_the_list_searches_and_filters(make, client, admin, db_session):
    schiedam = make.organisation("Gemeente Schiedam")
    delft = make.organisation("Gemeente Delft")
    ict = make.team(schiedam, "ICT")
    anna = make.user("team_leader", email="anna@schiedam.nl", org=schiedam, team_=ict)
    anna.name = "Anna de Vries"
    bert = make.user("participant", email="bert@schiedam.nl", org=schiedam)
    bert.name = "Bert 100%_Jansen"
    carla = make.user("hr", email="carla@delft.nl", org=delft)
    carla.active = False
    db_session.commit()

    def emails(query: str) -> set[str]:
        response = client.get("/beheer/mensen" + query)
        assert response.status_code == 200
        return {
            e
            for e in ("anna@schiedam.nl", "bert@schiedam.nl", "carla@delft.nl")
            if e in response.text
        }

    assert emails("") == {"anna@schiedam.nl", "bert@schiedam.nl", "carla@delft.nl"}
    assert emails("?q=VRIES") == {"anna@schiedam.nl"}
    assert emails("?q=100%25_") == {"bert@schiedam.nl"}  # wildcards are plain characters
    assert emails("?q=%25") == {"bert@schiedam.nl"}
    assert emails("?q=delft.nl") == {"carla@delft.nl"}
    assert emails(f"?organisation={schiedam.id}") == {"anna@schiedam.nl", "bert@schiedam.nl"}
    assert emails(f"?team={ict.id}") == {"anna@schiedam.nl"}
    assert emails("?role=hr") == {"carla@delft.nl"}
    assert emails("?active=0") == {"carla@delft.nl"}
    assert emails(f"?active=1&organisation={delft.id}") == set()
    # nonsense filters are no filters, never an error
    everyone = {"anna@schiedam.nl", "bert@schiedam.nl", "carla@delft.nl"}
    for junk in (
        "?organisation=abc",
        "?team=99999999999999999999",
        "?role=emperor",
        "?active=x",
        "?page=-3",
        "?page=abc",
    ):
        assert emails(junk) == everyone | set(), junk


def test_the_list_is_paged_in_a_fixed_number_of_statements(
    make, client, admin, db_session, count_queries
):
    organisation = make.organisation("Gemeente Schiedam")
    teams = [make.team(organisation, f"Team {i}") for i in range(3)]
    for i in range(60):
        make.user("participant", org=organisation, team_=teams[i % 3], password=None)
    db_session.commit()
    counts = []
    for page in (1, 2, 3):
        count_queries.reset()
        response = client.get(f"/beheer/mensen?page={page}")
        assert response.status_code == 200
        counts.append(len(count_queries))
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0] <= 8, count_queries.statements
    first = client.get("/beheer/mensen?page=1").text
    assert "61 people found." in first and 'rel="next"' in first
    last = client.get("/beheer/mensen?page=3").text
    assert 'rel="prev"' in last and 'rel="next"' not in last
