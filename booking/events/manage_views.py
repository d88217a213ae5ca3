"""Organisers' pages for events: the list, a form to create or change an event (through
`create_event` and `update_event`, the API's services, so both refuse the same things), an
event's programme with the fill of each item, and its registrations. Routes on the events
blueprint; programme items themselves are sessions, made on scheduling's session form."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from booking.core.forms import show_errors
from booking.core.timez import from_local, local
from booking.enrolment.manage_forms import CancelSessionForm
from booking.enrolment.manage_views import field_problems
from booking.events import queries, services
from booking.events.forms import EventForm, RegisterPersonForm
from booking.events.services import EVENT_FIELDS, EventData, create_event, update_event
from booking.events.views import bp, chosen_mode, chosen_sessions
from booking.extensions import db
from booking.scheduling.models import Event

MOMENTS = ("starts_at", "ends_at", "registration_deadline")
YEARS = range(1900, 9001)


@bp.get("/beheer/evenementen")
@organiser_required
def manage_events():
    return render_template("events/manage_events.html", rows=queries.events_for_organisers())


def _read(form: EventForm) -> EventData:
    """The form as service input: Amsterdam wall-clock times become UTC; a year no calendar
    here holds is a field error, not a database error."""
    moments, problems = {}, {}
    for name in MOMENTS:
        value: datetime | None = getattr(form, name).data
        if value is not None and value.year not in YEARS:
            problems[name] = _("Give a date between 1900 and 9000.")
            value = None
        moments[name] = from_local(value) if value else None
    if problems:
        raise ValidationError(next(iter(problems.values())), fields=problems)
    return EventData(
        title=form.title.data or "",
        kind=form.kind.data,
        description=form.description.data or "",
        capacity=form.capacity.data,
        **moments,
    )


def _store(event_id: int | None, data: EventData) -> int:
    """One unit of work: create the event, or change every field of it."""
    if event_id is None:
        return create_event(data, current_user).id
    changes = {name: getattr(data, name) for name in EVENT_FIELDS}
    return update_event(event_id, changes, current_user).id


def _save(event: Event | None):
    form = EventForm(obj=event) if request.method == "GET" else EventForm()
    problems: list = []
    if request.method == "GET" and event is not None:
        for name in MOMENTS:
            value = getattr(event, name)
            getattr(form, name).data = local(value).replace(tzinfo=None) if value else None
    if request.method == "POST" and form.validate_on_submit():
        try:
            saved_id = atomic(_store, event.id if event else None, _read(form))
        except DomainError as error:
            problems = show_errors(form, error)
        else:
            flash(_("The event has been saved."), "success")
            return redirect(url_for("events.manage_event", event_id=saved_id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "events/event_form.html", form=form, event=event, problems=problems
    ), status


@bp.route("/beheer/evenementen/nieuw", methods=["GET", "POST"])
@organiser_required
def new_event():
    return _save(None)


@bp.route("/beheer/evenementen/<int:event_id>/bewerken", methods=["GET", "POST"])
@organiser_required
def edit_event(event_id: int):
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return _save(event)


@bp.get("/beheer/evenementen/<int:event_id>")
@organiser_required
def manage_event(event_id: int):
    """The programme as organisers see it: every item with its places taken per mode and
    its waitlist, and the way to add an item (the session form with this event chosen)."""
    programme = queries.managed_programme(event_id)
    if programme is None:
        abort(404)
    return render_template("events/manage_event.html", programme=programme, event=programme.event)


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


@bp.route("/beheer/evenementen/<int:event_id>/annuleren", methods=["GET", "POST"])
@organiser_required
def cancel_event(event_id: int):
    """A confirm step with the reason everyone is told; then every item and registration
    is cancelled (`booking.events.services.cancel_event`)."""
    event = _event_or_404(event_id)
    if event.is_cancelled:
        flash(_("This event has already been cancelled."), "info")
        return redirect(url_for("events.manage_event", event_id=event_id), code=303)
    form, problems = CancelSessionForm(), []
    if request.method == "POST":
        if form.validate():
            atomic(
                services.cancel_event,
                event_id,
                actor=current_user._get_current_object(),
                reason=form.reason.data.strip(),
            )
            flash(_("The event has been cancelled; everyone registered will be told."), "success")
            return redirect(url_for("events.manage_event", event_id=event_id), code=303)
        problems = field_problems(form)
    status = 422 if problems else 200
    return render_template(
        "events/cancel_event.html", event=event, form=form, problems=problems
    ), status


@bp.route("/beheer/evenementen/<int:event_id>/aanmeldingen", methods=["GET", "POST"])
@organiser_required
def event_registrations(event_id: int):
    """Every registration with its choices, and a form to register someone by e-mail with
    one choice per slot (the rules are the same as for their own registration)."""
    event = _event_or_404(event_id)
    me = current_user._get_current_object()
    programme = queries.programme(event, me)
    form, problems = RegisterPersonForm(), []
    if request.method == "POST" and form.validate_on_submit():
        try:
            outcome = atomic(
                services.register,
                event_id,
                form.email.data,
                actor=me,
                choices=chosen_sessions(programme),
                mode=chosen_mode(),
            )
        except (NotFound, PermissionDenied) as error:
            if not isinstance(error, NotFound) or error.code == "event_not_found":
                raise
            problems = show_errors(form, error)
        except DomainError as error:
            problems = show_errors(form, error)
        else:
            if outcome.created:
                flash(_("%(name)s is registered.", name=outcome.registration.user.name), "success")
            else:
                flash(
                    _(
                        "%(name)s was registered already; nothing changed.",
                        name=outcome.registration.user.name,
                    ),
                    "info",
                )
            return redirect(url_for("events.event_registrations", event_id=event_id), code=303)
    elif request.method == "POST":
        problems = field_problems(form)
    event = _event_or_404(event_id)
    return render_template(
        "events/registrations.html",
        event=event,
        found=queries.registrations_of(event),
        programme=queries.programme(event, me),
        form=form,
        problems=problems,
    ), (422 if problems else 200)
