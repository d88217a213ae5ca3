"""The people page of a session and what organisers do to one person's place."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from booking.accounts.models import User
from booking.accounts.services import normalise_email, user_by_email
from booking.core.auth import organiser_required
from booking.core.db import atomic, utcnow
from booking.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from booking.core.labels import label
from booking.enrolment import services
from booking.enrolment.labels import status_in_sentence
from booking.enrolment.manage_forms import CancelPlaceForm
from booking.enrolment.manage_views import (
    MAX_REASON,
    S,
    add_form_for,
    bp,
    current_actor,
    enrolment_in,
    field_problems,
    flash_promoted,
    names_of,
    people_page,
    people_url,
    refused,
    session_or_404,
)
from booking.extensions import db
from booking.scheduling.labels import SEAT_MODES


@bp.get("/beheer/sessies/<int:session_id>/deelnemers")
@organiser_required
def people(session_id: int):
    return people_page(session_id)


def _enrol(session_id: int, person: User, actor: User, mode, reason):
    outcome = services.enrol(session_id, person, actor=actor, mode=mode, override_reason=reason)
    return person.name, outcome.enrolment.status, outcome.position, outcome.created


def _person_by_email(raw: str) -> User:
    email = normalise_email(raw)
    person = user_by_email(email)
    if person is None or not person.active:
        message = (
            _l("This account is not active.")
            if person is not None
            else _l("Nobody with this e-mail address has an account.")
        )
        raise ValidationError(message, code="person_not_found", fields={"email": message})
    return person


@bp.post("/beheer/sessies/<int:session_id>/deelnemers/toevoegen")
@organiser_required
def add_person(session_id: int):
    session = session_or_404(session_id)
    form = add_form_for(session)
    if not form.validate():
        return people_page(session_id, add_form=form, problems=field_problems(form), status=422)
    try:
        person = _person_by_email(form.email.data)
        name, status, position, created = atomic(
            _enrol, session_id, person, current_actor(), form.mode.data or None, form.reason
        )
    except DomainError as error:
        return refused(error, session_id, form, add_form=form)
    if not created:
        flash(
            _(
                "%(name)s was already enrolled (%(status)s); nothing changed.",
                name=name,
                status=status_in_sentence(status),
            ),
            "info",
        )
    elif status == S.WAITLISTED:
        flash(
            _(
                "The session is full: %(name)s is number %(n)d on the waitlist.",
                name=name,
                n=position or 0,
            ),
            "success",
        )
    else:
        flash(
            _(
                "%(name)s has been added (%(status)s).",
                name=name,
                status=status_in_sentence(status),
            ),
            "success",
        )
    return redirect(people_url(session_id))


# -- one person's place -------------------------------------------------------------------------


def _cancel(enrolment_id: int, actor: User, reason):
    outcome = services.cancel(enrolment_id, actor=actor, reason=reason)
    return outcome.enrolment.user.name, outcome.enrolment.late_cancel, names_of(outcome.promoted)


@bp.route(
    "/beheer/sessies/<int:session_id>/deelnemers/<int:enrolment_id>/annuleren",
    methods=["GET", "POST"],
)
@organiser_required
def cancel_place(session_id: int, enrolment_id: int):
    """A confirm step, then the place goes (late when after the deadline) and the next in
    line gets it."""
    session = session_or_404(session_id)
    enrolment = enrolment_in(session_id, enrolment_id)
    if not enrolment.is_active:
        flash(_("%(name)s has no place to cancel.", name=enrolment.user.name), "info")
        return redirect(people_url(session_id))
    form, problems, status = CancelPlaceForm(), [], 200
    if request.method == "POST":
        if form.validate():
            try:
                reason = form.reason.data
                name, late, promoted = atomic(_cancel, enrolment_id, current_actor(), reason)
            except DomainError as error:
                if isinstance(error, (NotFound, PermissionDenied)):
                    raise
                db.session.rollback()
                problems, status = [error.message], error.status
            else:
                message = (
                    _("%(name)s's place has been cancelled (late cancellation).", name=name)
                    if late
                    else _("%(name)s's place has been cancelled.", name=name)
                )
                flash(message, "success")
                flash_promoted(promoted)
                return redirect(people_url(session_id))
        problems, status = problems or field_problems(form), (422 if status == 200 else status)
        session, enrolment = session_or_404(session_id), enrolment_in(session_id, enrolment_id)
    deadline = session.cancellation_deadline or session.starts_at
    late = enrolment.status == S.CONFIRMED and utcnow() > deadline
    return render_template(
        "enrolment/manage/cancel_place.html",
        session=session,
        enrolment=enrolment,
        form=form,
        late=late,
        problems=problems,
        status_name=status_in_sentence,
    ), status


def _move(enrolment_id: int, actor: User, mode: str):
    outcome = services.move_mode(enrolment_id, actor=actor, mode=mode)
    return outcome.enrolment.user.name, outcome.enrolment.mode, names_of(outcome.promoted)


@bp.post("/beheer/sessies/<int:session_id>/deelnemers/<int:enrolment_id>/verplaatsen")
@organiser_required
def move(session_id: int, enrolment_id: int):
    if not enrolment_in(session_id, enrolment_id).is_active:
        flash(_("This enrolment has ended; there is nothing to move."), "info")
        return redirect(people_url(session_id))
    try:
        wanted = request.form.get("mode", "")
        name, mode, promoted = atomic(_move, enrolment_id, current_actor(), wanted)
    except DomainError as error:
        return refused(error, session_id)
    flash(
        _("%(name)s now has a place %(mode)s.", name=name, mode=label(SEAT_MODES, mode)), "success"
    )
    flash_promoted(promoted)
    return redirect(people_url(session_id))


def _decide(enrolment_id: int, actor: User, approve: bool, reason):
    outcome = services.decide(enrolment_id, actor=actor, approve=approve, reason=reason)
    return outcome.enrolment.user.name, outcome.enrolment.status, names_of(outcome.promoted)


@bp.post("/beheer/sessies/<int:session_id>/deelnemers/<int:enrolment_id>/besluit")
@organiser_required
def decide(session_id: int, enrolment_id: int):
    enrolment_in(session_id, enrolment_id)
    decision, reason = request.form.get("decision"), request.form.get("reason", "")
    try:
        if decision not in ("approve", "decline"):
            raise ValidationError(_l("Choose approve or decline."), code="decision_required")
        if len(reason) > MAX_REASON:
            raise ValidationError(_l("Use at most %(n)d characters.", n=MAX_REASON))
        name, status, promoted = atomic(
            _decide, enrolment_id, current_actor(), decision == "approve", reason
        )
    except DomainError as error:
        return refused(error, session_id)
    flash(_("%(name)s: %(status)s.", name=name, status=status_in_sentence(status)), "success")
    flash_promoted(promoted)
    return redirect(people_url(session_id))


def _stop_waiting(enrolment_id: int, actor: User):
    return services.leave_queue_for_other_mode(enrolment_id, actor=actor).user.name


@bp.post("/beheer/sessies/<int:session_id>/deelnemers/<int:enrolment_id>/wachtrij-verlaten")
@organiser_required
def stop_waiting(session_id: int, enrolment_id: int):
    """A confirmed participant keeps their place but stops waiting for the other mode."""
    enrolment_in(session_id, enrolment_id)
    try:
        name = atomic(_stop_waiting, enrolment_id, current_actor())
    except DomainError as error:
        return refused(error, session_id)
    flash(_("%(name)s keeps their place and left the waitlist.", name=name), "success")
    return redirect(people_url(session_id))
