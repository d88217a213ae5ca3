"""`import-users` accepts the role advisor; `set-advisor EMAIL` marks an organiser as one."""

from __future__ import annotations

import pytest

from booking.advising import advisors
from tests.accounts.cli_support import Cli, users, write_file


@pytest.fixture
def cli(app):
    return Cli(app)


def test_import_users_accepts_the_role_advisor(cli, tmp_path, db_session):
    path = write_file(
        tmp_path,
        "email,name,organisation,team,role,education_level\n"
        "anouk@centrum.nl,Anouk Adviseur,,,Advisor,wo\n",
    )
    cli("import-users", path, code=0)
    person = users()["anouk@centrum.nl"]
    assert person.role == "advisor" and advisors.is_advisor(person)


def test_set_advisor_marks_an_organiser_and_removes_the_mark(cli, make, db_session):
    organiser_id = make.user("organiser", email="olga@centrum.nl").id
    db_session.commit()
    result = cli(
        "set-advisor", "Olga@centrum.nl", "--meeting-url", "https://meet.example/o", code=0
    )
    assert "olga@centrum.nl is a career advisor" in result.stdout
    profile = advisors.profile_of(organiser_id)
    assert profile.meeting_url == "https://meet.example/o" and profile.active
    cli("set-advisor", "olga@centrum.nl", "--remove", code=0)
    db_session.rollback()
    assert not advisors.is_advisor(users()["olga@centrum.nl"])


def test_set_advisor_reports_refusals(cli, make, db_session):
    make.user("organiser", email="olga@centrum.nl")
    db_session.commit()
    result = cli("set-advisor", "nobody@centrum.nl", code=1)
    assert "No such person" in result.stderr
    result = cli("set-advisor", "olga@centrum.nl", "--meeting-url", "ftp://x", code=1)
    assert "meeting_url" in result.stderr
