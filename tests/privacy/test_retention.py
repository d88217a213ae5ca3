"""Retention: per organisation (its own months, else the default of 24), the dry run against
the real run, the counts that stay, idempotence, the periodic duty, the command line and the
administrators' page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.accounts.models import User
from booking.attendance.models import AttendanceRecord
from booking.certifications.models import Award
from booking.core.db import atomic, utcnow
from booking.core.errors import PermissionDenied, ValidationError
from booking.core.models import AuditEntry
from booking.demo.webinars import move_back
from booking.enrolment.models import BookedSlot, Enrolment
from booking.extensions import db
from booking.notifications.registry import registry
from booking.privacy import export, retention, services
from booking.privacy.models import AnonymousPerson
from booking.scheduling.models import Session
from tests.certifications.setup import define, make_setup
from tests.privacy.setup import aggregates


def _move_back(session_id: int, delta: timedelta) -> None:
    """Times of a whole session moved into the past (the services rightly refuse the past)."""
    move_back(db.session.get(Session, session_id), delta)
    db.session.commit()


@pytest.fixture
def old(make, db_session):
    """A course that ended about 19 months ago, with attendance and a certificate; its first
    person's organisation keeps details 12 months, the second's the default 24."""
    setup = make_setup(make, meetings=2, people=2)
    define(setup, validity_months=None)
    setup.record(0, ["attended", "absent"])
    setup.record(1, ["attended", "excused"])
    admin = make.user("admin")
    db_session.commit()
    _move_back(setup.session.id, (setup.end - utcnow()) + timedelta(days=19 * 31))
    short = setup.places[0].user
    atomic(services.set_retention, short.organisation_id, 12, actor=admin)
    setup.admin = admin
    return setup


def _plan_of(plans, organisation_id):
    return next(p for p in plans if p.organisation_id == organisation_id)


def test_the_dry_run_says_what_the_run_then_does(old, db_session):
    short, default = (place.user for place in old.places)
    before = aggregates([old.session.id])
    plans = retention.plan()
    mine = _plan_of(plans, short.organisation_id)
    assert (mine.months, mine.people, mine.enrolments, mine.attendance_records) == (12, 1, 1, 2)
    theirs = _plan_of(plans, default.organisation_id)
    assert (theirs.months, theirs.people, theirs.enrolments) == (24, 0, 0)
    # The dry run changed nothing.
    db_session.expire_all()
    assert db_session.get(Enrolment, old.places[0].id).user_id == short.id
    assert db_session.scalar(select(AnonymousPerson)) is None

    counts = atomic(retention.run)
    assert counts == {
        "people": 1,
        "enrolments": 1,
        "attendance_records": 2,
        "event_registrations": 0,
        "career_conversations": 0,
    }
    db_session.expire_all()
    place = db_session.get(Enrolment, old.places[0].id)
    stand_in = db_session.get(User, place.user_id)
    assert stand_in.id != short.id and stand_in.name == services.ANONYMOUS_NAME
    assert stand_in.active is False and stand_in.password_hash is None
    assert stand_in.organisation_id == short.organisation_id
    assert stand_in.education_level == short.education_level
    assert db_session.get(AnonymousPerson, stand_in.id).kind == "stand_in"
    assert place.booked_by_id is None
    slots = db_session.scalars(
        select(BookedSlot.user_id).where(BookedSlot.enrolment_id == place.id)
    )
    assert set(slots) == {stand_in.id}
    # The second person's organisation keeps them 24 months: untouched.
    assert db_session.get(Enrolment, old.places[1].id).user_id == default.id
    # Every count stays; the person keeps their account and their certificate.
    assert aggregates([old.session.id]) == before
    assert db_session.get(User, short.id).active is True
    award = db_session.scalar(select(Award).where(Award.user_id == short.id))
    assert award is not None and award.enrolment_id is None
    assert export.export(short.id)["enrolments"] == []
    assert export.export(short.id)["attendance"] == []
    records = db_session.scalars(
        select(AttendanceRecord.enrolment_id).where(AttendanceRecord.enrolment_id == place.id)
    ).all()
    assert len(records) == 2
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.applied"))
    assert entry.after["enrolments"] == 1 and entry.actor_id is None

    # Idempotent: nothing left to do, and the plan says so.
    assert atomic(retention.run)["people"] == 0
    assert _plan_of(retention.plan(), short.organisation_id).people == 0


def test_a_longer_setting_keeps_them(old, db_session):
    short = old.places[0].user
    atomic(services.set_retention, short.organisation_id, 36, actor=old.admin)
    assert _plan_of(retention.plan(), short.organisation_id).people == 0
    assert atomic(retention.run)["people"] == 0


def test_the_duty_is_registered_and_runs(app, old, db_session):
    duty = registry(app).duties["privacy.retention"]
    assert duty(utcnow()) == {
        "retention_people": 1,
        "retention_enrolments": 1,
        "retention_attendance_records": 2,
    }
    assert duty(utcnow()) == {}
    # Ten years on, the default catches up with the second person too.
    assert duty(utcnow() + timedelta(days=3650))["retention_people"] == 1


def test_the_settings_are_for_administrators_and_checked(old, make):
    organisation_id = old.places[0].user.organisation_id
    with pytest.raises(PermissionDenied):
        atomic(services.set_retention, organisation_id, 6, actor=old.organiser)
    for months in (0, 241, None):
        with pytest.raises(ValidationError) as refused:
            atomic(services.set_retention, organisation_id, months, actor=old.admin)
        assert refused.value.code == "months_out_of_range"


def test_the_command_line(app, old, db_session):
    runner = app.test_cli_runner()
    name = old.places[0].user.organisation.name
    place_id, person_id = old.places[0].id, old.places[0].user_id
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{name}: 12 months" in dry.output and "people 1, enrolments 1" in dry.output
    assert "dry run: nothing changed" in dry.output
    db_session.expire_all()
    assert db_session.get(Enrolment, place_id).user_id == person_id
    real = runner.invoke(args=["retention"])
    assert real.exit_code == 0, real.output
    assert "anonymised: people 1, enrolments 1, attendance records 2" in real.output
    db_session.expire_all()
    assert db_session.get(Enrolment, place_id).user_id != person_id


def test_the_page_shows_the_dry_run_and_saves_a_setting(old, client, make, db_session):
    short, default = (place.user for place in old.places)
    make.login(client, old.admin)
    page = client.get("/beheer/privacy").get_data(as_text=True)
    assert f'data-organisation="{short.organisation_id}"' in page
    row = page.split(f'data-organisation="{short.organisation_id}"')[1].split("</tr>")[0]
    assert 'data-months="12"' in row and 'data-people="1"' in row
    saved = client.post(
        f"/beheer/privacy/{default.organisation_id}/bewaartermijn", data={"months": "6"}
    )
    assert saved.status_code == 303
    row = client.get("/beheer/privacy").get_data(as_text=True)
    row = row.split(f'data-organisation="{default.organisation_id}"')[1].split("</tr>")[0]
    assert 'data-months="6"' in row and 'data-people="1"' in row
    bad = client.post(
        f"/beheer/privacy/{default.organisation_id}/bewaartermijn", data={"months": "0"}
    )
    assert bad.status_code == 422 and f'id="months-{default.organisation_id}-error"' in (
        bad.get_data(as_text=True)
    )
    nasty = client.post(
        f"/beheer/privacy/{default.organisation_id}/bewaartermijn",
        data={"months": "100000000000000000000"},
    )
    assert nasty.status_code == 422
    assert (
        client.post("/beheer/privacy/99999/bewaartermijn", data={"months": "6"}).status_code == 404
    )


def test_the_pages_are_for_administrators(old, client, make):
    make.login(client, old.organiser)
    assert client.get("/beheer/privacy").status_code == 403
    organisation_id = old.places[0].user.organisation_id
    refused = client.post(f"/beheer/privacy/{organisation_id}/bewaartermijn", data={"months": "3"})
    assert refused.status_code == 403
