"""The organisers' certification pages: defining and changing a certification, retiring it,
recording one by hand, revoking an award, and the trainers' results of a session. Each
refusal of the services comes back as a form error, never a 500; others get a 403."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from booking.accounts.models import Role
from booking.certifications import services
from booking.certifications.models import (
    AssessmentResult,
    Award,
    AwardState,
    Certification,
    CompletionRule,
)
from booking.core.db import atomic
from booking.core.models import AuditEntry
from booking.extensions import db
from tests.certifications.setup import define, make_setup


def _certification(name: str) -> Certification | None:
    db.session.expire_all()
    return db.session.scalar(select(Certification).where(Certification.name_nl == name))


@pytest.fixture
def organiser(make, db_session):
    return make.user(Role.ORGANISER)


def _form(course_id, **values):
    data = {
        "name_nl": "Projectassistent",
        "name_en": "Project assistant",
        "description_nl": "Erkend certificaat.",
        "course_ids": [str(course_id)],
        "rule": "all_meetings",
        "assessment": "none",
        "validity_months": "24",
    }
    data.update(values)
    return data


def test_an_organiser_defines_and_changes_a_certification(client, make, organiser):
    course = make.course(title="Projectassistent", certified=True)
    make.login(client, organiser)
    page = client.get("/beheer/certificeringen/nieuw").get_data(as_text=True)
    assert 'id="certification-form"' in page and f'value="{course.id}"' in page
    saved = client.post("/beheer/certificeringen/nieuw", data=_form(course.id))
    assert saved.status_code == 303 and saved.location.endswith("/beheer/certificeringen")
    certification = _certification("Projectassistent")
    assert certification.name_en == "Project assistant"
    assert [c.id for c in certification.courses] == [course.id]
    assert certification.rule == CompletionRule.ALL_MEETINGS
    assert certification.validity_months == 24
    listed = client.get("/beheer/certificeringen").get_data(as_text=True)
    assert f'data-certification="{certification.id}"' in listed

    url = f"/beheer/certificeringen/{certification.id}/bewerken"
    assert 'value="Projectassistent"' in client.get(url).get_data(as_text=True)
    changed = client.post(
        url,
        data=_form(course.id, rule="min_percent", min_attendance_percent="75", validity_months=""),
    )
    assert changed.status_code == 303
    certification = _certification("Projectassistent")
    assert (certification.rule, certification.min_attendance_percent) == ("min_percent", 75)
    assert certification.validity_months is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name_nl": ""}, "Give the certification a name."),
        ({"rule": "min_percent", "min_attendance_percent": "150"}, "100"),
        ({"rule": "min_percent", "min_attendance_percent": "abc"}, "Not a valid integer"),
        ({"assessment": "score", "pass_mark": ""}, "pass mark"),
        ({"validity_months": "-3"}, "month"),
        ({"course_ids": ["999999999999999999999"]}, ""),
    ],
)
def test_a_wrong_definition_is_a_form_error(client, make, organiser, values, message):
    course = make.course()
    make.login(client, organiser)
    client.post("/taal", data={"language": "en"})
    answer = client.post("/beheer/certificeringen/nieuw", data=_form(course.id, **values))
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "utrecht-form-field-error-message" in page or 'role="alert"' in page
    assert message.lower() in page.lower()
    assert _certification(values.get("name_nl", "Projectassistent")) is None


def test_a_name_in_use_is_refused(client, make, organiser):
    course = make.course()
    define_input = services.CertificationInput(name_nl="EHBO", course_ids=[course.id])
    atomic(services.define, define_input, actor=organiser)
    make.login(client, organiser)
    answer = client.post("/beheer/certificeringen/nieuw", data=_form(course.id, name_nl="EHBO"))
    assert answer.status_code == 422
    assert len(db.session.scalars(select(Certification)).all()) == 1


def test_retire_and_restore(client, make, organiser):
    course = make.course()
    certification = atomic(
        services.define,
        services.CertificationInput(name_nl="EHBO", course_ids=[course.id]),
        actor=organiser,
    )
    make.login(client, organiser)
    url = f"/beheer/certificeringen/{certification.id}/buiten-gebruik"
    assert client.post(url, data={"retired": "1"}).status_code == 303
    assert _certification("EHBO").retired is True
    page = client.get("/beheer/certificeringen").get_data(as_text=True)
    assert 'data-retired="yes"' in page
    assert client.post(url, data={"retired": "0"}).status_code == 303
    assert _certification("EHBO").retired is False
    assert client.post("/beheer/certificeringen/999999/buiten-gebruik").status_code == 404


def test_award_by_hand_records_the_evidence_and_who(client, make, organiser):
    holder = make.user()
    course = make.course()
    certification = atomic(
        services.define,
        services.CertificationInput(name_nl="EHBO", course_ids=[course.id], validity_months=12),
        actor=organiser,
    )
    make.login(client, organiser)
    url = f"/beheer/certificeringen/{certification.id}/toekennen"
    assert client.get(url).status_code == 200
    completed = date.today() - timedelta(days=20)
    done = client.post(
        url,
        data={
            "email": holder.email.upper(),
            "completed_on": completed.isoformat(),
            "evidence_note": "Gevolgd bij het Rode Kruis; diploma gezien.",
        },
    )
    assert done.status_code == 303
    award = db.session.scalar(select(Award).where(Award.user_id == holder.id))
    assert award.evidence_note == "Gevolgd bij het Rode Kruis; diploma gezien."
    assert award.recorded_by_id == organiser.id and award.enrolment_id is None
    assert award.state == AwardState.VALID

    unknown = client.post(
        url,
        data={
            "email": "niemand@example.org",
            "completed_on": completed.isoformat(),
            "evidence_note": "x",
        },
    )
    assert unknown.status_code == 422
    no_evidence = client.post(
        url, data={"email": holder.email, "completed_on": completed.isoformat()}
    )
    assert no_evidence.status_code == 422
    future = client.post(
        url,
        data={
            "email": holder.email,
            "completed_on": (date.today() + timedelta(days=3)).isoformat(),
            "evidence_note": "x",
        },
    )
    assert future.status_code == 422
    assert len(db.session.scalars(select(Award)).all()) == 1


def test_revoke_needs_a_reason_and_happens_once(client, make, organiser):
    holder = make.user()
    certification = atomic(
        services.define,
        services.CertificationInput(name_nl="EHBO", course_ids=[make.course().id]),
        actor=organiser,
    )
    award = atomic(
        services.award_by_hand,
        certification.id,
        holder.email,
        completed_on=date.today(),
        evidence_note="Gezien",
        actor=organiser,
    )
    make.login(client, organiser)
    url = f"/beheer/certificaten/{award.id}/intrekken"
    page = client.get(url).get_data(as_text=True)
    assert award.code in page or holder.name in page
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "Fraude vastgesteld"}).status_code == 303
    db.session.expire_all()
    revoked = db.session.get(Award, award.id)
    assert revoked.state == AwardState.REVOKED and revoked.revoke_reason == "Fraude vastgesteld"
    assert client.post(url, data={"reason": "Nog eens"}).status_code == 409
    assert client.get("/beheer/certificaten/999999/intrekken").status_code == 404
    verified = client.get(f"/verify/{award.code}")
    assert 'data-status="revoked"' in verified.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/beheer/certificeringen",
        "/beheer/certificeringen/nieuw",
        "/beheer/certificeringen/1/bewerken",
        "/beheer/certificeringen/1/toekennen",
        "/beheer/certificaten/1/intrekken",
    ],
)
def test_only_organisers_manage(client, make, url):
    make.login(client, make.user(Role.TEAM_LEADER, team_=make.team()))
    assert client.get(url).status_code == 403
    assert client.post(url, data={"reason": "x"}).status_code in (403, 405)


# -- a session's results ---------------------------------------------------------------------


@pytest.fixture
def assessed(make, db_session):
    """One meeting, two places, a certification with a pass/fail assessment; everyone
    attended the meeting, so the result decides."""
    setup = make_setup(make, meetings=1, people=2)
    certification = define(
        setup, assessment="pass_fail", rule=CompletionRule.ALL_MEETINGS, validity_months=24
    )
    setup.record(0, ["attended", "attended"])
    return setup, certification


def _results_url(setup) -> str:
    return f"/presentie/sessies/{setup.session.id}/resultaten"


def test_the_trainer_enters_results_and_the_passed_are_awarded(client, make, assessed):
    setup, certification = assessed
    passed, failed = setup.places
    make.login(client, setup.organiser)
    overview = client.get(f"/presentie/sessies/{setup.session.id}").get_data(as_text=True)
    assert 'id="enter-results"' in overview
    page = client.get(_results_url(setup)).get_data(as_text=True)
    field = f"result-{certification.id}-{passed.id}"
    assert f'name="{field}"' in page
    saved = client.post(
        _results_url(setup),
        data={field: "pass", f"result-{certification.id}-{failed.id}": "fail"},
    )
    assert saved.status_code == 303
    db.session.expire_all()
    awards = db.session.scalars(select(Award)).all()
    assert [a.enrolment_id for a in awards] == [passed.id]
    results = {r.enrolment_id: r.passed for r in db.session.scalars(select(AssessmentResult))}
    assert results == {passed.id: True, failed.id: False}
    shown = client.get(_results_url(setup)).get_data(as_text=True)
    assert 'data-award="valid"' in shown

    # A correction before closing withdraws the award; audited.
    client.post(_results_url(setup), data={field: "fail"})
    db.session.expire_all()
    assert db.session.scalars(select(Award)).one().state == AwardState.WITHDRAWN
    assert db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "assessment.corrected")
    )


def test_a_wrong_result_is_a_form_error(client, make, assessed):
    setup, certification = assessed
    place = setup.places[0]
    make.login(client, setup.organiser)
    answer = client.post(
        _results_url(setup), data={f"result-{certification.id}-{place.id}": "maybe"}
    )
    assert answer.status_code == 422
    assert db.session.scalars(select(AssessmentResult)).all() == []


def test_scores_with_a_pass_mark(client, make):
    setup = make_setup(make, meetings=1, people=2)
    certification = define(setup, assessment="score", pass_mark=60)
    setup.record(0, ["attended", "attended"])
    high, low = setup.places
    make.login(client, setup.organiser)
    answer = client.post(
        _results_url(setup),
        data={
            f"result-{certification.id}-{high.id}": "60",
            f"result-{certification.id}-{low.id}": "59",
        },
    )
    assert answer.status_code == 303
    db.session.expire_all()
    assert [a.enrolment_id for a in db.session.scalars(select(Award))] == [high.id]
    too_big = client.post(
        _results_url(setup), data={f"result-{certification.id}-{low.id}": "99999"}
    )
    assert too_big.status_code == 422


def test_others_may_not_enter_results(client, make, assessed):
    setup, _certification = assessed
    make.login(client, setup.places[0].user)
    assert client.get(_results_url(setup)).status_code == 403
    assert client.get("/presentie/sessies/999999/resultaten").status_code == 404
