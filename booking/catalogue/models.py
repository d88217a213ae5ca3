"""What can be followed: courses with their category, target groups, funding programmes and
format. Categories, target groups and funding programmes are the centre's own lists: ordered,
named in Dutch and English, and retired rather than deleted once a course uses them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.accounts.models import EducationLevel
from booking.core.models import TimestampMixin, choice_check
from booking.extensions import db


class CourseFormat(StrEnum):
    WORKSHOP = "workshop"
    TRAINING = "training"
    WEBINAR = "webinar"
    FESTIVAL_SESSION = "festival_session"


class ListedName:
    """What categories, target groups and funding programmes share: a slug, a name in both
    languages, a place in the order, and retirement (kept for the courses that use them, no
    longer offered for new ones)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    name_en: Mapped[str] = mapped_column(String(120), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def label(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name


class Category(ListedName, db.Model):
    __tablename__ = "categories"


class TargetGroup(ListedName, db.Model):
    """A group a course is meant for; the education levels mbo, hbo and wo are groups too
    (present after `db upgrade`), linked to the level people have in their profile."""

    __tablename__ = "target_groups"
    __table_args__ = (
        CheckConstraint(
            "education_level IS NULL OR education_level IN ("
            + ", ".join(f"'{level.value}'" for level in EducationLevel)
            + ")",
            name="education_level_valid",
        ),
    )

    education_level: Mapped[str | None] = mapped_column(String(3), unique=True)


class FundingProgramme(ListedName, db.Model):
    """A subsidy or programme that pays for courses, with the number of people it means to
    reach in its period (reported against in the reports issue)."""

    __tablename__ = "funding_programmes"
    __table_args__ = (
        CheckConstraint(
            "target_participants IS NULL OR target_participants > 0",
            name="target_participants_positive",
        ),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on", name="period_ordered"
        ),
    )

    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    description_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    target_participants: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    def describe(self, locale: str) -> str:
        return (self.description_en or self.description) if locale == "en" else self.description


course_target_groups = Table(
    "course_target_groups",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("target_group_id", ForeignKey("target_groups.id", ondelete="CASCADE"), primary_key=True),
)

course_funding_programmes = Table(
    "course_funding_programmes",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "funding_programme_id",
        ForeignKey("funding_programmes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Speaker(TimestampMixin, db.Model):
    """A guest speaker or trainer, named on the courses and sessions they give."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    role: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    organisation: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    bio: Mapped[str] = mapped_column(Text, nullable=False, default="")
    photo_url: Mapped[str | None] = mapped_column(String(500))

    @property
    def described(self) -> str:
        """ "Sanne de Wit, antropoloog (Universiteit Leiden)"."""
        text = ", ".join(part for part in (self.name, self.role) if part)
        return f"{text} ({self.organisation})" if self.organisation else text


# The speakers of a course in their order (the first is named first).
course_speakers = Table(
    "course_speakers",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="RESTRICT"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Course(TimestampMixin, db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        choice_check("format", CourseFormat),
        CheckConstraint("price_cents IS NULL OR price_cents >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    format: Mapped[str] = mapped_column(String(20), nullable=False)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    speaker: Mapped[str | None] = mapped_column(String(200))
    price_cents: Mapped[int | None] = mapped_column(Integer)
    requires_approval: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    certified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Given only as a closed session for one team or organisation: listed "on request", with a
    # request form on its page instead of open sessions (scheduling refuses public ones).
    in_company_only: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    category: Mapped[Category] = relationship(lazy="joined")
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=course_target_groups, order_by="TargetGroup.position, TargetGroup.name"
    )
    # Written by `speakers.set_speakers`; lists load them with selectinload (no query per row).
    speakers: Mapped[list[Speaker]] = relationship(
        secondary=course_speakers,
        order_by=course_speakers.c.position,
        viewonly=True,
    )
    funding_programmes: Mapped[list[FundingProgramme]] = relationship(
        secondary=course_funding_programmes,
        order_by="FundingProgramme.position, FundingProgramme.name",
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"
