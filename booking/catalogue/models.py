"""What can be followed: courses with their category, target groups and format."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.models import TimestampMixin, choice_check
from booking.extensions import db


class CourseFormat(StrEnum):
    WORKSHOP = "workshop"
    TRAINING = "training"
    WEBINAR = "webinar"
    FESTIVAL_SESSION = "festival_session"


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    name_en: Mapped[str] = mapped_column(String(120), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    def label(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name


class TargetGroup(db.Model):
    __tablename__ = "target_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    name_en: Mapped[str] = mapped_column(String(120), nullable=False)

    def label(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name


course_target_groups = Table(
    "course_target_groups",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("target_group_id", ForeignKey("target_groups.id", ondelete="CASCADE"), primary_key=True),
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

    category: Mapped[Category] = relationship(lazy="joined")
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=course_target_groups, order_by="TargetGroup.name"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"
