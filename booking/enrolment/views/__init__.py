"""Participants' and team leaders' enrolment pages.

Thin on purpose: parse, call a service through `atomic` (one transaction, retried when a
concurrent one won a race), flash what happened, redirect (POST-redirect-GET). The course page,
"my overview" (/mijn) and "my team" (/mijn-team) are rendered by the catalogue and accounts
views with the context built in `pages`, so each list is read with a fixed number of statements.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from booking.accounts.models import Role, User
from booking.catalogue.queries import course_by_slug
from booking.core.auth import roles_required
from booking.core.db import atomic
from booking.core.errors import Conflict, PermissionDenied, ValidationError
from booking.core.forms import show_errors
from booking.core.labels import label
from booking.core.urls import safe_next
from booking.core.web import dutch
from booking.enrolment import services, team
from booking.enrolment.forms import (
    REASON_MAX,
    WHEN,
    CourseRequestForm,
    booking_form_for,
    request_form_for,
)
from booking.enrolment.models import EnrolmentStatus
from booking.enrolment.views.pages import (
    cancel_state,
    enrolment_label,
    enrolment_window,
    join_link_on_page,
    team_data,
    team_page,
)
from booking.scheduling.labels import SEAT_MODES

bp = Blueprint("enrolment", __name__)
S = EnrolmentStatus
for helper in (enrolment_label, cancel_state, enrolment_window, join_link_on_page):
    bp.add_app_template_global(helper)


def _me() -> User:
    return current_user._get_current_object()


def _back():
    return redirect(safe_next(request.form.get("next"), url_for("portal.dashboard")), code=303)


def _attempt(work, *args, **kwargs):
    """Run a service in one transaction; refusals people can act on become an error flash
    (the caller redirects back), forbidden and missing things the 403/404 page."""
    try:
        return atomic(work, *args, **kwargs)
    except (Conflict, ValidationError) as error:
        flash(str(error.message), "error")
    except PermissionDenied as error:
        if error.code != "deadline_passed":
            raise
        flash(str(error.message), "error")
    return None


def _when(value) -> str:
    return format_datetime(value, WHEN) if value else ""


# -- a person's own enrolments --------------------------------------------------------------------


@bp.post("/sessies/<int:session_id>/inschrijven")
@login_required
def enrol(session_id: int):
    person = _me()
    mode = request.form.get("mode") or None
    if mode is not None and mode not in SEAT_MODES:
        flash(_("Choose in person or online."), "error")
        return _back()
    outcome = _attempt(
        services.enrol,
        session_id,
        person,
        actor=person,
        mode=mode,
        accept_online=request.form.get("accept_online") == "1",
    )
    if outcome is not None:
        _say_enrolled(outcome)
    return _back()


def _with_course(message: str, course: str, **values) -> Markup:
    """A message naming a course: its Dutch title marked as Dutch on English pages (WCAG 3.1.2).
    The translated text is escaped, then filled in; Flask keeps Markup in the flash cookie."""
    return escape(message) % {"course": dutch(course), **values}


def _say_enrolled(outcome: services.EnrolOutcome) -> None:
    enrolment = outcome.enrolment
    course = enrolment.session.course.title
    mode = label(SEAT_MODES, enrolment.mode)
    if not outcome.created:
        flash(
            _with_course(
                _("You were already enrolled for '%(course)s'; nothing has changed."), course
            ),
            "info",
        )
    elif enrolment.status == S.CONFIRMED and enrolment.waiting_for:
        flash(
            _with_course(
                _(
                    "You have a place online in '%(course)s' and are number %(position)d on the "
                    "waitlist for a place in person."
                ),
                course,
                position=outcome.position or 0,
            ),
            "success",
        )
    elif enrolment.status == S.CONFIRMED:
        flash(
            _with_course(_("You are enrolled for '%(course)s' (%(mode)s)."), course, mode=mode),
            "success",
        )
    elif enrolment.status == S.PENDING_APPROVAL:
        flash(
            _with_course(
                _(
                    "Your enrolment for '%(course)s' waits for approval (by your team leader, or "
                    "the organisers). Your place is held until %(date)s."
                ),
                course,
                date=_when(enrolment.approval_expires_at),
            ),
            "success",
        )
    else:
        flash(
            _with_course(
                _("'%(course)s' is full %(mode)s: you are number %(position)d on the waitlist."),
                course,
                mode=mode,
                position=outcome.position or 0,
            ),
            "success",
        )


@bp.post("/inschrijvingen/<int:enrolment_id>/annuleren")
@login_required
def cancel(enrolment_id: int):
    actor = _me()
    # The status the page showed: a cancel meant for it is refused once it has changed.
    seen = request.form.get("status") or None
    outcome = _attempt(services.cancel, enrolment_id, actor=actor, expected_status=seen)
    if outcome is not None:
        before, enrolment = outcome.ended, outcome.enrolment
        course, person = enrolment.session.course.title, enrolment.user
        if before is None:
            message = _("This enrolment had already ended; nothing has changed.")
        elif person.id != actor.id:
            message = _(
                "The enrolment of %(name)s for '%(course)s' has been cancelled.",
                name=person.name,
                course=course,
            )
        elif before == S.WAITLISTED:
            message = _("You have left the waitlist for '%(course)s'.", course=course)
        elif before == S.PENDING_APPROVAL:
            message = _("Your request for '%(course)s' has been withdrawn.", course=course)
        else:
            message = _("Your place in '%(course)s' has been cancelled.", course=course)
        if before is not None and enrolment.late_cancel:
            message += " " + _("It is recorded as a late cancellation.")
        flash(message, "success" if before else "info")
    return _back()


@bp.post("/inschrijvingen/<int:enrolment_id>/niet-meer-wachten")
@login_required
def stop_waiting(enrolment_id: int):
    enrolment = _attempt(services.leave_queue_for_other_mode, enrolment_id, actor=_me())
    if enrolment is not None:
        flash(
            _(
                "You keep your place %(mode)s and are no longer waiting for the other form.",
                mode=label(SEAT_MODES, enrolment.mode),
            ),
            "success",
        )
    return _back()


@bp.post("/inschrijvingen/<int:enrolment_id>/aanbod")
@login_required
def answer_offer(enrolment_id: int):
    answer = request.form.get("answer")
    if answer not in ("accept", "decline"):
        flash(_("Accept or decline the offered place."), "error")
        return _back()
    outcome = _attempt(services.answer_offer, enrolment_id, actor=_me(), accept=answer == "accept")
    if outcome is not None:
        enrolment = outcome.enrolment
        course = enrolment.session.course.title
        if enrolment.status == S.CONFIRMED:
            flash(_("You have accepted the place in '%(course)s'.", course=course), "success")
        elif enrolment.status == S.DECLINED:
            flash(_("You have declined the place in '%(course)s'.", course=course), "success")
        else:
            flash(
                _(
                    "The offer for '%(course)s' had expired; the place has gone to the next "
                    "person on the waitlist.",
                    course=course,
                ),
                "error",
            )
    return _back()


# -- team leaders ---------------------------------------------------------------------------------


@bp.post("/inschrijvingen/<int:enrolment_id>/besluit")
@login_required
def decide(enrolment_id: int):
    decision = request.form.get("decision")
    reason = (request.form.get("reason") or "").strip()
    if decision not in ("approve", "decline"):
        flash(_("Approve or decline the request."), "error")
        return _back()
    if len(reason) > REASON_MAX:
        flash(_("Use at most %(num)d characters for the reason.", num=REASON_MAX), "error")
        return _back()
    outcome = _attempt(
        services.decide,
        enrolment_id,
        actor=_me(),
        approve=decision == "approve",
        reason=reason or None,
    )
    if outcome is not None:
        enrolment = outcome.enrolment
        names = {"name": enrolment.user.name, "course": enrolment.session.course.title}
        if enrolment.status == S.CONFIRMED:
            flash(_("You approved the enrolment of %(name)s for '%(course)s'.", **names), "success")
        elif enrolment.status == S.DECLINED:
            flash(_("You declined the enrolment of %(name)s for '%(course)s'.", **names), "success")
        else:
            flash(
                _(
                    "The request of %(name)s for '%(course)s' had expired; its place has been "
                    "released.",
                    **names,
                ),
                "error",
            )
    return _back()


def _book(session_id: int, member_ids: list[int], **kwargs) -> list[list]:
    """`team.book_team`, its result as plain values read before the commit expires them."""
    return [
        [
            line.user.id,
            str(line.outcome),
            line.position,
            str(line.enrolment.status) if line.enrolment else None,
        ]
        for line in team.book_team(session_id, member_ids, **kwargs)
    ]


@bp.get("/mijn-team")
@roles_required(Role.TEAM_LEADER)
def team_overview():
    """Approvals, team bookings, the team's enrolments and in-company requests."""
    return team_page(_me())


@bp.post("/mijn-team/boeken")
@roles_required(Role.TEAM_LEADER)
def book_team():
    leader = _me()
    if not leader.team_id:
        abort(404)
    data = team_data(leader)
    form = booking_form_for(data.bookable.values(), data.members)
    if not form.validate_on_submit():
        return team_page(leader, booking_form=form, status=422)
    chosen = data.bookable.get(form.session.data)
    mode = form.mode.data or None
    if chosen is not None and len(chosen.seat_modes) == 1:
        mode = None  # the session has one form: nothing to choose
    try:
        lines = atomic(
            _book,
            form.session.data,
            form.members.data,
            actor=leader,
            mode=mode,
            all_or_nothing=form.fill.data == "all",
        )
    except (Conflict, ValidationError) as error:
        problems = show_errors(form, error)
        return team_page(leader, booking_form=form, booking_problems=problems, status=error.status)
    cookie["team_booking"] = {"session_id": form.session.data, "lines": lines}
    booked = sum(1 for line in lines if line[1] in (S.CONFIRMED, S.WAITLISTED))
    flash(
        ngettext(
            "%(num)d team member has been booked; see the result per person below.",
            "%(num)d team members have been booked; see the result per person below.",
            booked,
        ),
        "success",
    )
    return redirect(url_for("enrolment.team_overview", _anchor="boeking-resultaat"), code=303)


@bp.post("/mijn-team/maatwerk")
@roles_required(Role.TEAM_LEADER)
def request_in_company():
    leader = _me()
    form = request_form_for()
    problems: list = []
    if form.validate_on_submit():
        try:
            atomic(
                team.request_in_company,
                actor=leader,
                topic=form.topic.data,
                group_size=form.group_size.data,
                preferred_dates=form.preferred_dates.data,
                course_id=form.course.data,
            )
        except ValidationError as error:
            problems = show_errors(form, error, {"course_id": "course"})
        else:
            flash(
                _("Your request for an in-company session has been sent to the organisers."),
                "success",
            )
            return redirect(url_for("enrolment.team_overview", _anchor="maatwerk"), code=303)
    return team_page(leader, request_form=form, request_problems=problems, status=422)


@bp.route("/cursussen/<slug>/aanvragen", methods=["GET", "POST"])
@roles_required(Role.TEAM_LEADER)
def request_course(slug: str):
    """A team leader asks for a course given only in company (the form is also on the course
    page); the organisers plan it as a closed session for the team, as any in-company request."""
    course = course_by_slug(slug)
    if course is None or not course.in_company_only:
        abort(404)
    leader = _me()
    form = CourseRequestForm()
    problems: list = []
    if form.validate_on_submit():
        try:
            atomic(
                team.request_in_company,
                actor=leader,
                topic="",
                group_size=form.group_size.data,
                preferred_dates=form.preferred_dates.data,
                note=form.note.data,
                course_id=course.id,
            )
        except ValidationError as error:
            problems = show_errors(form, error)
        else:
            flash(
                _(
                    "Your request for '%(title)s' has been sent to the organisers.",
                    title=course.title,
                ),
                "success",
            )
            return redirect(
                url_for("portal.course", slug=course.slug, _anchor="aanvraag"), code=303
            )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "enrolment/course_request.html", course=course, form=form, problems=problems
    ), status


from booking.enrolment.views import join_page, offer_page  # noqa: E402,F401 - registers its routes on bp
