"""The public catalogue and the organisers' course pages."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from booking.accounts.models import Role
from booking.catalogue import queries
from booking.catalogue.forms import CourseForm
from booking.catalogue.models import Course, CourseFormat
from booking.catalogue.services import CourseData, create_course, update_course
from booking.core.auth import roles_required
from booking.core.errors import DomainError
from booking.core.forms import show_errors
from booking.enrolment.views.pages import course_context
from booking.extensions import db
from booking.scheduling import queries as sessions

bp = Blueprint("catalogue", __name__)

ORGANISERS = (Role.ORGANISER, Role.ADMIN)


@bp.get("/")
def index():
    """Browse and search: free text, category, target group and format."""
    args = request.args
    fmt = args.get("format") if args.get("format") in set(CourseFormat) else None
    result = queries.search_courses(
        current_user,
        q=(args.get("q") or "")[:100],
        category=args.get("category") or None,
        target_group=args.get("target_group") or None,
        format=fmt,
        page=args.get("page", 1, type=int),
        per_page=12,
    )
    return render_template(
        "catalogue/index.html",
        result=result,
        categories=queries.categories(),
        target_groups=queries.target_groups(),
        filters={k: args.get(k, "") for k in ("q", "category", "target_group", "format")},
        locale=str(get_locale()),
    )


@bp.get("/cursussen/<slug>")
def course(slug: str):
    include_hidden = current_user.is_authenticated and current_user.is_organiser
    course = queries.course_by_slug(slug, include_unpublished=include_hidden)
    if course is None:
        abort(404)
    upcoming = sessions.upcoming_for_course(course.id, current_user)
    return render_template(
        "catalogue/course.html",
        course=course,
        sessions=upcoming,
        locale=str(get_locale()),
        **course_context(current_user, upcoming),  # the person's own status per session
    )


@bp.get("/evenementen")
def events():
    return render_template("catalogue/events.html", events=sessions.upcoming_events())


@bp.get("/evenementen/<slug>")
def event(slug: str):
    event, programme = sessions.event_programme(slug, current_user)
    if event is None:
        abort(404)
    slots: dict = {}
    for session in programme:
        slots.setdefault((session.starts_at, session.ends_at), []).append(session)
    return render_template("catalogue/event.html", event=event, slots=slots)


# -- organisers ---------------------------------------------------------------------------------


@bp.get("/beheer/cursussen")
@roles_required(*ORGANISERS)
def manage_courses():
    result = queries.search_courses(
        current_user, include_unpublished=True, per_page=500, q=request.args.get("q")
    )
    return render_template("catalogue/manage_courses.html", result=result)


def _course_form(course: Course | None = None) -> CourseForm:
    locale = str(get_locale())
    form = CourseForm(
        categories=queries.categories(),
        target_groups=queries.target_groups(),
        locale=locale,
        obj=course,
    )
    if course is not None and request.method == "GET":
        form.category.data = course.category.slug
        form.target_groups.data = [g.slug for g in course.target_groups]
        form.price.data = (Decimal(course.price_cents) / 100) if course.price_cents else None
    return form


def _course_data(form: CourseForm) -> CourseData:
    price = form.price.data
    return CourseData(
        title=form.title.data or "",
        format=form.format.data,
        category=form.category.data or "",
        summary=form.summary.data or "",
        description=form.description.data or "",
        target_groups=list(form.target_groups.data or []),
        speaker=form.speaker.data,
        price_cents=int((price * 100).to_integral_value()) if price is not None else None,
        requires_approval=form.requires_approval.data,
        certified=form.certified.data,
        published=form.published.data,
    )


def _save_course(course: Course | None):
    form = _course_form(course)
    problems: list = []
    if form.validate_on_submit():
        try:
            if course is None:
                course = create_course(_course_data(form), actor=current_user)
            else:
                update_course(course, _course_data(form), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            problems = show_errors(form, error, {"price_cents": "price"})
        else:
            db.session.commit()
            flash(_("The course '%(title)s' has been saved.", title=course.title), "success")
            return redirect(url_for("catalogue.course", slug=course.slug))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "catalogue/course_form.html", form=form, course=course, problems=problems
    ), status


@bp.route("/beheer/cursussen/nieuw", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def new_course():
    return _save_course(None)


@bp.route("/beheer/cursussen/<int:course_id>", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_course(course_id: int):
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    return _save_course(course)
