"""The administrators' pages for organisations and teams: who may enter, what each change
writes (and audits), and every refusal shown as a form error."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.accounts.models import Organisation, Team
from booking.core.models import AuditEntry


def _audits(db_session, action):
    return list(db_session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def admin(make, client):
    person = make.user("admin", language="en")
    make.login(client, person)
    return person


@pytest.mark.parametrize("role", ["participant", "team_leader", "hr", "organiser", "advisor"])
@pytest.mark.parametrize(
    "url",
    [
        "/beheer/organisaties",
        "/beheer/mensen",
        "/beheer/mensen/nieuw",
        "/beheer/mensen/importeren",
    ],
)
def test_only_administrators_enter(make, client, role, url):
    make.login(client, make.user(role))
    assert client.get(url).status_code == 403
    if url != "/beheer/mensen":
        assert client.post(url, data={}).status_code == 403


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get("/beheer/mensen")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_create_and_rename_an_organisation(client, admin, db_session):
    response = client.post("/beheer/organisaties", data={"org-name": "  Gemeente   Vlaardingen "})
    assert response.status_code == 303
    organisation = db_session.scalar(select(Organisation))
    assert organisation.name == "Gemeente Vlaardingen"
    [entry] = _audits(db_session, "organisation.created")
    assert entry.actor_id == admin.id and entry.after == {"name": "Gemeente Vlaardingen"}

    page = client.get(f"/beheer/organisaties/{organisation.id}")
    assert page.status_code == 200 and "Gemeente Vlaardingen" in page.text

    response = client.post(
        f"/beheer/organisaties/{organisation.id}",
        data={"action": "rename", "rename-name": "Gemeente Vlaardingen-Oost"},
    )
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Organisation, organisation.id).name == "Gemeente Vlaardingen-Oost"
    [entry] = _audits(db_session, "organisation.renamed")
    assert entry.before == {"name": "Gemeente Vlaardingen"}
    assert entry.after == {"name": "Gemeente Vlaardingen-Oost"}


def test_a_name_in_use_is_a_form_error(make, client, admin, db_session):
    make.organisation("Gemeente Schiedam")
    other = make.organisation("Gemeente Maassluis")
    response = client.post("/beheer/organisaties", data={"org-name": "gemeente SCHIEDAM"})
    assert response.status_code == 422
    assert "There is an organisation with this name already." in response.text
    assert 'href="#org-name"' in response.text  # the summary links to the field
    assert 'aria-invalid="true"' in response.text
    response = client.post(
        f"/beheer/organisaties/{other.id}",
        data={"action": "rename", "rename-name": "Gemeente Schiedam"},
    )
    assert response.status_code == 422
    assert db_session.scalar(select(Organisation).where(Organisation.id == other.id)).name == (
        "Gemeente Maassluis"
    )
    response = client.post("/beheer/organisaties", data={"org-name": "x" * 201})
    assert response.status_code == 422
    assert _audits(db_session, "organisation.created") == []


def test_teams_are_added_renamed_and_removed_when_empty(make, client, admin, db_session):
    organisation = make.organisation("Gemeente Schiedam")
    response = client.post(
        f"/beheer/organisaties/{organisation.id}", data={"action": "team", "team-name": "ICT"}
    )
    assert response.status_code == 303
    team = db_session.scalar(select(Team).where(Team.name == "ICT"))
    assert team.organisation_id == organisation.id
    team_id = team.id
    # the same name again is refused, whatever its case
    response = client.post(
        f"/beheer/organisaties/{organisation.id}", data={"action": "team", "team-name": "ict"}
    )
    assert response.status_code == 422
    assert "This organisation has a team with this name already." in response.text

    assert (
        client.post(f"/beheer/teams/{team.id}", data={"team-name": "ICT & Data"}).status_code == 303
    )
    db_session.expire_all()
    assert db_session.get(Team, team.id).name == "ICT & Data"

    member = make.user("participant", org=organisation, team_=db_session.get(Team, team.id))
    db_session.commit()
    response = client.post(f"/beheer/teams/{team.id}/verwijderen", follow_redirects=True)
    assert "Only an empty team can be removed" in response.text
    assert db_session.get(Team, team.id) is not None

    member.team = None
    db_session.commit()
    response = client.post(f"/beheer/teams/{team_id}/verwijderen")
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Team, team_id) is None
    actions = [e.action for e in db_session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["team.created", "team.renamed", "team.removed"]
    [removed] = _audits(db_session, "team.removed")
    assert removed.before == {"name": "ICT & Data", "organisation_id": organisation.id}


def test_a_team_named_by_a_closed_session_stays(make, client, admin, db_session):
    organisation = make.organisation("Gemeente Schiedam")
    team = make.team(organisation, "Wijkteam")
    make.session(visibility="team", organisation_id=organisation.id, team_id=team.id)
    db_session.commit()
    response = client.post(f"/beheer/teams/{team.id}/verwijderen", follow_redirects=True)
    assert "named by sessions or requests" in response.text
    assert db_session.get(Team, team.id) is not None


def test_unknown_ids_are_404(client, admin):
    for url in (
        "/beheer/organisaties/999",
        "/beheer/teams/999",
        "/beheer/mensen/999",
        "/beheer/organisaties/99999999999999999999",
    ):
        assert client.get(url).status_code == 404, url
