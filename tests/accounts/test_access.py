"""Which role may open which page (invariant 7, organisations walled off, for pages)."""

from __future__ import annotations

import pytest

from booking.accounts.models import Role

ORGANISER_PAGES = [
    "/beheer/cursussen",
    "/beheer/cursussen/nieuw",
    "/beheer/sessies",
    "/beheer/sessies/nieuw",
    "/beheer/locaties",
    "/beheer/locaties/nieuw",
]
EVERYONE = ["/", "/evenementen", "/inloggen"]
LOGGED_IN = ["/mijn", "/account"]

EXPECTED = {
    Role.PARTICIPANT: {"/mijn-team": 403, "/organisatie": 403, "organiser": 403},
    Role.TEAM_LEADER: {"/mijn-team": 200, "/organisatie": 403, "organiser": 403},
    Role.HR: {"/mijn-team": 403, "/organisatie": 200, "organiser": 403},
    Role.ORGANISER: {"/mijn-team": 403, "/organisatie": 403, "organiser": 200},
    Role.ADMIN: {"/mijn-team": 403, "/organisatie": 200, "organiser": 200},
    Role.ADVISOR: {"/mijn-team": 403, "/organisatie": 403, "organiser": 403},
}


def test_anonymous_visitors_see_the_catalogue_and_are_sent_to_log_in(client):
    for path in EVERYONE:
        assert client.get(path).status_code == 200, path
    for path in [*LOGGED_IN, "/mijn-team", "/organisatie", *ORGANISER_PAGES]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/inloggen" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_pages(client, make, db_session, role):
    make.organisation("Gemeente Schiedam")
    person = make.user(role)
    db_session.commit()
    make.login(client, person)
    for path in [*EVERYONE[:2], *LOGGED_IN]:
        assert client.get(path).status_code == 200, (role, path)
    expected = EXPECTED[role]
    assert client.get("/mijn-team").status_code == expected["/mijn-team"]
    assert client.get("/organisatie").status_code == expected["/organisatie"]
    for path in ORGANISER_PAGES:
        assert client.get(path).status_code == expected["organiser"], (role, path)


def test_the_menu_offers_what_the_role_may_open(client, make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    db_session.commit()
    make.login(client, leader)
    text = client.get("/mijn").get_data(as_text=True)
    assert 'href="/mijn-team"' in text and 'href="/beheer/sessies"' not in text


def test_hr_sees_only_their_own_organisation(client, make, db_session):
    own, other = make.organisation("Gemeente Schiedam"), make.organisation("Gemeente Vlaardingen")
    make.user(Role.PARTICIPANT, org=other, team_=make.team(other, "Geheim team"))
    hr = make.user(Role.HR, org=own)
    db_session.commit()
    make.login(client, hr)
    text = client.get(f"/organisatie?org={other.id}").get_data(as_text=True)
    assert "Gemeente Schiedam" in text and "Geheim team" not in text


def test_admin_can_look_at_each_organisation(client, make, db_session):
    make.organisation("Gemeente Schiedam")
    other = make.organisation("Gemeente Vlaardingen")
    make.team(other, "Openbaar Groen")
    admin = make.user(Role.ADMIN)
    db_session.commit()
    make.login(client, admin)
    text = client.get(f"/organisatie?org={other.id}").get_data(as_text=True)
    assert "Openbaar Groen" in text
    assert client.get("/organisatie?org=999999").status_code == 404
    assert client.get(f"/organisatie?org={10**20}").status_code == 404  # beyond any INTEGER id


def test_team_leader_sees_their_team_and_its_closed_sessions(client, make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    member = make.user(team_=leader.team)
    course = make.course("DISC teamtraining")
    make.session(course, visibility="team", team_id=leader.team_id)
    db_session.commit()
    make.login(client, leader)
    text = client.get("/mijn-team").get_data(as_text=True)
    assert member.name in text and "DISC teamtraining" in text
