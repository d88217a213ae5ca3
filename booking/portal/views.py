"""Browse the catalogue, a course page with its sessions, events, and "my overview"."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required

from booking.accounts import queries as people
from booking.accounts.models import Role
from booking.attendance import queries as attendance_queries
from booking.catalogue import queries as catalogue
from booking.catalogue.models import CourseFormat
from booking.core.db import utcnow
from booking.enrolment import queries as enrolment_queries
from booking.enrolment.forms import CourseRequestForm
from booking.enrolment.views.pages import course_context, dashboard_context
from booking.evaluations import services as evaluation_services
from booking.events import queries as event_queries
from booking.scheduling import queries as sessions
from booking.scheduling.listing import search_courses

bp = Blueprint("portal", __name__)


@bp.get("/")
def index():
    """Browse and search: free text, category, target group and format."""
    args = request.args
    fmt = args.get("format") if args.get("format") in set(CourseFormat) else None
    result = search_courses(
        current_user,
        q=(args.get("q") or "")[:100],
        category=args.get("category") or None,
        target_group=args.get("target_group") or None,
        format=fmt,
        page=args.get("page", 1, type=int),
        per_page=12,
    )
    return render_template(
        "portal/index.html",
        result=result,
        categories=catalogue.categories(),
        target_groups=catalogue.target_groups(),
        filters={k: args.get(k, "") for k in ("q", "category", "target_group", "format")},
        locale=str(get_locale()),
    )


@bp.get("/cursussen/<slug>")
def course(slug: str):
    include_hidden = current_user.is_authenticated and current_user.is_organiser
    course = catalogue.course_by_slug(slug, include_unpublished=include_hidden)
    if course is None:
        abort(404)
    upcoming = sessions.upcoming_for_course(course.id, current_user)
    request_form, requests = None, []
    leads_team = current_user.is_authenticated and current_user.role == Role.TEAM_LEADER
    if course.in_company_only and leads_team and current_user.team_id:
        request_form = CourseRequestForm()
        requests = enrolment_queries.in_company_requests(
            team_id=current_user.team_id, course_id=course.id
        )
    return render_template(
        "portal/course.html",
        course=course,
        sessions=upcoming,
        locale=str(get_locale()),
        request_form=request_form,
        requests=requests,
        **course_context(current_user, upcoming),  # the person's own status per session
    )


@bp.get("/evenementen")
def events():
    return render_template("portal/events.html", events=sessions.upcoming_events())


@bp.get("/evenementen/<slug>")
def event(slug: str):
    """The timetable (slots as rows, parallel items side by side), free places per item, and
    for a logged-in reader the registration form with their choices and their status."""
    event = event_queries.event_by_slug(slug)
    if event is None:
        abort(404)
    programme = event_queries.programme(event, current_user)
    registration = positions = None
    if current_user.is_authenticated:
        registration = event_queries.active_registration(event.id, current_user.id)
        positions = event_queries.queue_positions(registration) if registration else {}
    chosen = {c.session_id: c.enrolment for c in registration.choices} if registration else {}
    return render_template(
        "portal/event.html",
        event=event,
        programme=programme,
        registration=registration,
        chosen=chosen,
        positions=positions or {},
        now=utcnow(),
    )


@bp.get("/mijn")
@login_required
def dashboard():
    """The start page after log-in; its panels depend on the person's role."""
    user = current_user._get_current_object()
    now = utcnow()
    upcoming = sessions.list_sessions(user, starts_from=now, limit=8)
    context = {
        "upcoming": upcoming,
        **dashboard_context(user),
        "no_shows": attendance_queries.no_shows([user.id]).get(user.id, 0),
        # Organisers reach every session from the menu; a named trainer from here.
        "training": [] if user.is_organiser else attendance_queries.sessions_to_take(user, now),
        "to_evaluate": evaluation_services.open_for(user.id, now),
    }
    if user.role == Role.TEAM_LEADER and user.team_id:
        context["members"] = people.team_members(user.team_id)
    if user.role in (Role.HR,) and user.organisation_id:
        context["overview"] = people.organisation_overview(user.organisation_id)
    return render_template("portal/dashboard.html", **context)
