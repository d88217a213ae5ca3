"""Organisers' pages for a session's people: roster, moves, reservations, cancellation; and
the list of in-company requests.

Every write goes through `booking.core.db.atomic` (one transaction, retried when a concurrent
one won a race) and ends in a redirect (POST-redirect-GET). A refused action shows the
service's message on the page with its status (422, 409) and changes nothing; unknown ids
give 404, other roles 403. This module holds the blueprint and what the pages share; the
routes are in `roster`, `sessions` and `in_company`.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.accounts.models import User
from booking.accounts.queries import organisations
from booking.core.db import utcnow
from booking.core.errors import DomainError, NotFound, PermissionDenied
from booking.core.forms import options, show_errors
from booking.core.labels import label
from booking.enrolment import queries
from booking.enrolment.labels import status_in_sentence
from booking.enrolment.manage_forms import AddPersonForm, ReserveForm
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.scheduling import queries as scheduling_queries
from booking.scheduling.labels import SEAT_MODES
from booking.scheduling.models import Session, SessionStatus, Visibility

bp = Blueprint("enrolment_manage", __name__)
S = EnrolmentStatus
MAX_REASON = 500
# Service error keys -> form fields.
FIELD_MAP = {"organisation_id": "organisation", "participant": "email"}


def current_actor() -> User:
    return current_user._get_current_object()


def session_or_404(session_id: int) -> Session:
    session = scheduling_queries.session_detail(session_id, current_actor())
    if session is None:
        abort(404)
    return session


def people_url(session_id: int, anchor: str = "") -> str:
    return url_for("enrolment_manage.people", session_id=session_id) + anchor


def _mode_choices(session: Session):
    return options((m.value, label(SEAT_MODES, m).capitalize()) for m in session.seat_modes)


def add_form_for(session: Session, **kwargs) -> AddPersonForm:
    form = AddPersonForm(prefix="add", **kwargs)
    form.mode.choices = _mode_choices(session)
    return form


def reserve_form_for(session: Session, with_organisations: bool, **kwargs) -> ReserveForm:
    form = ReserveForm(prefix="reserve", **kwargs)
    form.mode.choices = _mode_choices(session)
    listed = organisations() if with_organisations else []
    form.organisation.choices = options([("", _("Choose…")), *((o.id, o.name) for o in listed)])
    return form


def _may_reserve(session: Session) -> bool:
    return (
        session.status == SessionStatus.SCHEDULED
        and session.visibility == Visibility.OPEN
        and session.starts_at > utcnow()
    )


def _bookers(people: queries.Roster) -> dict[int, User]:
    """Who booked each place for someone else, in one query (the roster loads the people,
    not their bookers, and a lazy load per row would grow with the list)."""
    everyone = [
        *people.confirmed,
        *people.pending,
        *people.offered,
        *people.ended,
        *(item.enrolment for items in people.waitlist.values() for item in items),
    ]
    ids = {e.booked_by_id for e in everyone if e.booked_by_id and e.booked_by_id != e.user_id}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def field_problems(*forms) -> list[str]:
    return [str(message) for form in forms if form for field in form for message in field.errors]


def people_page(
    session_id: int, *, add_form=None, reserve_form=None, problems=(), status: int = 200
):
    """The people page; also what a refused action shows, with its forms as they were sent."""
    session = session_or_404(session_id)
    show_ended = request.args.get("beeindigd") == "1"
    people = queries.roster(session.id, include_ended=show_ended)
    may_reserve = _may_reserve(session)
    add_form = add_form or add_form_for(session, formdata=None)
    if reserve_form is None:
        reserve_form = reserve_form_for(session, may_reserve, formdata=None)
    confirmed = {
        mode: [e for e in people.confirmed if e.mode == mode] for mode in session.seat_modes
    }
    return render_template(
        "enrolment/manage/people.html",
        session=session,
        people=people,
        confirmed=confirmed,
        bookers=_bookers(people),
        show_ended=show_ended,
        add_form=add_form,
        reserve_form=reserve_form,
        may_reserve=may_reserve,
        problems=list(problems),
        open=session.status == SessionStatus.SCHEDULED and session.starts_at > utcnow(),
        status_name=status_in_sentence,
    ), status


def refused(error: DomainError, session_id: int, form=None, **forms):
    """Show a service's refusal on the people page; unknown ids and foreign roles keep the
    app-wide 404 and 403 pages."""
    if isinstance(error, (NotFound, PermissionDenied)):
        raise error
    db.session.rollback()
    problems = [error.message]
    if form is not None:  # messages next to their fields, and all of them above the page
        loose = show_errors(form, error, FIELD_MAP)
        problems = [*field_problems(form), *loose]
    return people_page(session_id, problems=problems, status=error.status, **forms)


def enrolment_in(session_id: int, enrolment_id: int) -> Enrolment:
    enrolment = db.session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id, Enrolment.session_id == session_id)
        .options(selectinload(Enrolment.user))
    )
    if enrolment is None:
        abort(404)
    return enrolment


def names_of(enrolments) -> str:
    return ", ".join(e.user.name for e in enrolments)


def flash_promoted(names: str) -> None:
    if names:
        flash(_("From the waitlist: %(names)s.", names=names), "success")


from booking.enrolment.manage_views import in_company, roster, sessions  # noqa: E402,F401
