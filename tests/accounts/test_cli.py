"""create-token, set-password and create-user, checked against the database they change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.accounts import services
from booking.accounts.models import ApiToken
from booking.extensions import db
from tests.accounts.cli_support import Cli, organisations, teams, users

PASSWORD = "een lang genoeg wachtwoord"


@pytest.fixture
def cli(app):
    return Cli(app)


def test_create_token_prints_a_working_token_on_the_last_line(cli, make, db_session):
    make.user(email="koppeling@schiedam.nl", password=None)
    db_session.commit()

    result = cli("create-token", "Koppeling@schiedam.nl", "--name", "roosterkoppeling", code=0)

    last = result.stdout.splitlines()[-1]
    assert last == last.strip() and " " not in last
    assert services.user_for_token(last).email == "koppeling@schiedam.nl"
    token = db.session.scalar(select(ApiToken))
    assert token.name == "roosterkoppeling"
    assert last not in (token.token_hash, token.prefix)  # only the hash is stored


def test_create_token_for_an_unknown_address_fails(cli):
    result = cli("create-token", "niemand@schiedam.nl", code=1)

    assert "niemand@schiedam.nl" in result.stderr
    assert result.stdout == ""
    assert db.session.scalars(select(ApiToken)).all() == []


def test_set_password_refuses_a_short_one(cli, make, db_session):
    make.user(email="kort@schiedam.nl", password=None)
    db_session.commit()

    result = cli("set-password", "kort@schiedam.nl", "--password-stdin", input="te kort\n", code=1)

    assert "Use at least 12 characters." in result.stderr
    assert users()["kort@schiedam.nl"].password_hash is None
    assert services.authenticate("kort@schiedam.nl", "te kort") is None


def test_set_password_with_prompts_lets_the_person_log_in(cli, make, db_session):
    person = make.user(email="prompt@schiedam.nl", password=None)
    db_session.commit()
    version = person.session_version

    result = cli("set-password", "prompt@schiedam.nl", input=f"{PASSWORD}\n{PASSWORD}\n", code=0)

    assert PASSWORD not in result.output  # hidden input
    user = services.authenticate("prompt@schiedam.nl", PASSWORD)
    assert user is not None and user.email == "prompt@schiedam.nl"
    assert user.session_version == version + 1  # older log-in sessions have ended


def test_set_password_from_stdin(cli, make, db_session):
    make.user(email="script@schiedam.nl")
    db_session.commit()

    cli("set-password", "script@schiedam.nl", "--password-stdin", input=f"{PASSWORD}\r\n", code=0)

    assert services.authenticate("script@schiedam.nl", PASSWORD) is not None


def test_set_password_prompts_that_differ_set_nothing(cli, make, db_session):
    make.user(email="tikfout@schiedam.nl", password=None)
    db_session.commit()

    cli("set-password", "tikfout@schiedam.nl", input=f"{PASSWORD}\n{PASSWORD}x\n", code=1)

    assert users()["tikfout@schiedam.nl"].password_hash is None


def test_set_password_for_an_unknown_address_fails(cli):
    result = cli(
        "set-password", "niemand@schiedam.nl", "--password-stdin", input=f"{PASSWORD}\n", code=1
    )

    assert "niemand@schiedam.nl" in result.stderr


def test_create_user_makes_the_first_admin_without_password(cli):
    result = cli(
        "create-user", "Beheer@Centrum.nl", "--name", "Bea Beheer", "--role", "admin", code=0
    )

    assert "created beheer@centrum.nl" in result.stdout
    admin = users()["beheer@centrum.nl"]
    assert (admin.name, admin.role, admin.organisation) == ("Bea Beheer", "admin", None)
    assert admin.password_hash is None

    again = cli(
        "create-user", "beheer@centrum.nl", "--name", "Bea Beheer", "--role", "ADMIN", code=0
    )
    assert "unchanged beheer@centrum.nl" in again.stdout
    assert len(users()) == 1


def test_create_user_team_leader_with_a_new_team(cli, make, db_session):
    make.organisation("Gemeente Maassluis")
    db_session.commit()

    result = cli(
        "create-user",
        "tl@maassluis.nl",
        "--name",
        "Tom Leider",
        "--role",
        "team_leader",
        "--organisation",
        "gemeente maassluis",
        "--team",
        "Buitendienst",
        "--education-level",
        "MBO",
        code=0,
    )

    assert "new team: Buitendienst (Gemeente Maassluis)" in result.stdout
    team = teams()[("Gemeente Maassluis", "Buitendienst")]
    assert [u.email for u in team.leaders] == ["tl@maassluis.nl"]
    assert users()["tl@maassluis.nl"].education_level == "mbo"

    cli(
        "create-user",
        "tl@maassluis.nl",
        "--name",
        "Tom Leider",
        "--role",
        "participant",
        "--organisation",
        "Gemeente Maassluis",
        "--team",
        "Buitendienst",
        code=0,
    )
    assert teams()[("Gemeente Maassluis", "Buitendienst")].leaders == []


def test_create_user_reports_refused_data_and_writes_nothing(cli):
    result = cli(
        "create-user",
        "x@nergens.nl",
        "--name",
        "X",
        "--role",
        "team_leader",
        "--organisation",
        "Gemeente Nergens",
        "--team",
        "Spook",
        code=1,
    )
    assert "organisation: unknown organisation Gemeente Nergens" in result.stderr

    result = cli("create-user", "y@nergens.nl", "--name", "Y", "--role", "participant", code=1)
    assert "organisation: This role needs an organisation." in result.stderr

    cli("create-user", "z@nergens.nl", "--name", "Z", "--role", "boss", code=2)

    assert users() == {} and organisations() == [] and teams() == {}
