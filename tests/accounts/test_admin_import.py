"""The CSV upload page: a dry run with per-line errors and what would change, then the
import of the kept file through the same importer as `import-users`."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.accounts.duties import purge_uploads
from booking.accounts.models import Organisation, PeopleImport, User
from booking.accounts.services import user_by_email
from booking.core.db import utcnow
from booking.core.models import AuditEntry
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.registry import registry

HEADER = "email,name,organisation,team,role,education_level\n"


@pytest.fixture
def admin(make, client):
    person = make.user("admin", language="en")
    make.login(client, person)
    return person


def _upload(client, content: bytes | str, filename="mensen.csv", **extra):
    if isinstance(content, str):
        content = content.encode()
    data = {"file": (io.BytesIO(content), filename), **extra}
    return client.post("/beheer/mensen/importeren", data=data, content_type="multipart/form-data")


def _upload_id(db_session) -> int:
    return db_session.scalar(select(PeopleImport.id).order_by(PeopleImport.id.desc()))


def _people(db_session) -> int:
    return db_session.scalar(select(func.count(User.id)))


def test_the_dry_run_shows_each_line_and_writes_nothing(make, client, admin, db_session):
    schiedam = make.organisation("Gemeente Schiedam")
    make.user("participant", email="bestaand@schiedam.nl", org=schiedam, education_level="mbo")
    make.user("participant", email="zelfde@schiedam.nl", org=schiedam, education_level="mbo")
    db_session.commit()
    same = user_by_email("zelfde@schiedam.nl")
    before = _people(db_session)
    csv = (
        HEADER
        + "nieuw@schiedam.nl,Nieuwe Collega,Gemeente Schiedam,ICT,participant,hbo\n"
        + "bestaand@schiedam.nl,Andere Naam,Gemeente Schiedam,,participant,mbo\n"
        + f"zelfde@schiedam.nl,{same.name},Gemeente Schiedam,,participant,mbo\n"
        + "geen-adres,Iemand,Gemeente Schiedam,,participant,\n"
        + "x@elders.nl,Iemand,Gemeente Nergens,,keizer,\n"
        + 'formule@schiedam.nl,=HYPERLINK("http://evil"),Gemeente Schiedam,,participant,\n'
    )
    response = _upload(client, csv)
    assert response.status_code == 200, response.text
    text = response.text
    assert 'data-count="created">2<' in text  # the new one and the formula-like name
    assert 'data-count="updated">1<' in text
    assert 'data-count="unchanged">1<' in text
    assert 'data-count="rejected">2<' in text
    assert 'data-line="5"' in text and "Enter a valid e-mail address." in text
    assert "unknown organisation Gemeente Nergens" in text and "Choose one of:" in text
    assert 'data-line="2" data-outcome="created"' in text
    assert 'data-line="3" data-outcome="updated"' in text
    assert 'data-line="4" data-outcome="unchanged"' in text
    assert "Team: ICT (Gemeente Schiedam)" in text
    # nothing was written, but the file is kept for the import
    db_session.expire_all()
    assert _people(db_session) == before
    assert user_by_email("bestaand@schiedam.nl").name != "Andere Naam"
    assert db_session.scalar(select(func.count(AuditEntry.id))) == 0
    upload = db_session.get(PeopleImport, _upload_id(db_session))
    assert upload.uploaded_by_id == admin.id and upload.content == csv.encode()
    upload_id = upload.id
    assert 'action="/beheer/mensen/importeren/' in text

    # the import: the kept file, read again
    response = client.post(f"/beheer/mensen/importeren/{upload_id}")
    assert response.status_code == 200
    assert "Created 2, updated 1, unchanged 1, refused 2." in response.text
    db_session.expire_all()
    assert _people(db_session) == before + 2
    new = user_by_email("nieuw@schiedam.nl")
    assert new.team.name == "ICT" and new.education_level == "hbo"
    assert user_by_email("formule@schiedam.nl").name == '=HYPERLINK("http://evil")'  # text
    assert user_by_email("bestaand@schiedam.nl").name == "Andere Naam"
    actions = sorted(e.action for e in db_session.scalars(select(AuditEntry)))
    assert actions == [
        "account.invited",  # each person the file created is mailed a link to choose a password
        "account.invited",
        "person.created",
        "person.created",
        "person.updated",
        "team.created",
    ]
    invited = db_session.scalars(
        select(OutboxMessage.email).where(OutboxMessage.kind == "account_invitation")
    ).all()
    assert sorted(invited) == ["formule@schiedam.nl", "nieuw@schiedam.nl"]
    assert {e.actor_id for e in db_session.scalars(select(AuditEntry))} == {admin.id}
    assert db_session.get(PeopleImport, upload_id) is None  # used once
    assert client.post(f"/beheer/mensen/importeren/{upload_id}").status_code == 303


def test_the_import_applies_the_kept_file_not_what_the_browser_sends(
    make, client, admin, db_session
):
    make.organisation("Gemeente Schiedam")
    db_session.commit()
    _upload(client, HEADER + "een@schiedam.nl,Een,Gemeente Schiedam,,participant,\n")
    upload_id = _upload_id(db_session)
    response = client.post(
        f"/beheer/mensen/importeren/{upload_id}",
        data={"email": "twee@schiedam.nl", "rows": "twee@schiedam.nl,Twee"},
    )
    assert response.status_code == 200
    assert user_by_email("een@schiedam.nl") is not None
    assert user_by_email("twee@schiedam.nl") is None


def test_another_administrators_or_an_old_upload_is_not_found(make, app, client, admin, db_session):
    make.organisation("Gemeente Schiedam")
    db_session.commit()
    _upload(client, HEADER + "een@schiedam.nl,Een,Gemeente Schiedam,,participant,\n")
    upload_id = _upload_id(db_session)
    other = app.test_client()
    make.login(other, make.user("admin", language="en"))
    response = other.post(f"/beheer/mensen/importeren/{upload_id}", follow_redirects=True)
    assert "This upload is no longer kept" in response.text
    upload = db_session.get(PeopleImport, upload_id)
    upload.created_at = upload.created_at - timedelta(minutes=61)
    db_session.commit()
    response = client.post(f"/beheer/mensen/importeren/{upload_id}", follow_redirects=True)
    assert "This upload is no longer kept" in response.text
    assert user_by_email("een@schiedam.nl") is None
    assert _upload(client, HEADER).status_code == 200  # a new upload purges the old one
    db_session.expire_all()
    kept = list(db_session.scalars(select(PeopleImport.content)))
    assert kept == [HEADER.encode()]  # (SQLite may give the new one the old id)


def test_create_organisations_when_asked(client, admin, db_session):
    csv = HEADER + "een@nieuw.nl,Een,Gemeente Nieuw,,participant,\n"
    response = _upload(client, csv)
    assert "unknown organisation Gemeente Nieuw" in response.text
    response = _upload(client, csv, create_organisations="y")
    assert "Organisation: Gemeente Nieuw" in response.text
    assert db_session.scalar(select(Organisation)) is None  # the dry run rolled back
    client.post(f"/beheer/mensen/importeren/{_upload_id(db_session)}")
    assert user_by_email("een@nieuw.nl").organisation.name == "Gemeente Nieuw"


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"email;name\n", "mensen.xlsx", "Choose a CSV file (.csv)"),
        ("email,name\nJos\xe9\n".encode("latin-1"), "mensen.csv", "is not UTF-8 text"),
        ("email,name\n".encode("utf-16-le"), "mensen.csv", "NUL characters"),
        (b"", "mensen.csv", "is empty"),
        (b"naam,adres\nJan,x\n", "mensen.csv", "lacks the column(s)"),
        (
            b'email,name,organisation,team,role,education_level\n"open,x\n',
            "mensen.csv",
            "a quote that is never closed",
        ),
    ],
)
def test_unusable_files_are_refused_clearly(client, admin, db_session, content, filename, message):
    response = _upload(client, content, filename)
    assert response.status_code == 422
    assert message in response.text
    assert 'href="#file"' in response.text  # the error summary links to the field
    assert db_session.scalar(select(func.count(PeopleImport.id))) == 0


def test_a_file_over_the_limit_is_refused(app, client, admin, db_session):
    limit = app.config["PEOPLE_IMPORT_MAX_BYTES"]
    big = HEADER + "x" * limit
    response = _upload(client, big)
    assert response.status_code == 422
    assert "The file is larger than 2 MB" in response.text
    app.config["PEOPLE_IMPORT_MAX_BYTES"] = 100
    try:
        response = _upload(client, HEADER + "a@b.nl,Een naam die lang genoeg is,,,organiser,\n" * 3)
    finally:
        app.config["PEOPLE_IMPORT_MAX_BYTES"] = limit
    assert response.status_code == 422
    assert "The file is larger than 0 kB" in response.text or "larger than" in response.text
    assert db_session.scalar(select(func.count(PeopleImport.id))) == 0


def test_no_file_is_a_form_error(client, admin):
    response = client.post("/beheer/mensen/importeren", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a CSV file." in response.text


def test_the_command_line_import_is_audited_too(app, make, tmp_path, db_session):
    make.organisation("Gemeente Schiedam")
    db_session.commit()
    path = tmp_path / "mensen.csv"
    path.write_text(HEADER + "een@schiedam.nl,Een,Gemeente Schiedam,,participant,\n")
    result = app.test_cli_runner().invoke(args=["import-users", str(path)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.created"))
    assert entry.actor_id is None and entry.after["email"] == "een@schiedam.nl"


def test_the_periodic_duty_purges_old_uploads(app, make, db_session):
    admin = make.user("admin")
    old = PeopleImport(uploaded_by_id=admin.id, filename="a.csv", content=b"x")
    new = PeopleImport(uploaded_by_id=admin.id, filename="b.csv", content=b"y")
    db_session.add_all([old, new])
    db_session.flush()
    old.created_at = utcnow() - timedelta(minutes=61)
    db_session.commit()
    assert purge_uploads(utcnow()) == {"uploads_purged": 1}
    assert purge_uploads() == {"uploads_purged": 0}
    assert list(db_session.scalars(select(PeopleImport.filename))) == ["b.csv"]
    assert registry(app).duties["people-import-purge"] is purge_uploads
