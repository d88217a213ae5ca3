"""The organisers' pages to add and change courses. Participants browse the catalogue in
booking.portal; the organisers' list of courses with their planned sessions is scheduling's."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from booking.catalogue import queries
from booking.catalogue.forms import CourseForm
from booking.catalogue.labels import TEMPLATE_GLOBALS
from booking.catalogue.models import Course
from booking.catalogue.services import CourseData, create_course, update_course
from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.errors import DomainError
from booking.core.forms import show_errors
from booking.extensions import db

bp = Blueprint("catalogue", __name__)
for _name, _helper in TEMPLATE_GLOBALS.items():  # names of this feature's codes, in every page
    bp.add_app_template_global(_helper, _name)


# -- organisers ---------------------------------------------------------------------------------


def _course_form(course: Course | None = None) -> CourseForm:
    locale = str(get_locale())
    form = CourseForm(
        categories=queries.categories(keep=[course.category] if course else ()),
        target_groups=queries.target_groups(keep=course.target_groups if course else ()),
        funding_programmes=queries.funding_programmes(
            keep=course.funding_programmes if course else ()
        ),
        speakers=queries.speakers(),
        locale=locale,
        obj=course,
    )
    if course is not None and request.method == "GET":
        form.category.data = course.category.slug
        form.target_groups.data = [g.slug for g in course.target_groups]
        form.funding_programmes.data = [p.slug for p in course.funding_programmes]
        form.speakers.data = [s.id for s in course.speakers]
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
        funding_programmes=list(form.funding_programmes.data or []),
        speaker_ids=list(form.speakers.data or []),
        speaker=form.speaker.data,
        price_cents=int((price * 100).to_integral_value()) if price is not None else None,
        requires_approval=form.requires_approval.data,
        certified=form.certified.data,
        published=form.published.data,
        in_company_only=form.in_company_only.data,
    )


def _store(course_id: int | None, data: CourseData) -> tuple[str, str]:
    """One unit of work: add the course, or change it."""
    if course_id is None:
        course = create_course(data, actor=current_user)
    else:
        course = update_course(db.session.get(Course, course_id), data, actor=current_user)
    return course.title, course.slug


def _save_course(course: Course | None):
    form = _course_form(course)
    problems: list = []
    if form.validate_on_submit():
        try:
            title, slug = atomic(_store, course.id if course else None, _course_data(form))
        except DomainError as error:
            problems = show_errors(form, error, {"price_cents": "price"})
        else:
            flash(_("The course '%(title)s' has been saved.", title=title), "success")
            return redirect(url_for("portal.course", slug=slug))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "catalogue/course_form.html", form=form, course=course, problems=problems
    ), status


@bp.route("/beheer/cursussen/nieuw", methods=["GET", "POST"])
@organiser_required
def new_course():
    return _save_course(None)


@bp.route("/beheer/cursussen/<int:course_id>", methods=["GET", "POST"])
@organiser_required
def edit_course(course_id: int):
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    return _save_course(course)


from booking.catalogue import list_views, speaker_views  # noqa: E402,F401 - registers routes
