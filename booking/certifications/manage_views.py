"""The organisers' and trainers' certification pages: the list of certifications with their
valid awards, defining and changing one, retiring it, recording one by hand, revoking an
award, and a session's assessment results (organisers and the session's trainers). Every
write through `atomic` and one service; the services' refusals become form errors."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from booking.attendance import queries as attendance_queries
from booking.attendance.services import attendance_session
from booking.catalogue.models import Course
from booking.certifications import services
from booking.certifications.forms import (
    AwardByHandForm,
    CertificationForm,
    RetireForm,
    RevokeForm,
)
from booking.certifications.labels import ASSESSMENTS, RULES
from booking.certifications.models import (
    Assessment,
    AssessmentResult,
    Award,
    AwardState,
    Certification,
    CertificationCourse,
)
from booking.core.auth import organiser_required
from booking.core.db import atomic, utcnow
from booking.core.errors import DomainError
from booking.core.forms import show_errors
from booking.core.web import dutch
from booking.enrolment.models import EnrolmentStatus
from booking.extensions import db
from booking.scheduling.models import Session

bp = Blueprint("certifications_manage", __name__)


def _me():
    return current_user._get_current_object()


@bp.app_template_global()
def has_assessed_certification(session: Session) -> bool:
    """For the attendance overview's link to the results page: one statement."""
    found = db.session.scalar(
        select(Certification.id)
        .join(CertificationCourse, CertificationCourse.certification_id == Certification.id)
        .where(
            CertificationCourse.course_id == session.course_id,
            Certification.retired.is_(False),
            Certification.assessment != Assessment.NONE,
        )
        .limit(1)
    )
    return found is not None


@bp.app_template_global()
def certification_rule_label(certification: Certification) -> str:
    text = str(RULES.get(certification.rule, certification.rule))
    if certification.min_attendance_percent:
        text += f" ({certification.min_attendance_percent}%)"
    return text


@bp.app_template_global()
def certification_assessment_label(certification: Certification) -> str:
    text = str(ASSESSMENTS.get(certification.assessment, certification.assessment))
    if certification.assessment == Assessment.SCORE and certification.pass_mark is not None:
        text += " (" + _("pass mark %(n)d", n=certification.pass_mark) + ")"
    return text


def _valid_counts(now: datetime) -> dict[int, int]:
    """Valid, unexpired awards per certification: one grouped statement."""
    rows = db.session.execute(
        select(Award.certification_id, func.count())
        .where(
            Award.state == AwardState.VALID,
            or_(Award.expires_at.is_(None), Award.expires_at > now),
        )
        .group_by(Award.certification_id)
    )
    return {certification_id: count for certification_id, count in rows}


@bp.get("/beheer/certificeringen")
@organiser_required
def index():
    now = utcnow()
    certifications = list(
        db.session.scalars(
            select(Certification)
            .options(selectinload(Certification.courses))
            .order_by(Certification.retired, Certification.name_nl)
        )
    )
    return render_template(
        "certifications/manage/index.html",
        certifications=certifications,
        counts=_valid_counts(now),
        retire_form=RetireForm(formdata=None),
    )


@bp.post("/beheer/certificeringen/<int:certification_id>/buiten-gebruik")
@organiser_required
def set_retired(certification_id: int):
    """Retire (no longer awarded; awards stay) or restore a certification."""
    form = RetireForm()
    if not form.validate_on_submit():
        abort(400)
    retired = form.retired.data == "1"
    try:
        atomic(services.set_retired, certification_id, retired, actor=_me())
    except DomainError as error:
        abort(error.status)
    flash(
        _("The certification has been retired; its awards stay as they are.")
        if retired
        else _("The certification is in use again."),
        "success",
    )
    return redirect(url_for(".index"), code=303)


def _course_choices() -> list[tuple[int, str]]:
    """Every course, the certified ones first: one statement. Checkbox labels, so the Dutch
    title can be marked as such inside the label."""
    courses = db.session.scalars(
        select(Course).order_by(Course.certified.desc(), Course.title, Course.id)
    )
    return [
        (c.id, dutch(c.title) + (" (" + _("certified") + ")" if c.certified else ""))
        for c in courses
    ]


def _values(form: CertificationForm) -> services.CertificationInput:
    return services.CertificationInput(
        name_nl=form.name_nl.data or "",
        name_en=form.name_en.data or "",
        description_nl=form.description_nl.data or "",
        description_en=form.description_en.data or "",
        course_ids=list(form.course_ids.data or []),
        rule=form.rule.data,
        min_attendance_percent=form.min_attendance_percent.data,
        assessment=form.assessment.data,
        pass_mark=form.pass_mark.data,
        validity_months=form.validity_months.data,
    )


def _store(certification_id: int | None, values: services.CertificationInput) -> int:
    if certification_id is None:
        return services.define(values, actor=_me()).id
    return services.update(certification_id, values, actor=_me()).id


def _save(certification: Certification | None):
    if request.method == "GET":
        form = CertificationForm(obj=certification)
        if certification is not None:
            form.course_ids.data = [c.id for c in certification.courses]
    else:
        form = CertificationForm()
    form.course_ids.choices = _course_choices()
    problems: list = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            atomic(_store, certification.id if certification else None, _values(form))
        except DomainError as error:
            problems = show_errors(form, error)
        else:
            flash(_("The certification has been saved."), "success")
            return redirect(url_for(".index"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "certifications/manage/form.html",
        form=form,
        certification=certification,
        problems=problems,
    ), status


def _certification_or_404(certification_id: int) -> Certification:
    certification = db.session.get(Certification, certification_id)
    if certification is None:
        abort(404)
    return certification


@bp.route("/beheer/certificeringen/nieuw", methods=["GET", "POST"])
@organiser_required
def new():
    return _save(None)


@bp.route("/beheer/certificeringen/<int:certification_id>/bewerken", methods=["GET", "POST"])
@organiser_required
def edit(certification_id: int):
    return _save(_certification_or_404(certification_id))


def _by_hand(certification_id: int, form: AwardByHandForm) -> tuple[str, str]:
    award = services.award_by_hand(
        certification_id,
        form.email.data,
        completed_on=form.completed_on.data,
        evidence_note=form.evidence_note.data,
        actor=_me(),
    )
    return award.user.name, award.code


@bp.route("/beheer/certificeringen/<int:certification_id>/toekennen", methods=["GET", "POST"])
@organiser_required
def award_by_hand(certification_id: int):
    """A course followed elsewhere: the certification recorded with the evidence seen."""
    certification = _certification_or_404(certification_id)
    form, problems = AwardByHandForm(), []
    if request.method == "POST" and form.validate_on_submit():
        try:
            name, code = atomic(_by_hand, certification.id, form)
        except DomainError as error:
            problems = show_errors(form, error)
        else:
            flash(
                _(
                    "%(name)s has been awarded the certification (code %(code)s).",
                    name=name,
                    code=code,
                ),
                "success",
            )
            return redirect(url_for(".index"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "certifications/manage/award_by_hand.html",
        certification=certification,
        form=form,
        problems=problems,
    ), status


def _award_or_404(award_id: int) -> Award:
    award = db.session.scalar(
        select(Award).where(Award.id == award_id).options(joinedload(Award.user))
    )
    if award is None:
        abort(404)
    return award


@bp.route("/beheer/certificaten/<int:award_id>/intrekken", methods=["GET", "POST"])
@organiser_required
def revoke(award_id: int):
    """An award revoked with a reason; the verification page then says revoked."""
    award = _award_or_404(award_id)
    form, problems, refused, status = RevokeForm(), [], None, 200
    if award.state != AwardState.VALID:
        refused = _("This award is no longer valid.")
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                atomic(services.revoke, award.id, form.reason.data, actor=_me())
            except DomainError as error:
                if error.status == 409:
                    refused, status = str(error.message), 409
                else:
                    problems = show_errors(form, error)
                    status = error.status
            else:
                flash(_("The award has been revoked; its holder will be told."), "success")
                return redirect(url_for(".index"), code=303)
    award = _award_or_404(award_id)
    return render_template(
        "certifications/manage/revoke.html",
        award=award,
        form=form,
        problems=problems,
        refused=refused,
        now=utcnow(),
    ), status


# -- a session's results -----------------------------------------------------------------


def _session_or_403(session_id: int) -> Session:
    """404 for a session the reader may not see (as for a missing id), then 403 for one who
    is no organiser or trainer of it (attendance.services.attendance_session)."""
    attendance_session(session_id, _me())
    return db.session.scalar(
        select(Session)
        .where(Session.id == session_id)
        .options(selectinload(Session.meetings), joinedload(Session.course))
    )


def _parse(certification: Certification, places, problems: dict) -> dict[int, bool | int | None]:
    """The form's results of one certification: only the fields sent (an absent field
    changes nothing); "" clears one."""
    found: dict[int, bool | int | None] = {}
    for place in places:
        name = f"result-{certification.id}-{place.id}"
        if name not in request.form:
            continue
        value = request.form.get(name, "").strip()
        if certification.assessment == Assessment.PASS_FAIL:
            if value not in ("", "pass", "fail"):
                problems[name] = _("Choose passed or failed.")
                continue
            found[place.id] = None if value == "" else value == "pass"
        else:
            if value == "":
                found[place.id] = None
            elif value.isdigit() and len(value) <= 4:
                found[place.id] = int(value)
            else:
                problems[name] = _("A score is a whole number from 0 to 1000.")
    return found


@bp.route("/presentie/sessies/<int:session_id>/resultaten", methods=["GET", "POST"])
@login_required
def results(session_id: int):
    """The trainer's results per certification of the session's course that has an
    assessment, next to each confirmed participant's attendance and award."""
    session = _session_or_403(session_id)
    certifications = [
        c
        for c in services.certifications_of_course(session.course_id)
        if c.assessment != Assessment.NONE
    ]
    _meetings, rows = attendance_queries.roster(session.id)
    places = [row.enrolment for row in rows if row.enrolment.status == EnrolmentStatus.CONFIRMED]
    status, problems, field_errors = 200, [], {}
    if request.method == "POST" and certifications and places:
        parsed = {c.id: _parse(c, places, field_errors) for c in certifications}
        if field_errors:
            status = 422
        else:
            saved = 0
            try:
                for certification in certifications:
                    if parsed[certification.id]:
                        saved += atomic(
                            services.record_results,
                            session.id,
                            certification.id,
                            parsed[certification.id],
                            actor=_me(),
                        )
            except DomainError as error:
                problems, status = [str(error.message)], error.status
            else:
                flash(
                    _("The results have been saved.") if saved else _("Nothing changed."),
                    "success" if saved else "info",
                )
                return redirect(url_for(".results", session_id=session.id), code=303)
    return _results_page(session, certifications, places, problems, field_errors, status)


def _results_page(session, certifications, places, problems, field_errors, status):
    """A fixed number of statements: results and awards of every place at once."""
    ids = [p.id for p in places]
    cert_ids = [c.id for c in certifications]
    results, awards = {}, {}
    if ids and cert_ids:
        for r in db.session.scalars(
            select(AssessmentResult).where(
                AssessmentResult.enrolment_id.in_(ids),
                AssessmentResult.certification_id.in_(cert_ids),
            )
        ):
            results[(r.certification_id, r.enrolment_id)] = r
        # The award that counts: not withdrawn over withdrawn, then the latest.
        for a in db.session.scalars(
            select(Award)
            .where(Award.enrolment_id.in_(ids), Award.certification_id.in_(cert_ids))
            .order_by(Award.id)
        ):
            key = (a.certification_id, a.enrolment_id)
            held = awards.get(key)
            if (
                held is None
                or held.state == AwardState.WITHDRAWN
                or a.state != AwardState.WITHDRAWN
            ):
                awards[key] = a
    closure = attendance_queries.closure(session.id)
    return render_template(
        "certifications/manage/results.html",
        session=session,
        certifications=certifications,
        places=places,
        summaries=attendance_queries.summary(ids),
        results=results,
        awards=awards,
        closure=closure,
        read_only=closure is not None or status == 409,
        problems=problems,
        field_errors=field_errors,
        form_values=request.form if request.method == "POST" else {},
        may_revoke=_me().is_organiser,
        now=utcnow(),
    ), status
