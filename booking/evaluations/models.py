"""One evaluation per place (`Enrolment`): three ratings 1..5 and an optional comment.

The database holds the rules it can: one evaluation per enrolment (unique), each rating
between 1 and 5 and a comment of at most 2000 characters (CHECK constraints). Who may answer,
and until when, is `booking.evaluations.services`'. The invitation to answer is sent once per
place: `invited_at` is kept on its own row (`EvaluationInvite`), so the evaluation itself
holds nothing but the answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.db import UTCDateTime, utcnow
from booking.enrolment.models import Enrolment
from booking.extensions import db

QUESTIONS = ("content", "trainer", "organisation")
COMMENT_MAX = 2000


def _rating_check(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN 1 AND 5", name=f"{column}_1_to_5")


class Evaluation(db.Model):
    __tablename__ = "evaluations"
    __table_args__ = (
        _rating_check("content"),
        _rating_check("trainer"),
        _rating_check("organisation"),
        CheckConstraint(
            f"comment IS NULL OR length(comment) <= {COMMENT_MAX}", name="comment_max_length"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    # Denormalised from the enrolment so the results group without a join per row.
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    content: Mapped[int] = mapped_column(Integer, nullable=False)
    trainer: Mapped[int] = mapped_column(Integer, nullable=False)
    organisation: Mapped[int] = mapped_column(Integer, nullable=False)
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()

    def __repr__(self) -> str:
        return f"<Evaluation {self.id}>"


class EvaluationInvite(db.Model):
    """The invitation to evaluate was queued for this place (the duty sends it once)."""

    __tablename__ = "evaluation_invites"

    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), primary_key=True
    )
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
