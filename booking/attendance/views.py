"""Taking attendance in the pages: the sessions the reader takes attendance of
(`/presentie`), a session's overview with its trainers and closing, and the phone-friendly
list of one meeting ("everyone present", then the exceptions). Organisers and the trainers
named for a session; anyone else gets a 404 for a session (it may be closed to another
organisation) and a 403 for the list. Every write through `atomic`, then a redirect; the
app-wide CSRF protection checks every form, the hand-written list's too."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from booking.attendance import queries, services
from booking.attendance.forms import CloseForm, TrainerForm
from booking.attendance.models import AttendanceStatus
from booking.attendance.services import Entry
from booking.core.db import atomic, utcnow
from booking.core.errors import DomainError
from booking.core.forms import distinct_ids, show_errors
from booking.extensions import db
from booking.scheduling.models import Meeting, Session

bp = Blueprint("attendance", __name__)
STATUSES = tuple(AttendanceStatus)


def _me():
    return current_user._get_current_object()


@bp.app_template_global()
def no_show_counts(user_ids) -> dict[int, int]:
    """For the pages of the features below attendance (the team page, the organisation
    page): one statement for the whole list."""
    return queries.no_shows(user_ids)


@bp.app_template_global()
def organisation_no_shows(organisation_id: int) -> list:
    """For HR's organisation page: (person, count), one statement."""
    return queries.no_shows_of_organisation(organisation_id)


def _session_or_404(session_id: int) -> Session:
    """The session for someone who takes its attendance; a 404 for anyone else, so a
    session closed to another organisation is not revealed."""
    session = db.session.scalar(
        select(Session)
        .where(Session.id == session_id)
        .options(selectinload(Session.meetings), joinedload(Session.course))
    )
    if session is None or not services.may_take_attendance(_me(), session.id):
        abort(404)
    return session


@bp.get("/presentie")
@login_required
def index():
    user = _me()
    now = utcnow()
    sessions = queries.sessions_to_take(user, now)
    if not sessions and not user.is_organiser:
        abort(403)
    return render_template("attendance/index.html", sessions=sessions, now=now)


def _session_page(session: Session, *, trainer_form=None, close_form=None, status=200):
    meetings, rows = queries.roster(session.id)
    summaries = queries.summary([row.enrolment.id for row in rows])
    return render_template(
        "attendance/session.html",
        session=session,
        meetings=meetings,
        rows=rows,
        summaries=summaries,
        trainers=queries.trainers(session.id),
        closure=queries.closure(session.id),
        trainer_form=trainer_form or TrainerForm(formdata=None),
        close_form=distinct_ids(close_form or CloseForm(formdata=None), "close"),
        may_manage=_me().is_organiser,
        now=utcnow(),
    ), status


@bp.get("/presentie/sessies/<int:session_id>")
@login_required
def session_overview(session_id: int):
    return _session_page(_session_or_404(session_id))


@bp.post("/presentie/sessies/<int:session_id>/trainers")
@login_required
def add_trainer(session_id: int):
    session = _session_or_404(session_id)
    if not current_user.is_organiser:
        abort(403)
    form = TrainerForm()
    if form.validate_on_submit():
        try:
            trainer, new = atomic(services.name_trainer, session.id, form.email.data, actor=_me())
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(
                _("%(name)s takes attendance of this session.", name=trainer.user.name)
                if new
                else _("%(name)s was a trainer already; nothing changed.", name=trainer.user.name),
                "success" if new else "info",
            )
            return redirect(url_for(".session_overview", session_id=session.id), code=303)
    return _session_page(session, trainer_form=form, status=422)


@bp.post("/presentie/sessies/<int:session_id>/trainers/<int:user_id>/verwijderen")
@login_required
def remove_trainer(session_id: int, user_id: int):
    session = _session_or_404(session_id)
    if not current_user.is_organiser:
        abort(403)
    if atomic(services.remove_trainer, session.id, user_id, actor=_me()):
        flash(_("The trainer has been removed; what they recorded stays."), "success")
    return redirect(url_for(".session_overview", session_id=session.id), code=303)


@bp.post("/presentie/sessies/<int:session_id>/sluiten")
@login_required
def close_session(session_id: int):
    session = _session_or_404(session_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            _closure, new = atomic(services.close, session.id, actor=_me())
        except DomainError as error:
            flash(str(error.message), "error")
            return _session_page(session, close_form=form, status=error.status)
        flash(
            _("The attendance of this session has been closed.")
            if new
            else _("The attendance of this session was closed already."),
            "success" if new else "info",
        )
        return redirect(url_for(".session_overview", session_id=session.id), code=303)
    return _session_page(session, close_form=form, status=422)


def _meeting_or_404(session: Session, meeting_id: int) -> Meeting:
    meeting = next((m for m in session.meetings if m.id == meeting_id), None)
    if meeting is None:
        abort(404)
    return meeting


def _entries(rows, meeting: Meeting, everyone: bool) -> list[Entry]:
    """ "Everyone present" fills in those without a record (exceptions already recorded
    stay); otherwise the list as sent, unchanged rows included (they change nothing)."""
    if everyone:
        return [
            Entry(row.enrolment.id, AttendanceStatus.ATTENDED)
            for row in rows
            if meeting.id not in row.records
        ]
    entries = []
    for row in rows:
        value = request.form.get(f"status-{row.enrolment.id}", "")
        if value in STATUSES:
            entries.append(Entry(row.enrolment.id, value))
    return entries


@bp.route(
    "/presentie/sessies/<int:session_id>/bijeenkomsten/<int:meeting_id>", methods=["GET", "POST"]
)
@login_required
def meeting_list(session_id: int, meeting_id: int):
    session = _session_or_404(session_id)
    meeting = _meeting_or_404(session, meeting_id)
    status, problems = 200, []
    if request.method == "POST":
        _meetings, rows = queries.roster(session.id)
        entries = _entries(rows, meeting, everyone="everyone" in request.form)
        try:
            atomic(services.record, session.id, meeting.id, entries, actor=_me())
        except DomainError as error:
            problems, status = [str(error.message)], error.status
        else:
            flash(
                ngettext("%(num)d person recorded.", "%(num)d people recorded.", len(entries)),
                "success",
            )
            return redirect(request.url, code=303)
    meetings, rows = queries.roster(session.id)
    recordable = None
    try:
        services.check_recordable(session, meeting, utcnow())
    except DomainError as error:
        recordable = str(error.message)
    return render_template(
        "attendance/meeting.html",
        session=session,
        meeting=meeting,
        meetings=meetings,
        number=meetings.index(meeting) + 1,
        rows=rows,
        refused=recordable,
        problems=problems,
        statuses=STATUSES,
    ), status
