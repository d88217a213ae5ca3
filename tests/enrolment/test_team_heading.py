"""A team is named once: "Team Noord", not "Team Team Noord" (the team page, the team's
certificates, the overview)."""

from __future__ import annotations

import pytest

from booking.accounts.models import Role


@pytest.mark.parametrize(
    ("name", "heading", "certificates"),
    [
        ("Team Wijkbeheer", "Team Wijkbeheer", "Certificaten van Team Wijkbeheer"),
        ("Burgerzaken", "Team Burgerzaken", "Certificaten van team Burgerzaken"),
    ],
)
def test_the_team_is_named_once(make, client, db_session, name, heading, certificates):
    leader = make.user(Role.TEAM_LEADER, team_=make.team(name=name))
    db_session.commit()
    make.login(client, leader)
    page = client.get("/mijn-team").get_data(as_text=True)
    assert f'<h1 class="utrecht-heading-1">{heading}</h1>' in page
    page = client.get("/mijn-team/certificaten").get_data(as_text=True)
    assert f'<h1 class="utrecht-heading-1">{certificates}</h1>' in page
    for path in ("/mijn-team", "/mijn-team/certificaten", "/mijn"):
        assert "eam Team" not in client.get(path).get_data(as_text=True), path
