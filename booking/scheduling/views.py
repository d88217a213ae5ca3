"""Organisers' pages for sessions; venue pages are in venue_views.py on the same blueprint."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from booking.accounts.models import Organisation, Team
from booking.catalogue.queries import all_courses
from booking.catalogue.queries import speakers as speaker_list
from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.errors import DomainError, ValidationError
from booking.core.forms import options, show_errors
from booking.core.timez import from_local, local
from booking.core.web import arg_id
from booking.extensions import db
from booking.scheduling import queries, signals
from booking.scheduling.forms import SessionForm
from booking.scheduling.labels import TEMPLATE_GLOBALS
from booking.scheduling.listing import search_courses
from booking.scheduling.models import Event, Room, Session, VenueKind
from booking.scheduling.services import (
    MeetingData,
    SessionData,
    data_from_session,
    schedule_session,
    update_session,
)
from booking.scheduling.signals import Plan

bp = Blueprint("scheduling", __name__)
for _name, _helper in TEMPLATE_GLOBALS.items():  # names of this feature's codes, in every page
    bp.add_app_template_global(_helper, _name)
EXTRA_MEETING_ROWS = 2


@bp.get("/beheer/cursussen")
@organiser_required
def manage_courses():
    """Every course, published or not, with its next session and how many are planned."""
    result = search_courses(
        current_user, include_unpublished=True, per_page=500, q=request.args.get("q")
    )
    return render_template("scheduling/manage_courses.html", result=result)


@bp.get("/beheer/sessies")
@organiser_required
def manage_sessions():
    past = request.args.get("verleden") == "1"
    return render_template(
        "scheduling/manage_sessions.html",
        sessions=queries.organiser_sessions(upcoming=not past),
        past=past,
    )


def _choices(form: SessionForm) -> None:
    blank = options([("", "–")])
    form.course.choices = options([("", _("Choose…"))]) + options(
        ((c.id, c.title) for c in all_courses()), lang="nl"
    )
    rooms = blank[:]
    for room, venue in queries.room_choices():
        if venue.active:
            places = ngettext("%(num)d place", "%(num)d places", room.capacity)
            label = f"{room.name} ({places})"
            rooms += options([(room.id, label)], optgroup=venue.name)
    form.room.choices = rooms
    form.online_venue.choices = blank + options(
        (venue.id, f"{venue.name} ({venue.provider})")
        for venue in queries.all_venues(kind=VenueKind.ONLINE, active_only=True)
    )
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    form.organisation.choices = blank + options((o.id, o.name) for o in organisations)
    teams = db.session.execute(
        select(Team, Organisation).join(Organisation).order_by(Organisation.name, Team.name)
    ).tuples()
    form.team.choices = blank + options((t.id, f"{o.name} – {t.name}") for t, o in teams)
    events = db.session.scalars(
        select(Event).where(Event.cancelled_at.is_(None)).order_by(Event.title)
    )
    form.event.choices = blank + options(((e.id, e.title) for e in events), lang="nl")
    form.speakers.choices = options((s.id, s.described) for s in speaker_list())


def _fill(form: SessionForm, data: SessionData) -> None:
    """Put a session's data in the form (times shown in Amsterdam time)."""
    form.course.data = data.course_id
    form.mode.data = data.mode
    form.in_person_capacity.data = data.capacity.get("in_person")
    form.online_capacity.data = data.capacity.get("online")
    form.room.data = data.room_id
    form.online_venue.data = data.online_venue_id
    for key in ("enrolment_opens_at", "enrolment_closes_at", "cancellation_deadline"):
        value = getattr(data, key)
        getattr(form, key).data = local(value).replace(tzinfo=None) if value else None
    form.min_participants.data = data.min_participants
    form.visibility.data = data.visibility
    form.organisation.data = data.organisation_id
    form.team.data = data.team_id
    form.promotion.data = data.promotion
    form.event.data = data.event_id
    form.speakers.data = list(data.speaker_ids)
    form.notes.data = data.notes
    while len(form.meetings.entries):
        form.meetings.pop_entry()
    for meeting in data.meetings:
        start, end = local(meeting.starts_at), local(meeting.ends_at)
        form.meetings.append_entry({"date": start.date(), "start": start.time(), "end": end.time()})


def _pad_meetings(form: SessionForm) -> None:
    filled = sum(1 for entry in form.meetings.entries if entry.form.date.data)
    while len(form.meetings.entries) < max(filled, 1) + EXTRA_MEETING_ROWS:
        form.meetings.append_entry()


YEARS = range(1900, 9001)


def _aware(value: datetime | None, key: str, problems: dict) -> datetime | None:
    """Amsterdam wall-clock time to UTC; a year no calendar here can hold is a field error."""
    if not value:
        return None
    if value.year not in YEARS:
        problems[key] = _("Give a date between 1900 and 9000.")
        return None
    return from_local(value)


def _read(form: SessionForm) -> tuple[SessionData, dict]:
    """The form as service input, plus a map from service error keys to form fields."""
    mapping = {
        "capacity.in_person": "in_person_capacity",
        "capacity.online": "online_capacity",
        "venue_id": "room",
        "room_id": "room",
        "online_venue_id": "online_venue",
        "organisation_id": "organisation",
        "team_id": "team",
        "event_id": "event",
        "speaker_ids": "speakers",
        "course_id": "course",
        "meetings": "",
    }
    meetings = []
    incomplete = {}
    for entry in form.meetings.entries:
        sub = entry.form
        if not (sub.date.data or sub.start.data or sub.end.data):
            continue
        index = len(meetings)
        if not (sub.date.data and sub.start.data and sub.end.data):
            incomplete[f"meetings.{index}"] = _("Give the date, the start and the end.")
            mapping[f"meetings.{index}"] = f"meetings-{entry.id.split('-')[-1]}-date"
            continue
        suffix = entry.id.split("-")[-1]
        if sub.date.data.year not in YEARS:
            incomplete[f"meetings.{index}"] = _("Give a date between 1900 and 9000.")
            mapping[f"meetings.{index}"] = f"meetings-{suffix}-date"
            continue
        start = from_local(datetime.combine(sub.date.data, sub.start.data))
        end = from_local(datetime.combine(sub.date.data, sub.end.data))
        mapping[f"meetings.{index}"] = f"meetings-{suffix}-date"
        mapping[f"meetings.{index}.ends_at"] = f"meetings-{suffix}-end"
        mapping[f"meetings.{index}.starts_at"] = f"meetings-{suffix}-start"
        meetings.append(MeetingData(start, end))
    capacity = {}
    if form.in_person_capacity.data is not None:
        capacity["in_person"] = form.in_person_capacity.data
    if form.online_capacity.data is not None:
        capacity["online"] = form.online_capacity.data
    room_id = form.room.data
    venue_id = None
    if room_id:
        room = db.session.get(Room, room_id)
        venue_id = room.venue_id if room else None
    data = SessionData(
        course_id=form.course.data,
        mode=form.mode.data,
        capacity=capacity,
        meetings=meetings,
        venue_id=venue_id,
        room_id=room_id,
        online_venue_id=form.online_venue.data,
        enrolment_opens_at=_aware(form.enrolment_opens_at.data, "enrolment_opens_at", incomplete),
        enrolment_closes_at=_aware(
            form.enrolment_closes_at.data, "enrolment_closes_at", incomplete
        ),
        cancellation_deadline=_aware(
            form.cancellation_deadline.data, "cancellation_deadline", incomplete
        ),
        min_participants=form.min_participants.data or 0,
        visibility=form.visibility.data,
        organisation_id=form.organisation.data,
        team_id=form.team.data,
        promotion=form.promotion.data,
        event_id=form.event.data,
        notes=form.notes.data or "",
        speaker_ids=list(form.speakers.data or []),
    )
    data.extra["incomplete"] = incomplete
    return data, mapping


def _plan() -> Plan | None:
    """What `?request=<id>` asks this new session to plan (an in-company request; the
    feature that owns it answers through `signals.plan_lookup`), or None."""
    if "request" not in request.args:
        return None
    request_id = arg_id("request")
    found = signals.find_plan(request_id) if request_id else None
    if found is None:
        abort(404)
    return found


def _prefill(form: SessionForm, plan: Plan) -> list:
    """A closed session for the requesting team, of the course asked for (if any)."""
    if plan.problem:
        return [plan.problem]
    form.course.data = plan.course_id or form.course.data
    form.visibility.data = "team"
    form.team.data = plan.team_id
    flash(plan.notice, "info")
    return []


def _store(session_id: int | None, data: SessionData, request_id: int | None):
    """One transaction (retried by `atomic` when it loses a race): schedule or change the
    session, and link the in-company request it plans, both or neither."""
    if session_id is None:
        session = schedule_session(data, actor=current_user)
        if request_id is not None:
            signals.session_planned.send(request_id, session=session, actor=current_user)
    else:
        changes = {k: v for k, v in vars(data).items() if k != "extra"}
        session = update_session(session_id, changes, actor=current_user)
    return session.id, session.course.slug


def _save(session: Session | None):
    form = SessionForm()
    _choices(form)
    problems: list = []
    plan = _plan() if session is None else None
    if request.method == "GET":
        if session is not None:
            _fill(form, data_from_session(session))
        else:
            form.course.data = arg_id("course")
            form.event.data = arg_id("event")  # "add a programme item" on an event's page
            if plan is not None:
                problems = _prefill(form, plan)
    elif form.validate_on_submit():
        data, mapping = _read(form)
        try:
            if data.extra["incomplete"]:
                raise ValidationError(
                    next(iter(data.extra["incomplete"].values())), fields=data.extra["incomplete"]
                )
            saved_id, slug = atomic(
                _store, session.id if session else None, data, plan.request_id if plan else None
            )
        except DomainError as error:
            problems = show_errors(form, error, mapping)
        else:
            flash(_("The session has been saved."), "success")
            return redirect(url_for("portal.course", slug=slug) + f"#sessie-{saved_id}")
    _pad_meetings(form)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "scheduling/session_form.html", form=form, session=session, problems=problems
    ), status


@bp.route("/beheer/sessies/nieuw", methods=["GET", "POST"])
@organiser_required
def new_session():
    return _save(None)


@bp.route("/beheer/sessies/<int:session_id>", methods=["GET", "POST"])
@organiser_required
def edit_session(session_id: int):
    session = db.session.get(Session, session_id)
    if session is None:
        abort(404)
    return _save(session)


from booking.scheduling import recording_views, venue_views  # noqa: E402,F401 - routes on bp
