"""HR contacts' pages of their organisation's people (`/organisatie/mensen`): their own
organisation only (another's person is a 404), with each person's enrolments, certificates
and no-shows; administrators choose the organisation."""

from __future__ import annotations

from datetime import date

import pytest

from booking.attendance.models import AttendanceRecord
from booking.certifications import services as certifications
from booking.enrolment.services import enrol


@pytest.fixture
def two(make, db_session):
    schiedam = make.organisation("Gemeente Schiedam")
    delft = make.organisation("Gemeente Delft")
    hr = make.user("hr", org=schiedam, language="en")
    mine = make.user("participant", email="mijn@schiedam.nl", org=schiedam)
    theirs = make.user("participant", email="hun@delft.nl", org=delft)
    db_session.commit()
    return schiedam, delft, hr, mine, theirs


def test_hr_sees_their_own_organisation_only(make, client, two, db_session):
    _schiedam, delft, hr, mine, theirs = two
    make.login(client, hr)
    page = client.get("/organisatie/mensen")
    assert page.status_code == 200
    assert "mijn@schiedam.nl" in page.text and "hun@delft.nl" not in page.text
    # asking for another organisation shows their own still (HR cannot choose)
    page = client.get(f"/organisatie/mensen?org={delft.id}")
    assert "hun@delft.nl" not in page.text
    assert client.get(f"/organisatie/mensen/{mine.id}").status_code == 200
    assert client.get(f"/organisatie/mensen/{theirs.id}").status_code == 404
    assert client.get("/organisatie/mensen/99999999999").status_code == 404
    assert 'id="organisation-people-link"' in client.get("/organisatie").text


@pytest.mark.parametrize("role", ["participant", "team_leader", "organiser", "advisor"])
def test_other_roles_are_refused(make, client, two, role):
    _schiedam, _delft, _hr, mine, _theirs = two
    make.login(client, make.user(role, org=mine.organisation))
    assert client.get("/organisatie/mensen").status_code == 403
    assert client.get(f"/organisatie/mensen/{mine.id}").status_code == 403


def test_administrators_choose_the_organisation(make, client, two):
    _schiedam, delft, _hr, _mine, theirs = two
    make.login(client, make.user("admin", language="en"))
    page = client.get(f"/organisatie/mensen?org={delft.id}")
    assert "hun@delft.nl" in page.text and "mijn@schiedam.nl" not in page.text
    assert client.get(f"/organisatie/mensen/{theirs.id}").status_code == 200
    assert client.get("/organisatie/mensen?org=99999").status_code == 404


def test_a_persons_page_shows_enrolments_certificates_and_no_shows(make, client, two, db_session):
    _schiedam, _delft, hr, mine, _theirs = two
    organiser = make.user("organiser")
    course = make.course("Timemanagement")
    session = make.session(course)
    outcome = enrol(session.id, mine, actor=mine)
    certification = certifications.define(
        certifications.CertificationInput(name_nl="Timemanager", course_ids=[course.id]),
        actor=organiser,
    )
    certifications.award_by_hand(
        certification.id,
        mine.email,
        completed_on=date.today(),
        evidence_note="Certificaat van elders gezien",
        actor=organiser,
    )
    db_session.add(
        AttendanceRecord(
            enrolment_id=outcome.enrolment.id,
            meeting_id=session.meetings[0].id,
            status="absent",
            source="list",
        )
    )
    db_session.commit()
    make.login(client, hr)
    page = client.get(f"/organisatie/mensen/{mine.id}")
    assert page.status_code == 200
    assert f'data-enrolment="{outcome.enrolment.id}" data-status="confirmed"' in page.text
    assert "Timemanagement" in page.text and "Timemanager" in page.text
    assert 'data-no-shows="1"' in page.text


def test_the_hr_list_is_paged_in_a_fixed_number_of_statements(
    make, client, two, db_session, count_queries
):
    schiedam, _delft, hr, _mine, _theirs = two
    for _ in range(55):
        make.user("participant", org=schiedam, password=None)
    db_session.commit()
    make.login(client, hr)
    counts = []
    for page in (1, 2, 3):
        count_queries.reset()
        assert client.get(f"/organisatie/mensen?page={page}").status_code == 200
        counts.append(len(count_queries))
    assert counts[0] == counts[1] == counts[2] and counts[0] <= 8, counts
