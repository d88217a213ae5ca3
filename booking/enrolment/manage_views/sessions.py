"""Organisers act on a whole session: reserve and release seats, cancel it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from booking.accounts.models import User
from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.errors import DomainError, NotFound, PermissionDenied
from booking.core.timez import from_local
from booking.enrolment import organiser
from booking.enrolment.manage_forms import CancelSessionForm
from booking.enrolment.manage_views import (
    bp,
    current_actor,
    field_problems,
    flash_promoted,
    names_of,
    people_page,
    people_url,
    refused,
    reserve_form_for,
    session_or_404,
)
from booking.enrolment.models import ACTIVE, Enrolment
from booking.extensions import db
from booking.scheduling.models import SeatReservation


def _reserve(session_id: int, actor: User, **kwargs) -> None:
    organiser.reserve_seats(session_id, actor=actor, **kwargs)


@bp.post("/beheer/sessies/<int:session_id>/reserveringen")
@organiser_required
def reserve(session_id: int):
    session = session_or_404(session_id)
    form = reserve_form_for(session, True)
    until = None
    if form.validate() and form.until.data is not None:
        try:
            until = from_local(form.until.data)
        except (OverflowError, ValueError):
            form.until.errors = [_("Give a moment in the future.")]
    if field_problems(form):
        return people_page(session_id, reserve_form=form, problems=field_problems(form), status=422)
    try:
        atomic(
            _reserve,
            session_id,
            current_actor(),
            organisation_id=form.organisation.data,
            mode=form.mode.data or None,
            seats=form.seats.data,
            until=until,
        )
    except DomainError as error:
        return refused(error, session_id, form, reserve_form=form)
    flash(_("The seats have been reserved."), "success")
    return redirect(people_url(session_id, "#reserveringen"))


def _release(reservation_id: int, actor: User) -> str:
    return names_of(organiser.release_reservation(reservation_id, actor=actor))


@bp.post("/beheer/sessies/<int:session_id>/reserveringen/<int:reservation_id>/vrijgeven")
@organiser_required
def release(session_id: int, reservation_id: int):
    owner = db.session.scalar(
        select(SeatReservation.session_id).where(SeatReservation.id == reservation_id)
    )
    if owner != session_id:
        abort(404)
    try:
        promoted = atomic(_release, reservation_id, current_actor())
    except DomainError as error:
        return refused(error, session_id)
    flash(_("The reserved seats are free for everyone again."), "success")
    flash_promoted(promoted)
    return redirect(people_url(session_id, "#reserveringen"))


# -- the whole session --------------------------------------------------------------------------


@bp.route("/beheer/sessies/<int:session_id>/annuleren", methods=["GET", "POST"])
@organiser_required
def cancel_session(session_id: int):
    """A confirm step with the reason everyone is told; then every place is cancelled."""
    session = session_or_404(session_id)
    if session.is_cancelled:
        flash(_("This session has already been cancelled."), "info")
        return redirect(people_url(session_id))
    form, problems = CancelSessionForm(), []
    if request.method == "POST":
        if form.validate():
            try:
                told = atomic(
                    organiser.cancel_session,
                    session_id,
                    actor=current_actor(),
                    reason=form.reason.data.strip(),
                )
            except DomainError as error:
                if isinstance(error, (NotFound, PermissionDenied)):
                    raise
                db.session.rollback()
                problems = [error.message]
            else:
                flash(
                    _("The session has been cancelled; %(n)d people will be told.", n=told),
                    "success",
                )
                return redirect(people_url(session_id))
        problems = problems or field_problems(form)
        session = session_or_404(session_id)
    active = db.session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.session_id == session_id, Enrolment.status.in_(ACTIVE)
        )
    )
    return render_template(
        "enrolment/manage/cancel_session.html",
        session=session,
        form=form,
        active=active,
        problems=problems,
    ), (422 if problems else 200)
