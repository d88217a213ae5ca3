"""Courses: the catalogue, searchable by anyone; organisers add courses."""

from __future__ import annotations

from typing import Annotated

from flask import url_for
from pydantic import Field, StrictBool, model_validator

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import (
    Id,
    Input,
    Int32,
    LocalTime,
    Output,
    Page,
    PageQuery,
    PerMode,
    QueryText,
    Text,
)
from booking.api.speakers import SpeakerOut, speaker_out
from booking.catalogue.models import Course, CourseFormat
from booking.catalogue.services import CourseData, create_course, update_course
from booking.core.db import atomic
from booking.core.errors import NotFound
from booking.core.timez import iso_local
from booking.extensions import db
from booking.scheduling.listing import search_courses
from booking.scheduling.models import SeatMode
from booking.scheduling.queries import upcoming_for_course

# -- shapes -------------------------------------------------------------------------------------

Key = Annotated[Text, Field(max_length=200)]


class CourseIn(Input):
    title: Text
    description: Text
    category: Key = Field(description="Category slug (or name).")
    format: CourseFormat
    summary: Text = ""
    target_groups: list[Key] = Field(
        default_factory=list, max_length=50, description="Target group slugs (or names)."
    )
    funding_programmes: list[Key] = Field(
        default_factory=list, max_length=50, description="Funding programme slugs (or names)."
    )
    speaker: Text | None = Field(None, description="Free text; `speaker_ids` names speakers.")
    speaker_ids: list[Id] = Field(default_factory=list, max_length=20, description="In order.")
    price_cents: Int32 | None = Field(None, description="Price in euro cents; null when free.")
    requires_approval: StrictBool = False
    certified: StrictBool = False
    published: StrictBool = True
    in_company_only: StrictBool = Field(
        False,
        description="Given only as closed sessions for a team or organisation, on request.",
    )


class CoursePatch(Input):
    """Only the fields given change."""

    title: Text | None = None
    description: Text | None = None
    category: Key | None = None
    format: CourseFormat | None = None
    summary: Text | None = None
    target_groups: list[Key] | None = Field(None, max_length=50)
    funding_programmes: list[Key] | None = Field(None, max_length=50)
    speaker: Text | None = None
    speaker_ids: list[Id] | None = Field(None, max_length=20)
    price_cents: Int32 | None = None
    requires_approval: StrictBool | None = None
    certified: StrictBool | None = None
    published: StrictBool | None = None
    in_company_only: StrictBool | None = None

    @model_validator(mode="after")
    def _not_null(self):
        nullable = {"speaker", "price_cents"}
        for name in self.model_fields_set - nullable:
            if getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        return self


class CourseQuery(PageQuery):
    q: QueryText | None = Field(
        None, description="Free text in title, summary, description, speaker."
    )
    category: QueryText | None = Field(None, description="Category slug.")
    format: CourseFormat | None = None
    target_group: QueryText | None = Field(None, description="Target group slug.")


class LabelOut(Output):
    slug: str
    name: str
    name_en: str


class UpcomingSessionOut(Output):
    id: int
    mode: str
    starts_at: LocalTime
    ends_at: LocalTime
    free: PerMode


class CourseOut(Output):
    id: int
    slug: str
    title: str
    summary: str
    description: str
    format: str
    category: LabelOut
    target_groups: list[LabelOut]
    funding_programmes: list[LabelOut]
    speaker: str | None
    speakers: list[SpeakerOut]
    price_cents: int | None
    requires_approval: bool
    certified: bool
    published: bool
    in_company_only: bool = Field(description="Only on request, as a closed session.")


class CourseListItem(CourseOut):
    next_start: LocalTime | None = Field(description="First coming session the caller may see.")
    upcoming_sessions: int
    free_places: int


class CourseDetail(CourseOut):
    sessions: list[UpcomingSessionOut] = Field(
        description="Coming sessions the caller may see, soonest first."
    )


class CourseList(Page):
    items: list[CourseListItem]


# -- answers ------------------------------------------------------------------------------------


def _label(item) -> LabelOut:
    return LabelOut(slug=item.slug, name=item.name, name_en=item.name_en)


def _course_fields(course: Course) -> dict:
    return {
        "id": course.id,
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "description": course.description,
        "format": course.format,
        "category": _label(course.category),
        "target_groups": [_label(g) for g in course.target_groups],
        "funding_programmes": [_label(p) for p in course.funding_programmes],
        "speaker": course.speaker,
        "speakers": [speaker_out(s) for s in course.speakers],
        "price_cents": course.price_cents,
        "requires_approval": course.requires_approval,
        "certified": course.certified,
        "published": course.published,
        "in_company_only": course.in_company_only,
    }


def course_detail(course: Course, user) -> CourseDetail:
    sessions = [
        UpcomingSessionOut(
            id=s.id,
            mode=s.mode,
            starts_at=iso_local(s.starts_at),
            ends_at=iso_local(s.ends_at),
            free=PerMode(in_person=s.free(SeatMode.IN_PERSON), online=s.free(SeatMode.ONLINE)),
        )
        for s in upcoming_for_course(course.id, user)
    ]
    return CourseDetail(**_course_fields(course), sessions=sessions)


# -- endpoints ----------------------------------------------------------------------------------


@api(
    bp,
    "/courses",
    "GET",
    summary="Search the catalogue",
    tag="courses",
    query=CourseQuery,
    response=CourseList,
)
def list_courses(user, query: CourseQuery):
    """Published courses (organisers also see unpublished ones), those with a coming session
    first. `next_start`, `upcoming_sessions` and `free_places` count only sessions the caller
    may see. A page past the last one is empty."""
    result = search_courses(
        user,
        q=query.q,
        category=query.category,
        target_group=query.target_group,
        format=query.format,
        include_unpublished=bool(user and user.is_organiser),
        page=query.page,
        per_page=query.per_page,
    )
    # search_courses clamps a too-high page to the last one; the API answers it empty.
    beyond = query.page > result.pages
    items = (
        []
        if beyond
        else [
            CourseListItem(
                **_course_fields(row.course),
                next_start=iso_local(row.next_start),
                upcoming_sessions=row.upcoming,
                free_places=row.free_places,
            )
            for row in result.rows
        ]
    )
    return reply(
        CourseList(
            items=items,
            page=query.page,
            per_page=query.per_page,
            has_more=query.page < result.pages,
            total=result.total,
        )
    )


@api(
    bp,
    "/courses/<int:course_id>",
    "GET",
    summary="One course with its coming sessions",
    tag="courses",
    response=CourseDetail,
)
def get_course(user, course_id: int):
    """Unpublished courses are found only by organisers and administrators."""
    course = db.session.get(Course, course_id)
    if course is None or not (course.published or (user and user.is_organiser)):
        raise NotFound("No such course.")
    return reply(course_detail(course, user))


@api(
    bp,
    "/courses",
    "POST",
    summary="Add a course",
    tag="courses",
    body=CourseIn,
    response=CourseDetail,
    status=201,
    organiser=True,
)
def add_course(user, body: CourseIn):
    """Organisers and administrators add a course to the catalogue."""

    def work() -> int:
        return create_course(CourseData(**body.model_dump()), actor=user).id

    course = db.session.get(Course, atomic(work))
    return reply(
        course_detail(course, user), 201, location=url_for("api.get_course", course_id=course.id)
    )


def _current(course: Course) -> dict:
    return {
        "title": course.title,
        "description": course.description,
        "category": course.category.slug,
        "format": course.format,
        "summary": course.summary,
        "target_groups": [g.slug for g in course.target_groups],
        "funding_programmes": [p.slug for p in course.funding_programmes],
        "speaker": course.speaker,
        "speaker_ids": [s.id for s in course.speakers],
        "price_cents": course.price_cents,
        "requires_approval": course.requires_approval,
        "certified": course.certified,
        "published": course.published,
        "in_company_only": course.in_company_only,
    }


@api(
    bp,
    "/courses/<int:course_id>",
    "PATCH",
    summary="Change a course",
    tag="courses",
    body=CoursePatch,
    response=CourseDetail,
    organiser=True,
)
def change_course(user, course_id: int, body: CoursePatch):
    """Only the fields given change; the slug stays. The same checks as adding one."""

    def work() -> None:
        course = db.session.get(Course, course_id)
        if course is None:
            raise NotFound("No such course.")
        data = _current(course) | body.model_dump(exclude_unset=True)
        update_course(course, CourseData(**data), actor=user)

    atomic(work)
    return reply(course_detail(db.session.get(Course, course_id), user))
