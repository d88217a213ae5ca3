"""Certifications, the courses that complete them, the trainers' assessment results, and
the awards with their verification codes.

An award is one person's certification: earned by one completed place (`enrolment_id`),
or recorded by hand for a course followed elsewhere (no place, an evidence note). There is
at most one award per certification and place that is not withdrawn (invariant 11, the
partial unique index `uq_awards_once_per_completion`): the receivers decide under the
session's lock, and the index stops a race the lock did not.

An award's state is what people did to it: `valid`, `withdrawn` (a correction before the
session was closed broke the rule: it never should have been) or `revoked` (an organiser,
with a reason). Expiry is not a state: an award whose `expires_at` has passed shows as
expired, and never disappears.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.accounts.models import User
from booking.catalogue.models import Course
from booking.core.db import UTCDateTime, utcnow
from booking.core.models import TimestampMixin, choice_check
from booking.enrolment.models import Enrolment
from booking.extensions import db


class CompletionRule(StrEnum):
    ALL_MEETINGS = "all_meetings"
    MIN_PERCENT = "min_percent"


class Assessment(StrEnum):
    NONE = "none"
    PASS_FAIL = "pass_fail"  # noqa: S105 - an assessment kind, not a secret
    SCORE = "score"


class AwardState(StrEnum):
    VALID = "valid"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"


class AwardStatus(StrEnum):
    """What the holder, the overviews and the verification page show."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"  # withdrawn on erasure: the holder's data was erased on their request


class Certification(TimestampMixin, db.Model):
    __tablename__ = "certifications"
    __table_args__ = (
        choice_check("rule", CompletionRule),
        choice_check("assessment", Assessment),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_nl: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    name_en: Mapped[str] = mapped_column(String(200), nullable=False)
    description_nl: Mapped[str] = mapped_column(Text, nullable=False, default="")
    description_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rule: Mapped[str] = mapped_column(
        String(20), nullable=False, default=CompletionRule.ALL_MEETINGS
    )
    # With the min_percent rule: the share of the session's meetings attended (1-100).
    min_attendance_percent: Mapped[int | None] = mapped_column(Integer)
    assessment: Mapped[str] = mapped_column(String(10), nullable=False, default=Assessment.NONE)
    pass_mark: Mapped[int | None] = mapped_column(Integer)  # with the score assessment
    validity_months: Mapped[int | None] = mapped_column(Integer)  # None: never expires
    retired: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    courses: Mapped[list[Course]] = relationship(
        secondary="certification_courses", order_by="Course.title"
    )

    def name(self, locale: str | None) -> str:
        return self.name_en if (locale or "nl").startswith("en") and self.name_en else self.name_nl

    def description(self, locale: str | None) -> str:
        if (locale or "nl").startswith("en") and self.description_en:
            return self.description_en
        return self.description_nl

    def __repr__(self) -> str:
        return f"<Certification {self.id}>"


class CertificationCourse(db.Model):
    """A course whose completed session earns the certification."""

    __tablename__ = "certification_courses"

    certification_id: Mapped[int] = mapped_column(
        ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AssessmentResult(db.Model):
    """The trainer's result for one place: passed or not, or a score."""

    __tablename__ = "assessment_results"
    __table_args__ = (UniqueConstraint("certification_id", "enrolment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certification_id: Mapped[int] = mapped_column(
        ForeignKey("certifications.id", ondelete="CASCADE"), nullable=False
    )
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    passed: Mapped[bool | None] = mapped_column(Boolean)  # pass_fail
    score: Mapped[int | None] = mapped_column(Integer)  # score
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Award(db.Model):
    __tablename__ = "awards"
    __table_args__ = (
        choice_check("state", AwardState),
        Index(
            "uq_awards_once_per_completion",
            "certification_id",
            "enrolment_id",
            unique=True,
            sqlite_where=text("state <> 'withdrawn' AND enrolment_id IS NOT NULL"),
            postgresql_where=text("state <> 'withdrawn' AND enrolment_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certification_id: Mapped[int] = mapped_column(
        ForeignKey("certifications.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # The completed place; None for an award recorded by hand.
    enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrolments.id", ondelete="SET NULL")
    )
    # Shown on the certificate and typed into /verify/<code>; only its digest is looked up,
    # so the lookup of a known and an unknown code is the same indexed equality.
    code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    code_digest: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default=AwardState.VALID)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # A renewal in time: the award this one extends (its validity counts from that expiry).
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="SET NULL"))
    evidence_note: Mapped[str | None] = mapped_column(Text)  # by hand: what was followed where
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # withdrawn or revoked
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    # The expiry notice went out (the duty sends it once).
    expiry_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # The holder was erased on request (booking.privacy): the award is withdrawn on erasure
    # whatever its state was (a valid one is also marked revoked, so nothing counts it).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    certification: Mapped[Certification] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    enrolment: Mapped[Enrolment | None] = relationship()

    def status(self, now: datetime) -> AwardStatus:
        if self.erased_at is not None:
            return AwardStatus.ERASED
        if self.state == AwardState.REVOKED:
            return AwardStatus.REVOKED
        if self.state == AwardState.WITHDRAWN:
            return AwardStatus.WITHDRAWN
        if self.expires_at is not None and self.expires_at <= now:
            return AwardStatus.EXPIRED
        return AwardStatus.VALID

    def __repr__(self) -> str:
        return f"<Award {self.id}>"
