"""The rules of certifications, through the services: award at the attendance threshold and
not below it, once per completion, assessment results, withdrawal on a correction before
closing, revocation after it, by-hand awards, renewal dates, verification and the expiry
notice with a controlled clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from booking.attendance import services as attendance
from booking.certifications import duties, services, verification
from booking.certifications.models import Award, AwardState
from booking.certifications.services import CertificationInput, add_months
from booking.core.db import atomic
from booking.core.errors import Conflict, PermissionDenied, ValidationError
from booking.core.models import AuditEntry
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render as render_message
from tests.certifications.setup import define, make_setup


def _awards(**where):
    query = select(Award)
    for key, value in where.items():
        query = query.where(getattr(Award, key) == value)
    return db.session.scalars(query.order_by(Award.id)).all()


def _messages(kind):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


@pytest.fixture
def course(make, db_session):
    return make_setup(make)


def test_all_meetings_rule_awards_at_the_last_meeting_once(course):
    certification = define(course, validity_months=24)
    for meeting in range(3):
        course.record(meeting, ["attended", "attended", "absent"])
    assert _awards() == []
    course.record(3, ["attended", "attended", "attended"])
    awards = _awards()
    assert [a.enrolment_id for a in awards] == [p.id for p in course.places[:2]]
    award = awards[0]
    assert award.certification_id == certification.id
    assert award.state == AwardState.VALID
    # Recorded during the last meeting: issued then, valid 24 months from it.
    assert award.issued_at == course.starts[3] + timedelta(minutes=5)
    assert award.expires_at == add_months(award.issued_at, 24)
    assert len(award.code) == 19 and award.code.count("-") == 3
    assert len(_messages("certificate_awarded")) == 2
    # Recording the same again, or another meeting, makes no second award.
    course.record(3, ["attended", "attended", "attended"])
    course.record(0, ["attended", "attended", "excused"])
    assert len(_awards()) == 2


def test_min_percent_awards_at_the_threshold_and_not_below(course):
    define(course, rule="min_percent", min_attendance_percent=75)
    course.record(0, ["attended", "attended"])
    course.record(1, ["attended", "attended"])
    course.record(2, ["absent", "attended"])
    # First: 2 of 4 (50 %); second: 3 of 4 (75 %, the threshold).
    assert [a.enrolment_id for a in _awards()] == [course.places[1].id]
    course.record(3, ["attended", "absent"])
    assert {a.enrolment_id for a in _awards()} == {course.places[0].id, course.places[1].id}


def test_a_correction_before_closing_withdraws_the_award(course):
    define(course)
    for meeting in range(4):
        course.record(meeting, ["attended"])
    [award] = _awards()
    course.record(2, ["absent"])
    db.session.refresh(award)
    assert award.state == AwardState.WITHDRAWN
    assert award.status(datetime.now(UTC)) == "withdrawn"
    assert verification.verify(award.code).status == "revoked"
    assert len(_messages("award_withdrawn")) == 1
    assert db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "award.withdrawn")
    )
    # Corrected back: a new award with a new code (the withdrawn one stays withdrawn).
    course.record(2, ["attended"])
    awards = _awards()
    assert [a.state for a in awards] == ["withdrawn", "valid"]
    assert awards[0].code != awards[1].code


def test_after_closing_an_organiser_revokes_with_a_reason(course):
    define(course)
    for meeting in range(4):
        course.record(meeting, ["attended"])
    atomic(attendance.close, course.session.id, actor=course.organiser, now=course.end)
    [award] = _awards()
    with pytest.raises(ValidationError) as error:
        atomic(services.revoke, award.id, "  ", actor=course.organiser)
    assert error.value.code == "reason_required"
    participant = course.places[0].user
    with pytest.raises(PermissionDenied):
        atomic(services.revoke, award.id, "fraude", actor=participant)
    atomic(services.revoke, award.id, "Presentielijst vervalst", actor=course.organiser)
    db.session.refresh(award)
    assert award.state == AwardState.REVOKED
    assert award.revoke_reason == "Presentielijst vervalst"
    assert verification.verify(award.code).status == "revoked"
    with pytest.raises(Conflict):
        atomic(services.revoke, award.id, "nog eens", actor=course.organiser)
    assert len(_messages("award_revoked")) == 1


def test_assessment_pass_fail_and_score(make, db_session):
    setup = make_setup(make, meetings=1, people=3)
    pass_fail = define(setup, assessment="pass_fail")
    score = define(setup, name_nl="Examen", assessment="score", pass_mark=55)
    setup.record(0, ["attended", "attended", "attended"])
    assert _awards() == []  # attendance alone is not enough
    later = setup.starts[0] + timedelta(hours=1)
    ids = [p.id for p in setup.places]
    atomic(
        services.record_results,
        setup.session.id,
        pass_fail.id,
        {ids[0]: True, ids[1]: False},
        actor=setup.organiser,
        now=later,
    )
    atomic(
        services.record_results,
        setup.session.id,
        score.id,
        {ids[0]: 55, ids[1]: 54, ids[2]: 90},
        actor=setup.organiser,
        now=later,
    )
    earned = {(a.certification_id, a.enrolment_id) for a in _awards()}
    assert earned == {(pass_fail.id, ids[0]), (score.id, ids[0]), (score.id, ids[2])}
    with pytest.raises(ValidationError) as error:
        atomic(
            services.record_results,
            setup.session.id,
            score.id,
            {ids[0]: "veel"},
            actor=setup.organiser,
            now=later,
        )
    assert error.value.code == "invalid_result"
    # A lower score before closing withdraws it.
    atomic(
        services.record_results,
        setup.session.id,
        score.id,
        {ids[2]: 10},
        actor=setup.organiser,
        now=later,
    )
    assert _awards(certification_id=score.id, enrolment_id=ids[2])[0].state == "withdrawn"


def test_a_participant_enters_no_results(make, db_session):
    setup = make_setup(make, meetings=1, people=1)
    certification = define(setup, assessment="pass_fail")
    with pytest.raises(PermissionDenied):
        atomic(
            services.record_results,
            setup.session.id,
            certification.id,
            {setup.places[0].id: True},
            actor=setup.places[0].user,
        )


def test_definitions_are_checked(course):
    with pytest.raises(ValidationError) as error:
        define(course, name_nl="", rule="min_percent", min_attendance_percent=0, course_ids=[])
    assert set(error.value.fields) == {"name_nl", "min_attendance_percent", "course_ids"}
    with pytest.raises(ValidationError) as error:
        define(course, validity_months=0, assessment="score")
    assert set(error.value.fields) == {"validity_months", "pass_mark"}
    define(course)
    with pytest.raises(ValidationError) as error:
        define(course)
    assert "name_nl" in error.value.fields
    with pytest.raises(PermissionDenied):
        atomic(
            services.define,
            CertificationInput(name_nl="X", course_ids=[course.course_id]),
            actor=course.places[0].user,
        )


def test_renewal_in_time_extends_from_the_old_expiry(make, db_session):
    setup = make_setup(make, meetings=1, people=1)
    certification = define(setup, validity_months=12)
    person = setup.places[0].user
    # Followed elsewhere 11 months ago: expires in a month.
    today = datetime.now(UTC).date()
    earlier = date(today.year - 1, today.month, 1) + timedelta(days=40)
    old = atomic(
        services.award_by_hand,
        certification.id,
        person.email,
        completed_on=earlier,
        evidence_note="Gevolgd bij de Haagse Hogeschool, certificaat gezien",
        actor=setup.organiser,
    )
    assert old.expires_at > datetime.now(UTC)
    assert old.enrolment_id is None and old.evidence_note.startswith("Gevolgd")
    setup.record(0, ["attended"])
    new = _awards(enrolment_id=setup.places[0].id)[0]
    assert new.renews_id == old.id
    assert new.expires_at == add_months(old.expires_at, 12)


def test_renewal_after_expiry_counts_from_the_completion(make, db_session):
    setup = make_setup(make, meetings=1, people=1)
    certification = define(setup, validity_months=12)
    person = setup.places[0].user
    old = atomic(
        services.award_by_hand,
        certification.id,
        person.email,
        completed_on=datetime.now(UTC).date() - timedelta(days=800),
        evidence_note="Eerder gevolgd",
        actor=setup.organiser,
    )
    assert verification.verify(old.code).status == "expired"
    setup.record(0, ["attended"])
    new = _awards(enrolment_id=setup.places[0].id)[0]
    assert new.renews_id is None
    assert new.expires_at == add_months(new.issued_at, 12)
    # The expired one still shows, as expired.
    assert old.status(datetime.now(UTC)) == "expired"


def test_by_hand_needs_evidence_and_a_past_date(course):
    certification = define(course)
    with pytest.raises(ValidationError) as error:
        atomic(
            services.award_by_hand,
            certification.id,
            "niemand@example.nl",
            completed_on=datetime.now(UTC).date() + timedelta(days=3),
            evidence_note=" ",
            actor=course.organiser,
        )
    assert set(error.value.fields) == {"email", "evidence_note", "completed_on"}


def test_verification_says_only_name_certification_and_dates(course):
    define(course, name_en="Project assistant", validity_months=6)
    for meeting in range(4):
        course.record(meeting, ["attended"])
    [award] = _awards()
    found = verification.verify(award.code.lower().replace("-", " "))
    assert found.status == "valid"
    assert found.name == course.places[0].user.name
    assert found.certification.name("en") == "Project assistant"
    assert (found.issued_at, found.expires_at) == (award.issued_at, award.expires_at)
    assert set(vars(found)) == {"status", "name", "certification", "issued_at", "expires_at"}
    assert verification.verify(award.code, now=award.expires_at).status == "expired"
    assert verification.verify("ABCD-EFGH-JKMN-PQRS") is None
    assert verification.verify("kort") is None


def test_known_and_unknown_codes_cost_the_same_statements(course, count_queries):
    define(course)
    for meeting in range(4):
        course.record(meeting, ["attended"])
    [award] = _awards()
    counts = []
    for code in (award.code, "ABCD-EFGH-JKMN-PQRS", "?"):
        db.session.expire_all()
        count_queries.reset()
        verification.verify(code)
        counts.append(len(count_queries.statements))
    assert counts == [1, 1, 1]


def test_expiry_notice_once_to_holder_and_team_leader_with_renewing_sessions(make, app):
    team = make.team()
    leader = make.user("team_leader", team_=team)
    holder = make.user(team_=team)
    setup = make_setup(make, meetings=1, people=0)
    db.session.commit()
    certification = define(setup, validity_months=12)
    award = atomic(
        services.award_by_hand,
        certification.id,
        holder.email,
        completed_on=datetime.now(UTC).date() - timedelta(days=365 - 50),
        evidence_note="Eerder gevolgd",
        actor=setup.organiser,
    )
    days = app.config["CERTIFICATION_NOTICE_DAYS"]
    assert days == 60
    # 70 days before expiry: nothing yet.
    assert duties.expiry_notices(award.expires_at - timedelta(days=70)) == {"expiry_notices": 0}
    # 60 days before: the holder and the leader, once.
    at = award.expires_at - timedelta(days=days)
    assert duties.expiry_notices(at) == {"expiry_notices": 2}
    assert duties.expiry_notices(at + timedelta(days=1)) == {"expiry_notices": 0}
    [mine] = _messages("certification_expiring")
    [team_notice] = _messages("certification_expiring_team")
    assert (mine.user_id, team_notice.user_id) == (holder.id, leader.id)
    from_render = render_message(mine)
    assert setup.session.course.title in from_render.text
    assert "Projectassistent" in render_message(team_notice).text


def test_a_renewed_award_gets_no_notice(make, db_session):
    setup = make_setup(make, meetings=1, people=1)
    certification = define(setup, validity_months=12)
    person = setup.places[0].user
    old = atomic(
        services.award_by_hand,
        certification.id,
        person.email,
        completed_on=datetime.now(UTC).date() - timedelta(days=330),
        evidence_note="Eerder gevolgd",
        actor=setup.organiser,
    )
    setup.record(0, ["attended"])
    assert duties.expiry_notices(old.expires_at - timedelta(days=30)) == {"expiry_notices": 0}


def test_the_award_message_carries_the_certificate(course):
    define(course)
    for meeting in range(4):
        course.record(meeting, ["attended"])
    [message] = _messages("certificate_awarded")
    rendered = render_message(message)
    [pdf] = [f for f in rendered.files if f.content_type == "application/pdf"]
    assert pdf.data.startswith(b"%PDF")
    assert "/verify/" in rendered.text
