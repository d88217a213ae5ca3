"""Rules for the catalogue: adding and changing courses. The lists a course is filed under
(categories, target groups, funding programmes) are `taxonomy`'s."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from booking.catalogue.models import Category, Course, CourseFormat, FundingProgramme, TargetGroup
from booking.catalogue.speakers import check_speaker_ids, set_course_speakers
from booking.catalogue.taxonomy import find_item, find_items
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
    funding_programmes: list[str] = field(default_factory=list)  # slugs or names
    speaker_ids: list[int] | None = None  # in order; None: as they are
    speaker: str | None = None
    price_cents: int | None = None
    requires_approval: bool = False
    certified: bool = False
    published: bool = True
    in_company_only: bool = False


def find_category(key: str) -> Category | None:
    return find_item(Category, key)


def find_target_groups(keys: list[str]) -> tuple[list[TargetGroup], list[str]]:
    """The target groups named by slug or name, and the keys that matched none."""
    return find_items(TargetGroup, keys)


def _retired_unless_kept(items, kept) -> list[str]:
    """Names of retired items a course does not already have: those cannot be picked."""
    return [i.name for i in items if i.retired and i not in kept]


@dataclass
class Filing:
    category: Category
    target_groups: list[TargetGroup]
    funding_programmes: list[FundingProgramme]
    speaker_ids: list[int] | None


def _check(data: CourseData, course: Course | None) -> Filing:
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
    elif category.retired and (course is None or course.category_id != category.id):
        errors["category"] = _l("This category is retired; choose another one.")
    groups, unknown = find_target_groups(data.target_groups)
    if unknown:
        errors["target_groups"] = _l("Unknown target group: %(names)s.", names=", ".join(unknown))
    elif retired := _retired_unless_kept(groups, course.target_groups if course else []):
        errors["target_groups"] = _l("Retired target group: %(names)s.", names=", ".join(retired))
    programmes, unknown = find_items(FundingProgramme, data.funding_programmes)
    if unknown:
        errors["funding_programmes"] = _l(
            "Unknown funding programme: %(names)s.", names=", ".join(unknown)
        )
    elif retired := _retired_unless_kept(programmes, course.funding_programmes if course else []):
        errors["funding_programmes"] = _l(
            "Retired funding programme: %(names)s.", names=", ".join(retired)
        )
    if data.price_cents is not None and data.price_cents < 0:
        errors["price_cents"] = _l("A price cannot be negative.")
    elif data.price_cents is not None and data.price_cents > MAX_PRICE_CENTS:
        errors["price_cents"] = _l("At most € 100,000.")
    if data.speaker and len(data.speaker) > 200:
        errors["speaker"] = _l("Use at most 200 characters.")
    speaker_ids = None
    if data.speaker_ids is not None:
        speaker_ids = check_speaker_ids(data.speaker_ids, errors)
    collect(errors)
    return Filing(category, groups, programmes, speaker_ids)


def _apply(course: Course, data: CourseData, filing: Filing):
    course.title = data.title.strip()
    course.summary = (data.summary or "").strip()
    course.description = (data.description or "").strip()
    course.format = data.format
    course.category = filing.category
    course.target_groups = filing.target_groups
    course.funding_programmes = filing.funding_programmes
    course.speaker = (data.speaker or "").strip() or None
    course.price_cents = data.price_cents
    course.requires_approval = bool(data.requires_approval)
    course.certified = bool(data.certified)
    course.published = bool(data.published)
    course.in_company_only = bool(data.in_company_only)


def _set_speakers(course: Course, speaker_ids: list[int]) -> None:
    set_course_speakers(course.id, speaker_ids)
    db.session.expire(course, ["speakers"])


def course_snapshot(course: Course) -> dict:
    return {
        "title": course.title,
        "format": course.format,
        "category": course.category.slug if course.category else None,
        "requires_approval": course.requires_approval,
        "published": course.published,
        "in_company_only": course.in_company_only,
        "speaker_ids": [s.id for s in course.speakers],
    }


def create_course(data: CourseData, actor=None) -> Course:
    filing = _check(data, None)
    course = Course(slug=unique_slug(Course, data.title))
    _apply(course, data, filing)
    db.session.add(course)
    db.session.flush()
    _set_speakers(course, filing.speaker_ids or [])
    audit(actor, "course.created", course, after=course_snapshot(course))
    return course


def update_course(course: Course, data: CourseData, actor=None) -> Course:
    filing = _check(data, course)
    before = course_snapshot(course)
    _apply(course, data, filing)
    db.session.flush()
    if filing.speaker_ids is not None:
        _set_speakers(course, filing.speaker_ids)
    audit(actor, "course.updated", course, before=before, after=course_snapshot(course))
    return course
