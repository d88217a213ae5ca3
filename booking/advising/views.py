"""Career conversation pages: the staff's `/loopbaangesprekken` (advisors with free slots,
book with one button, the reader's own bookings to cancel or move), the advisor's agenda
(publish one slot or a series, withdraw a slot, a private note per conversation), and the
organisers' list of advisors (`/beheer/adviseurs`). Each action calls one service through
`atomic`; a refusal is a message on the page."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from booking.advising import advisors as advisor_profiles
from booking.advising import notes, queries, services
from booking.advising.forms import AdvisorForm, NoteForm, ProfileForm, SeriesForm, SlotForm
from booking.advising.models import place_of
from booking.core.auth import organiser_required
from booking.core.db import atomic, utcnow
from booking.core.errors import DomainError
from booking.core.forms import distinct_ids, show_errors
from booking.core.timez import from_local
from booking.core.web import bounded_id
from booking.notifications.formatting import meeting_line

bp = Blueprint("advising", __name__)

AGENDA_HISTORY = timedelta(days=14)  # the agenda shows the conversations of the last two weeks


def _me():
    return current_user._get_current_object()


# -- staff ----------------------------------------------------------------------------------------


@bp.get("/loopbaangesprekken")
@login_required
def index():
    now = utcnow()
    me = _me()
    advisors = queries.advisors_with_free_slots(now)
    bookings = queries.open_bookings(me.id, now)
    booked_profiles = queries.profiles(b.slot.advisor_id for b in bookings)
    free_by_advisor: dict[int, list] = {}
    for entry in advisors:
        free_by_advisor[entry.advisor.id] = [s for _day, slots in entry.days for s in slots]
    mine = [
        {
            "booking": b,
            "place": place_of(b.slot, booked_profiles.get(b.slot.advisor_id), with_link=True),
            "changeable": now <= b.slot.starts_at - services.CHANGE_DEADLINE,
            "targets": free_by_advisor.get(b.slot.advisor_id, []),
        }
        for b in bookings
    ]
    booked_with = {b.slot.advisor_id for b in bookings}
    return render_template(
        "advising/index.html",
        advisors=advisors,
        mine=mine,
        booked_with=booked_with,
        advisor_me=advisor_profiles.is_advisor(me),
        meeting_line=meeting_line,
    )


def _back(anchor: str = ""):
    return redirect(url_for("advising.index") + anchor, code=303)


@bp.post("/loopbaangesprekken/tijden/<int:slot_id>/boeken")
@login_required
def book(slot_id: int):
    me = _me()
    try:
        outcome = atomic(services.book, slot_id, me, actor=me)
    except DomainError as error:
        flash(str(error.message), "error")
        return _back()
    if outcome.created:
        flash(_("Your career conversation is booked. The invitation is on its way."), "success")
    return _back("#mijn-gesprekken")


@bp.post("/loopbaangesprekken/boekingen/<int:booking_id>/annuleren")
@login_required
def cancel(booking_id: int):
    me = _me()
    try:
        atomic(services.cancel_booking, booking_id, actor=me)
    except DomainError as error:
        if error.status == 404 or error.status == 403:
            abort(404)
        flash(str(error.message), "error")
        return _back("#mijn-gesprekken")
    flash(_("Your career conversation has been cancelled."), "success")
    return _back("#mijn-gesprekken")


@bp.post("/loopbaangesprekken/boekingen/<int:booking_id>/verplaatsen")
@login_required
def move(booking_id: int):
    me = _me()
    slot_id = bounded_id(request.form.get("slot_id"))
    if not slot_id:
        flash(_("Choose another time."), "error")
        return _back("#mijn-gesprekken")
    try:
        atomic(services.move_booking, booking_id, slot_id, actor=me)
    except DomainError as error:
        if error.code == "booking_not_found" or error.status == 403:
            abort(404)
        flash(str(error.message), "error")
        return _back("#mijn-gesprekken")
    flash(
        _("Your career conversation has been moved. The updated invitation is on its way."),
        "success",
    )
    return _back("#mijn-gesprekken")


# -- the advisor's agenda -------------------------------------------------------------------------


def _advisor_only():
    me = _me()
    if not advisor_profiles.is_advisor(me):
        abort(403)
    return me


def _venue_choices(form) -> None:
    choices = [("", _("None (online)"))] + [(str(v.id), v.name) for v in queries.physical_venues()]
    form.venue_id.choices = choices


def _agenda_page(slot_form=None, series_form=None, profile_form=None, problems=(), status=200):
    me = _me()
    now = utcnow()
    profile = advisor_profiles.profile_of(me.id)
    slot_form = slot_form or SlotForm(formdata=None)
    series_form = series_form or SeriesForm(formdata=None)
    profile_form = profile_form or ProfileForm(formdata=None, obj=profile)
    for form in (slot_form, series_form):
        _venue_choices(form)
    distinct_ids(series_form, "series")
    distinct_ids(profile_form, "profile")
    return render_template(
        "advising/agenda.html",
        entries=queries.agenda(me.id, now - AGENDA_HISTORY),
        now=now,
        profile=profile,
        slot_form=slot_form,
        series_form=series_form,
        profile_form=profile_form,
        problems=problems,
        meeting_line=meeting_line,
    ), status


@bp.get("/loopbaangesprekken/agenda")
@login_required
def agenda():
    _advisor_only()
    return _agenda_page()


@bp.post("/loopbaangesprekken/agenda/tijden")
@login_required
def publish():
    me = _advisor_only()
    form = SlotForm()
    _venue_choices(form)
    if not form.validate():
        return _agenda_page(slot_form=form, status=422)
    starts_at = from_local(datetime.combine(form.date.data, form.start.data))
    try:
        atomic(
            services.publish_slot,
            me,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=form.minutes.data),
            mode=form.mode.data,
            venue_id=form.venue_id.data if form.mode.data == "in_person" else None,
            actor=me,
        )
    except DomainError as error:
        mapping = {"starts_at": "start", "ends_at": "minutes"}
        problems = show_errors(form, error, mapping)
        return _agenda_page(slot_form=form, problems=problems, status=422)
    flash(_("The slot is published."), "success")
    return redirect(url_for("advising.agenda"), code=303)


@bp.post("/loopbaangesprekken/agenda/reeks")
@login_required
def publish_series():
    me = _advisor_only()
    form = SeriesForm()
    _venue_choices(form)
    if not form.validate():
        return _agenda_page(series_form=form, status=422)
    data = services.SeriesData(
        weekday=int(form.weekday.data),
        from_time=form.from_time.data,
        to_time=form.to_time.data,
        minutes=form.minutes.data,
        weeks=form.weeks.data,
        mode=form.mode.data,
        venue_id=form.venue_id.data if form.mode.data == "in_person" else None,
        first_day=form.first_day.data,
    )
    try:
        outcome = atomic(services.publish_series, me, data, actor=me)
    except DomainError as error:
        problems = show_errors(form, error, {"starts_at": "from_time", "ends_at": "minutes"})
        return _agenda_page(series_form=form, problems=problems, status=422)
    flash(_("%(count)d slots published.", count=len(outcome.created)), "success")
    if outcome.skipped:
        skipped = ", ".join(meeting_line(start, end) for start, end in outcome.skipped)
        flash(
            _(
                "%(count)d not published because they overlap another slot or have passed: "
                "%(times)s",
                count=len(outcome.skipped),
                times=skipped,
            ),
            "info",
        )
    return redirect(url_for("advising.agenda"), code=303)


@bp.post("/loopbaangesprekken/agenda/tijden/<int:slot_id>/intrekken")
@login_required
def withdraw(slot_id: int):
    me = _advisor_only()
    try:
        atomic(services.cancel_slot, slot_id, actor=me)
    except DomainError as error:
        if error.status in (403, 404):
            abort(404)
        flash(str(error.message), "error")
        return redirect(url_for("advising.agenda"), code=303)
    flash(_("The slot is withdrawn; anyone who had booked it has been told."), "success")
    return redirect(url_for("advising.agenda"), code=303)


@bp.post("/loopbaangesprekken/agenda/profiel")
@login_required
def profile():
    me = _advisor_only()
    form = ProfileForm()
    if not form.validate():
        return _agenda_page(profile_form=form, status=422)
    data = advisor_profiles.ProfileData(
        form.meeting_url.data, form.bio.data or "", form.location.data or ""
    )
    try:
        atomic(advisor_profiles.set_advisor, me, data, actor=me)
    except DomainError as error:
        return _agenda_page(profile_form=form, problems=show_errors(form, error), status=422)
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("advising.agenda"), code=303)


@bp.route("/loopbaangesprekken/agenda/gesprekken/<int:booking_id>", methods=["GET", "POST"])
@login_required
def conversation(booking_id: int):
    """The advisor's private note on one conversation: 404 for anyone but that advisor,
    organisers and administrators included."""
    me = _me()
    try:
        note = notes.note_for(booking_id, me)
    except DomainError:
        abort(404)
    found = queries.booking(booking_id)
    form = NoteForm(obj=note)
    if request.method == "POST" and form.validate():
        try:
            atomic(notes.save_note, booking_id, form.text.data or "", actor=me)
        except DomainError as error:
            return render_template(
                "advising/conversation.html",
                booking=found,
                form=form,
                problems=show_errors(form, error),
                meeting_line=meeting_line,
            ), 422
        flash(_("Your note is saved."), "success")
        return redirect(url_for("advising.conversation", booking_id=booking_id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "advising/conversation.html",
        booking=found,
        form=form,
        problems=(),
        meeting_line=meeting_line,
    ), status


# -- organisers -----------------------------------------------------------------------------------


@bp.route("/beheer/adviseurs", methods=["GET", "POST"])
@organiser_required
def manage():
    me = _me()
    form = AdvisorForm()
    problems = []
    if request.method == "POST" and form.validate():
        data = advisor_profiles.ProfileData(
            form.meeting_url.data, form.bio.data or "", form.location.data or ""
        )
        try:
            atomic(advisor_profiles.set_advisor, form.email.data, data, actor=me)
        except DomainError as error:
            problems = show_errors(form, error)
        else:
            flash(_("%(email)s is a career advisor.", email=form.email.data.strip()), "success")
            return redirect(url_for("advising.manage"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "advising/manage.html", advisors=queries.advisors(), form=form, problems=problems
    ), status


@bp.post("/beheer/adviseurs/<int:user_id>/intrekken")
@organiser_required
def retire(user_id: int):
    me = _me()
    advisor = next((a for a, _p in queries.advisors() if a.id == user_id), None)
    if advisor is None:
        abort(404)
    try:
        atomic(advisor_profiles.retire_advisor, advisor, actor=me)
    except DomainError as error:
        flash(str(error.message), "error")
    return redirect(url_for("advising.manage"), code=303)
