"""Organisers' pages for venues and rooms."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.errors import DomainError
from booking.core.forms import show_errors
from booking.extensions import db
from booking.scheduling import queries
from booking.scheduling.forms import VenueForm
from booking.scheduling.models import Venue
from booking.scheduling.venues import RoomData, VenueData, create_venue, update_venue
from booking.scheduling.views import bp

EXTRA_ROOM_ROWS = 3


@bp.get("/beheer/locaties")
@organiser_required
def manage_venues():
    return render_template("scheduling/manage_venues.html", venues=queries.all_venues())


def _read(form: VenueForm) -> tuple[VenueData, dict]:
    rooms, mapping = [], {}
    for entry in form.rooms.entries:
        sub = entry.form
        if not (
            sub.name.data
            or sub.capacity.data
            or (sub.capacity.raw_data and sub.capacity.raw_data[0])
        ):
            continue
        suffix = entry.id.split("-")[-1]
        mapping[f"rooms.{len(rooms)}.name"] = f"rooms-{suffix}-name"
        mapping[f"rooms.{len(rooms)}.capacity"] = f"rooms-{suffix}-capacity"
        rooms.append(
            RoomData(
                name=sub.name.data or "",
                capacity=sub.capacity.data,
                id=int(sub.id.data) if (sub.id.data or "").isdigit() else None,
            )
        )
    data = VenueData(
        name=form.name.data or "",
        kind=form.kind.data,
        address=form.address.data,
        postcode=form.postcode.data,
        city=form.city.data,
        provider=form.provider.data,
        join_url=form.join_url.data,
        directions=form.directions.data or "",
        rooms=rooms,
    )
    return data, mapping


def _store(venue_id: int | None, data: VenueData) -> str:
    """One unit of work: add the venue, or change it (and tell the sessions held there)."""
    if venue_id is None:
        return create_venue(data, actor=current_user).name
    venue = db.session.get(Venue, venue_id)
    return update_venue(venue, data, actor=current_user).name


def _save(venue: Venue | None):
    form = VenueForm(obj=venue) if request.method == "GET" else VenueForm()
    if venue is not None:
        form.kind.data = venue.kind
    problems: list = []
    if request.method == "GET" and venue is not None:
        while form.rooms.entries:
            form.rooms.pop_entry()
        for room in venue.rooms:
            form.rooms.append_entry(
                {"id": str(room.id), "name": room.name, "capacity": room.capacity}
            )
    if request.method == "POST" and form.validate_on_submit():
        data, mapping = _read(form)
        try:
            name = atomic(_store, venue.id if venue is not None else None, data)
        except DomainError as error:
            problems = show_errors(form, error, mapping)
        else:
            flash(_("The venue '%(name)s' has been saved.", name=name), "success")
            return redirect(url_for("scheduling.manage_venues"))
    filled = sum(1 for e in form.rooms.entries if e.form.name.data)
    while len(form.rooms.entries) < filled + EXTRA_ROOM_ROWS:
        form.rooms.append_entry()
    status = 422 if request.method == "POST" else 200
    return render_template(
        "scheduling/venue_form.html", form=form, venue=venue, problems=problems
    ), status


@bp.route("/beheer/locaties/nieuw", methods=["GET", "POST"])
@organiser_required
def new_venue():
    return _save(None)


@bp.route("/beheer/locaties/<int:venue_id>", methods=["GET", "POST"])
@organiser_required
def edit_venue(venue_id: int):
    venue = db.session.get(Venue, venue_id)
    if venue is None:
        abort(404)
    return _save(venue)
