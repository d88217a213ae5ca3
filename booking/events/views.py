"""The registration form of an event's programme page (the page itself is the portal's, it
shows several features at once): register with one choice per slot, change, cancel."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from booking.core.db import atomic
from booking.core.errors import Conflict, ValidationError
from booking.events import queries, services
from booking.scheduling.models import SeatMode

bp = Blueprint("events", __name__)


def chosen_sessions(programme) -> list[int]:
    """One radio group per slot (`slot-<n>`), its value a session id or empty (no choice)."""
    chosen = []
    for number, slot in enumerate(programme.slots, start=1):
        value = request.form.get(f"slot-{number}", "")
        ids = {str(s.id): s.id for s in slot.sessions}
        if value in ids:
            chosen.append(ids[value])
    return chosen


def chosen_mode() -> str | None:
    value = request.form.get("mode")
    return value if value in tuple(SeatMode) else None


@bp.post("/evenementen/<slug>/aanmelding")
@login_required
def register(slug: str):
    event = queries.event_by_slug(slug)
    if event is None:
        abort(404)
    me = current_user._get_current_object()
    programme = queries.programme(event, me)
    choices, mode = chosen_sessions(programme), chosen_mode()
    existing = queries.active_registration(event.id, me.id)
    try:
        if existing is None:
            atomic(services.register, event.id, me, actor=me, choices=choices, mode=mode)
            flash(_("You are registered. Check the status of each choice below."), "success")
        else:
            atomic(services.change_choices, existing.id, actor=me, choices=choices, mode=mode)
            flash(_("Your choices have been changed."), "success")
    except (Conflict, ValidationError) as error:
        flash(str(error.message), "error")
    return redirect(url_for("portal.event", slug=slug) + "#aanmelding", code=303)


@bp.post("/evenementen/<slug>/aanmelding/annuleren")
@login_required
def cancel(slug: str):
    event = queries.event_by_slug(slug)
    me = current_user._get_current_object()
    existing = queries.active_registration(event.id, me.id) if event else None
    if existing is None:
        abort(404)
    atomic(services.cancel_registration, existing.id, actor=me)
    flash(_("Your registration has been cancelled."), "success")
    return redirect(url_for("portal.event", slug=slug), code=303)


from booking.events import manage_views  # noqa: E402,F401 - the organisers' routes on bp
