"""Rules for the catalogue: adding and changing courses."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from booking.catalogue.models import Category, Course, CourseFormat, TargetGroup
from booking.core.errors import collect
from booking.core.models import audit
from booking.core.text import unique_slug
from booking.extensions import db

MAX_PRICE_CENTS = 10_000_000


@dataclass
class CourseData:
    title: str
    format: str
    category: str  # slug or name, as people and API clients say it
    summary: str = ""
    description: str = ""
    target_groups: list[str] = field(default_factory=list)  # slugs or names
    speaker: str | None = None
    price_cents: int | None = None
    requires_approval: bool = False
    certified: bool = False
    published: bool = True


def find_category(key: str) -> Category | None:
    key = (key or "").strip().lower()
    if not key:
        return None
    return db.session.scalar(
        select(Category).where(
            or_(
                Category.slug == key,
                func.lower(Category.name) == key,
                func.lower(Category.name_en) == key,
            )
        )
    )


def find_target_groups(keys: list[str]) -> tuple[list[TargetGroup], list[str]]:
    """The target groups named by slug or name, and the keys that matched none."""
    wanted = [k.strip().lower() for k in keys if k and k.strip()]
    if not wanted:
        return [], []
    rows = db.session.scalars(
        select(TargetGroup).where(
            or_(TargetGroup.slug.in_(wanted), func.lower(TargetGroup.name).in_(wanted))
        )
    ).all()
    known = {g.slug for g in rows} | {g.name.lower() for g in rows}
    return rows, [k for k in wanted if k not in known]


def _check(data: CourseData) -> tuple[Category | None, list[TargetGroup]]:
    errors: dict = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = _l("Enter a title.")
    elif len(title) > 200:
        errors["title"] = _l("Use at most 200 characters.")
    if len(data.summary or "") > 300:
        errors["summary"] = _l("Use at most 300 characters.")
    if data.format not in set(CourseFormat):
        errors["format"] = _l("Choose one of: %(choices)s.", choices=", ".join(CourseFormat))
    category = find_category(data.category)
    if category is None:
        errors["category"] = _l("Choose an existing category.")
    groups, unknown = find_target_groups(data.target_groups)
    if unknown:
        errors["target_groups"] = _l("Unknown target group: %(names)s.", names=", ".join(unknown))
    if data.price_cents is not None and data.price_cents < 0:
        errors["price_cents"] = _l("A price cannot be negative.")
    elif data.price_cents is not None and data.price_cents > MAX_PRICE_CENTS:
        errors["price_cents"] = _l("At most € 100,000.")
    if data.speaker and len(data.speaker) > 200:
        errors["speaker"] = _l("Use at most 200 characters.")
    collect(errors)
    return category, groups


def _apply(course: Course, data: CourseData, category: Category, groups: list[TargetGroup]):
    course.title = data.title.strip()
    course.summary = (data.summary or "").strip()
    course.description = (data.description or "").strip()
    course.format = data.format
    course.category = category
    course.target_groups = groups
    course.speaker = (data.speaker or "").strip() or None
    course.price_cents = data.price_cents
    course.requires_approval = bool(data.requires_approval)
    course.certified = bool(data.certified)
    course.published = bool(data.published)


def course_snapshot(course: Course) -> dict:
    return {
        "title": course.title,
        "format": course.format,
        "category": course.category.slug if course.category else None,
        "requires_approval": course.requires_approval,
        "published": course.published,
    }


def create_course(data: CourseData, actor=None) -> Course:
    category, groups = _check(data)
    course = Course(slug=unique_slug(Course, data.title))
    _apply(course, data, category, groups)
    db.session.add(course)
    db.session.flush()
    audit(actor, "course.created", course, after=course_snapshot(course))
    return course


def update_course(course: Course, data: CourseData, actor=None) -> Course:
    category, groups = _check(data)
    before = course_snapshot(course)
    _apply(course, data, category, groups)
    db.session.flush()
    audit(actor, "course.updated", course, before=before, after=course_snapshot(course))
    return course
