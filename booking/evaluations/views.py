"""The pages of evaluations: the participant's form (/evaluaties/<enrolment_id>, logged in
as the person of the place) and the organisers' results (/beheer/evaluaties)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from booking.core.auth import organiser_required
from booking.core.db import atomic, utcnow
from booking.core.errors import Conflict, NotFound, ValidationError
from booking.evaluations import queries, services
from booking.evaluations.models import COMMENT_MAX, QUESTIONS
from booking.extensions import db
from booking.scheduling.models import Session

bp = Blueprint("evaluations", __name__)


def _page(enrolment, *, errors=None, values=None, status=200):
    state = "open"
    if services.answered(enrolment.id):
        state = "answered"
    elif not services.may_evaluate(enrolment):
        state = "closed"
    page = render_template(
        "evaluations/answer.html",
        enrolment=enrolment,
        state=state,
        questions=QUESTIONS,
        errors=errors or {},
        values=values or {},
        comment_max=COMMENT_MAX,
    )
    return page, status


@bp.get("/evaluaties/<int:enrolment_id>")
@login_required
def answer(enrolment_id: int):
    try:
        enrolment = services.own_enrolment(current_user, enrolment_id)
    except NotFound:
        abort(404)
    return _page(enrolment)


@bp.post("/evaluaties/<int:enrolment_id>")
@login_required
def submit(enrolment_id: int):
    try:
        enrolment = services.own_enrolment(current_user, enrolment_id)
    except NotFound:
        abort(404)
    form = request.form
    given = services.Answer(
        content=form.get("content"),
        trainer=form.get("trainer"),
        organisation=form.get("organisation"),
        comment=form.get("comment", "")[: COMMENT_MAX * 2],
    )
    try:
        atomic(services.submit, current_user, enrolment_id, given)
    except ValidationError as error:
        return _page(enrolment, errors=error.fields, values=form, status=422)
    except Conflict as error:
        flash(str(error.message), "error")
        return redirect(url_for("evaluations.answer", enrolment_id=enrolment_id))
    flash(_("Thank you for your evaluation."), "success")
    return redirect(url_for("portal.dashboard"))


@bp.get("/beheer/evaluaties")
@organiser_required
def results():
    sessions = queries.per_session()
    return render_template(
        "evaluations/results.html",
        sessions=sessions,
        courses=queries.per_course(),
        trainers=queries.per_trainer(),
        questions=QUESTIONS,
        minimum=services.min_answers(),
    )


@bp.get("/beheer/evaluaties/sessies/<int:session_id>")
@organiser_required
def session_results(session_id: int):
    session = db.session.get(Session, session_id)
    if session is None:
        abort(404)
    found = queries.per_session([session_id])
    result = found[0] if found else queries.Result(session_id, session.course.title, 0)
    queries.comments_of_sessions([result])
    return render_template(
        "evaluations/session.html",
        session=session,
        result=result,
        questions=QUESTIONS,
        minimum=services.min_answers(),
        now=utcnow(),
    )
