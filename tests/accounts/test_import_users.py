"""`flask --app booking import-users FILE.csv`: what ends up in the database, and what is said."""

from __future__ import annotations

import pytest

from tests.accounts.cli_support import Cli, organisations, teams, users, write_file

HEADER = "email,name,organisation,team,role,education_level\n"

GOOD = HEADER + (
    "Anna.Leider@Vlaardingen.nl,Anna Leider,Gemeente Vlaardingen,Openbaar Groen,team_leader,hbo\n"
    "bram@vlaardingen.nl,Bram Groen,Gemeente Vlaardingen,Openbaar Groen,participant,mbo\n"
    "chantal@schiedam.nl,Chantal Balie,Gemeente Schiedam,Publiekszaken,participant,\n"
    "hanneke@schiedam.nl,Hanneke de Roo,gemeente schiedam,,hr,WO\n"
    "olga@centrum.nl,Olga Organisator,,,organiser,\n"
    "bea@centrum.nl,Bea Beheer,,,Admin,hbo\n"
)


@pytest.fixture
def cli(app):
    return Cli(app)


@pytest.fixture
def csv_file(tmp_path):
    return lambda text, name="people.csv": write_file(tmp_path, text, name)


@pytest.fixture
def centre(make, db_session):
    """Two member organisations, one with an existing team; committed, as in production."""
    schiedam = make.organisation("Gemeente Schiedam")
    make.organisation("Gemeente Vlaardingen")
    make.team(schiedam, "Publiekszaken")
    db_session.commit()


def problems(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("line ")]


def summary(result) -> str:
    return result.stdout.splitlines()[-1]


def snapshot():
    people = sorted(
        (
            u.email,
            u.name,
            u.role,
            u.organisation_id,
            u.team_id,
            u.education_level,
            u.password_hash,
            u.updated_at,
        )
        for u in users().values()
    )
    return people, sorted((key, t.id, t.updated_at) for key, t in teams().items())


def test_good_file_creates_people_teams_and_team_leaders(cli, csv_file, centre):
    result = cli("import-users", csv_file(GOOD), code=0)

    assert summary(result) == "created 6, updated 0, unchanged 0, rejected 0"
    assert "new team: Openbaar Groen (Gemeente Vlaardingen)" in result.stdout
    assert problems(result) == []
    people = users()
    assert sorted(people) == [
        "anna.leider@vlaardingen.nl",
        "bea@centrum.nl",
        "bram@vlaardingen.nl",
        "chantal@schiedam.nl",
        "hanneke@schiedam.nl",
        "olga@centrum.nl",
    ]
    groen = teams()[("Gemeente Vlaardingen", "Openbaar Groen")]
    assert [u.email for u in groen.leaders] == ["anna.leider@vlaardingen.nl"]
    assert sorted(u.email for u in groen.members) == [
        "anna.leider@vlaardingen.nl",
        "bram@vlaardingen.nl",
    ]
    assert sorted(teams()) == [
        ("Gemeente Schiedam", "Publiekszaken"),
        ("Gemeente Vlaardingen", "Openbaar Groen"),
    ]
    assert people["chantal@schiedam.nl"].team.name == "Publiekszaken"
    assert people["chantal@schiedam.nl"].education_level is None
    assert people["hanneke@schiedam.nl"].role == "hr"
    assert people["hanneke@schiedam.nl"].organisation.name == "Gemeente Schiedam"
    assert people["hanneke@schiedam.nl"].education_level == "wo"
    assert people["olga@centrum.nl"].organisation is None
    assert people["bea@centrum.nl"].role == "admin"
    assert people["bram@vlaardingen.nl"].education_level == "mbo"
    assert all(u.password_hash is None for u in people.values())  # nobody can log in yet
    assert organisations() == ["Gemeente Schiedam", "Gemeente Vlaardingen"]


def test_second_run_reports_everything_unchanged_and_changes_nothing(cli, csv_file, centre):
    path = csv_file(GOOD)
    cli("import-users", path, code=0)
    before = snapshot()

    result = cli("import-users", path, code=0)

    assert summary(result) == "created 0, updated 0, unchanged 6, rejected 0"
    assert "new team" not in result.stdout
    assert snapshot() == before


def test_changed_name_role_and_team_are_reported_as_updated(cli, csv_file, centre):
    cli("import-users", csv_file(GOOD), code=0)
    changed = (
        GOOD.replace("Bram Groen", "Bram van Groen")
        .replace("Publiekszaken,participant", "Publiekszaken,team_leader")
        .replace("gemeente schiedam,,hr", "Gemeente Schiedam,Personeelszaken,hr")
    )

    result = cli("import-users", csv_file(changed, "changed.csv"), code=0)

    assert summary(result) == "created 0, updated 3, unchanged 3, rejected 0"
    assert "new team: Personeelszaken (Gemeente Schiedam)" in result.stdout
    people = users()
    assert people["bram@vlaardingen.nl"].name == "Bram van Groen"
    assert people["chantal@schiedam.nl"].role == "team_leader"
    assert [u.email for u in teams()[("Gemeente Schiedam", "Publiekszaken")].leaders] == [
        "chantal@schiedam.nl"
    ]
    assert people["hanneke@schiedam.nl"].team.name == "Personeelszaken"
    assert people["anna.leider@vlaardingen.nl"].name == "Anna Leider"


def test_every_kind_of_bad_row_is_reported_by_line_and_the_good_rows_are_imported(
    cli, csv_file, centre
):
    long = "x" * 201
    text = (
        HEADER
        + "\n".join(
            [
                "good@schiedam.nl,Goed Mens,Gemeente Schiedam,Publiekszaken,participant,mbo",  # 2
                "not-an-address,Slecht Adres,Gemeente Schiedam,,participant,",  # 3
                "noname@schiedam.nl,,Gemeente Schiedam,,participant,",  # 4
                "boss@schiedam.nl,De Baas,Gemeente Schiedam,Weesteam,boss,",  # 5
                "phd@schiedam.nl,Dr Who,Gemeente Schiedam,,participant,phd",  # 6
                "elders@nergens.nl,Van Elders,Gemeente Nergens,Spookteam,participant,mbo",  # 7
                "leider@schiedam.nl,Leider Zonder Team,Gemeente Schiedam,,team_leader,hbo",  # 8
                "GOOD@Schiedam.nl,Dubbel,Gemeente Schiedam,,participant,",  # 9
                f"long@schiedam.nl,{long},Gemeente Schiedam,,participant,",  # 10
                f"longorg@schiedam.nl,Lange Organisatie,{long},,participant,",  # 11
                f"longteam@schiedam.nl,Lang Team,Gemeente Schiedam,{long},participant,",  # 12
                f"{'y' * 64}@{'d' * 63}.{'e' * 63}.{'f' * 63}.nl,Te Lang Adres,Gemeente Schiedam,,"
                "participant,",  # 13: 259 characters, above the 254 of the column
                "zonderorg@schiedam.nl,Zonder Organisatie,,,participant,",  # 14
                "regie@centrum.nl,Organisator Met Team,,Regie,organiser,",  # 15
                "bad,,Gemeente Schiedam,,wizard,phd",  # 16
                "laatste@schiedam.nl,Laatste Goed,Gemeente Schiedam,,hr,wo",  # 17
            ]
        )
        + "\n"
    )

    result = cli("import-users", csv_file(text), code=1)

    roles = "Choose one of: participant, team_leader, organiser, hr, admin, advisor."
    levels = "Choose one of: mbo, hbo, wo."
    assert problems(result) == [
        "line 3: email: Enter a valid e-mail address.",
        "line 4: name: Enter a name.",
        f"line 5: role: {roles}",
        f"line 6: education_level: {levels}",
        "line 7: organisation: unknown organisation Gemeente Nergens",
        "line 8: team: A team leader needs the team they lead.",
        "line 9: email: duplicate of line 2",
        "line 10: name: Use at most 200 characters.",
        "line 11: organisation: Use at most 200 characters.",
        "line 12: team: Use at most 200 characters.",
        "line 13: email: Enter a valid e-mail address.",
        "line 14: organisation: This role needs an organisation.",
        "line 15: team: A team needs an organisation.",
        "line 16: email: Enter a valid e-mail address.",
        "line 16: name: Enter a name.",
        f"line 16: role: {roles}",
        f"line 16: education_level: {levels}",
    ]
    assert summary(result) == "created 2, updated 0, unchanged 0, rejected 14"
    assert sorted(users()) == ["good@schiedam.nl", "laatste@schiedam.nl"]
    assert users()["good@schiedam.nl"].name == "Goed Mens"  # the duplicate did not overwrite
    # A refused row leaves nothing behind: not the team it named, nor an organisation.
    assert sorted(teams()) == [("Gemeente Schiedam", "Publiekszaken")]
    assert organisations() == ["Gemeente Schiedam", "Gemeente Vlaardingen"]


def test_quoted_line_breaks_count_as_lines(cli, csv_file, centre):
    text = (
        "email,name,notes,organisation,team,role,education_level\n"  # 1
        'a@schiedam.nl,Anna,"first line\nsecond line\nthird line",Gemeente Schiedam,,'
        "participant,mbo\n"  # 2-4
        'b@schiedam.nl,"Bram\nBakker",,Gemeente Schiedam,,participant,mbo\n'  # 5-6
        "\n"  # 7
        "c@schiedam.nl,Chris,,Gemeente Schiedam,,wizard,mbo\n"  # 8
    )

    result = cli("import-users", csv_file(text), code=1)

    assert problems(result) == [
        "line 8: role: Choose one of: participant, team_leader, organiser, hr, admin, advisor."
    ]
    assert "warning: ignoring column 'notes'" in result.stderr
    assert summary(result) == "created 2, updated 0, unchanged 0, rejected 1"
    assert users()["b@schiedam.nl"].name == "Bram Bakker"


def test_semicolons_crlf_free_column_order_and_loose_header_names(cli, csv_file, centre):
    text = (
        " Role ;EMAIL;Name;Team;Organisation;Education Level;Telefoon\r\n"  # 1
        "participant;piet@vlaardingen.nl;Jansen, Piet;Financiën;Gemeente Vlaardingen;mbo;010\r\n"
        'participant;"x@vlaardingen.nl";"Twee\r\nRegels";;Gemeente Vlaardingen;;\r\n'  # 3-4
        "chef;kees@vlaardingen.nl;Kees;;Gemeente Vlaardingen;;\r\n"  # 5
    )

    result = cli("import-users", csv_file(text), code=1)

    assert problems(result) == [
        "line 5: role: Choose one of: participant, team_leader, organiser, hr, admin, advisor."
    ]
    assert "warning: ignoring column 'Telefoon'" in result.stderr
    piet = users()["piet@vlaardingen.nl"]
    assert piet.name == "Jansen, Piet"
    assert piet.team.name == "Financiën" and piet.education_level == "mbo"
    assert sorted(users()) == ["piet@vlaardingen.nl", "x@vlaardingen.nl"]


@pytest.mark.parametrize("separator", [",", ";"])
def test_a_byte_order_mark_is_accepted(cli, csv_file, centre, separator):
    text = (
        "\ufeff" + HEADER + "bom@schiedam.nl,Bo Mark,Gemeente Schiedam,,participant,hbo\n"
    ).replace(",", separator)

    result = cli("import-users", csv_file(text), code=0)

    assert summary(result) == "created 1, updated 0, unchanged 0, rejected 0"
    assert users()["bom@schiedam.nl"].education_level == "hbo"


def test_a_row_with_more_fields_than_the_header_is_rejected(cli, csv_file, centre):
    text = HEADER + "piet@schiedam.nl,Piet, Jansen,Gemeente Schiedam,,participant,mbo\n"

    result = cli("import-users", csv_file(text), code=1)

    assert problems(result)[0] == (
        "line 2: row: 7 fields where the header has 6; does a value "
        "contain the separator without quotes?"
    )
    assert users() == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n \n", "is empty"),
        (
            HEADER.replace(",education_level", "").encode()
            + b"a@schiedam.nl,Anna,Gemeente Schiedam,,participant\n",
            "lacks the column(s) education_level",
        ),
        (b"email,name,organisation,team,role,education_level,Email\n", "names column email twice"),
        (
            (HEADER + "zoe@schiedam.nl,Zoë,Gemeente Schiedam,,participant,\n").encode("cp1252"),
            "is not UTF-8 text (byte 0xeb on line 2)",
        ),
        (b"\xff\xfee\x00m\x00", "is not UTF-8 text"),  # UTF-16, as Excel's "Unicode text" writes
        (HEADER.encode("utf-16-le"), "contains NUL characters (line 1)"),  # UTF-16 without BOM
        (
            (
                HEADER + 'a@schiedam.nl,"Anna,Gemeente Schiedam,,participant,\nb@x.nl,B,,,admin,\n'
            ).encode(),
            "line 2: cannot be read as CSV: unexpected end of data",
        ),
    ],
    ids=[
        "empty",
        "blank",
        "missing-column",
        "column-twice",
        "latin-1",
        "utf-16",
        "utf-16-le",
        "unclosed-quote",
    ],
)
def test_an_unusable_file_is_refused_with_status_2_and_nothing_written(
    cli, csv_file, centre, content, message
):
    result = cli("import-users", csv_file(content), code=2)

    assert message in result.stderr
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output
    assert users() == {}


def test_a_missing_file_is_refused_with_status_2(cli, tmp_path, centre):
    result = cli("import-users", str(tmp_path / "nope.csv"), code=2)

    assert "cannot read" in result.stderr and "nope.csv" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_with_only_a_header_imports_nothing(cli, csv_file, centre):
    result = cli("import-users", csv_file(HEADER), code=0)

    assert summary(result) == "created 0, updated 0, unchanged 0, rejected 0"


def test_dry_run_reports_but_writes_nothing(cli, csv_file, make, db_session, centre):
    make.user(email="oud@schiedam.nl", org=make.organisation("Gemeente Schiedam"), password=None)
    db_session.commit()
    before = snapshot()
    text = HEADER + (
        "oud@schiedam.nl,Nieuwe Naam,Gemeente Schiedam,,participant,mbo\n"
        "nieuw@schiedam.nl,Nieuw Iemand,Gemeente Schiedam,Nieuw Team,team_leader,hbo\n"
        "ver@weg.nl,Ver Weg,Gemeente Nieuw,,participant,\n"
    )

    result = cli("import-users", "--dry-run", "--create-organisations", csv_file(text), code=0)

    assert "Dry run: nothing was written." in result.stdout
    assert summary(result) == "created 2, updated 1, unchanged 0, rejected 0"
    assert snapshot() == before
    assert organisations() == ["Gemeente Schiedam", "Gemeente Vlaardingen"]

    bad = cli("import-users", "--dry-run", csv_file(text, "bad.csv"), code=1)
    assert problems(bad) == ["line 4: organisation: unknown organisation Gemeente Nieuw"]
    assert snapshot() == before


def test_organisations_are_created_only_when_asked(cli, csv_file, centre):
    text = HEADER + (
        "a@nieuw.nl,Anna,Gemeente Nieuw,Burgerzaken,team_leader,mbo\n"
        "b@nieuw.nl,Bram,gemeente nieuw,burgerzaken,participant,\n"
    )
    path = csv_file(text)

    refused = cli("import-users", path, code=1)
    assert problems(refused) == [
        "line 2: organisation: unknown organisation Gemeente Nieuw",
        "line 3: organisation: unknown organisation gemeente nieuw",
    ]
    assert users() == {} and "Gemeente Nieuw" not in organisations()

    result = cli("import-users", "--create-organisations", path, code=0)
    assert "new organisation: Gemeente Nieuw" in result.stdout
    assert summary(result) == "created 2, updated 0, unchanged 0, rejected 0"
    assert organisations() == ["Gemeente Nieuw", "Gemeente Schiedam", "Gemeente Vlaardingen"]
    team = teams()[("Gemeente Nieuw", "Burgerzaken")]
    assert [u.email for u in team.leaders] == ["a@nieuw.nl"]
    assert len(team.members) == 2


def test_a_team_name_is_looked_up_within_the_rows_organisation(cli, csv_file, centre):
    text = HEADER + (
        "s@schiedam.nl,Sanne,Gemeente Schiedam,Secretariaat,participant,\n"
        "v@vlaardingen.nl,Vera,Gemeente Vlaardingen,Secretariaat,team_leader,\n"
    )

    cli("import-users", csv_file(text), code=0)

    found = teams()
    schiedam = found[("Gemeente Schiedam", "Secretariaat")]
    vlaardingen = found[("Gemeente Vlaardingen", "Secretariaat")]
    assert schiedam.id != vlaardingen.id
    assert users()["s@schiedam.nl"].team_id == schiedam.id
    assert schiedam.leaders == [] and [u.email for u in vlaardingen.leaders] == ["v@vlaardingen.nl"]
