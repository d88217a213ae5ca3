"""The team page's heading names the team once: "Team Noord", not "Team Team Noord"."""

from __future__ import annotations

import pytest

from booking.accounts.models import Role


@pytest.mark.parametrize(
    ("name", "heading"),
    [("Team Wijkbeheer", "Team Wijkbeheer"), ("Burgerzaken", "Team Burgerzaken")],
)
def test_the_team_page_names_the_team_once(make, client, db_session, name, heading):
    leader = make.user(Role.TEAM_LEADER, team_=make.team(name=name))
    db_session.commit()
    make.login(client, leader)
    page = client.get("/mijn-team").get_data(as_text=True)
    assert f'<h1 class="utrecht-heading-1">{heading}</h1>' in page
