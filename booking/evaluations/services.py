"""The rules of evaluations: who may answer, once, within EVALUATION_DAYS; the results
only above EVALUATION_MIN_ANSWERS.

Who may answer: the person of a confirmed place in a session that was not cancelled and
whose last meeting has ended (`Session.ends_at`), at most EVALUATION_DAYS after it, who
attended at least one meeting; when no attendance was taken for the session at all, the
confirmed place is enough. The database enforces once (unique enrolment) and the ranges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from booking.attendance.models import AttendanceRecord, AttendanceStatus
from booking.core.db import for_update, utcnow
from booking.core.errors import Conflict, NotFound, collect
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.evaluations.models import COMMENT_MAX, QUESTIONS, Evaluation
from booking.extensions import db
from booking.scheduling.models import Meeting, Session, SessionStatus


class Kind:
    """The message code of evaluations (stored in outbox_messages.kind: never rename)."""

    INVITE = "evaluation_invite"


def window() -> timedelta:
    return timedelta(days=int(current_app.config["EVALUATION_DAYS"]))


def min_answers() -> int:
    return int(current_app.config["EVALUATION_MIN_ANSWERS"])


def attended_clause():
    """SQL: the enrolment attended a meeting, or its session took no attendance at all."""
    attended = exists().where(
        AttendanceRecord.enrolment_id == Enrolment.id,
        AttendanceRecord.status == AttendanceStatus.ATTENDED,
    )
    any_taken = exists().where(
        AttendanceRecord.meeting_id == Meeting.id, Meeting.session_id == Enrolment.session_id
    )
    return attended | ~any_taken


def eligible_clause(now: datetime):
    """SQL over Enrolment joined to Session: this place may be evaluated now."""
    return (
        (Enrolment.status == EnrolmentStatus.CONFIRMED)
        & (Session.status != SessionStatus.CANCELLED)
        & (Session.ends_at <= now)
        & (Session.ends_at > now - window())
        & attended_clause()
    )


def open_for(user_id: int, now: datetime | None = None) -> list[Enrolment]:
    """The person's places that may be evaluated and are not yet (one query)."""
    now = now or utcnow()
    answered = exists().where(Evaluation.enrolment_id == Enrolment.id)
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(Session, Session.id == Enrolment.session_id)
            .where(Enrolment.user_id == user_id, eligible_clause(now), ~answered)
            .order_by(Session.ends_at.desc())
        )
    )


def own_enrolment(user, enrolment_id: int) -> Enrolment:
    """Only the person of the place; anyone else is told it does not exist."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or user is None or enrolment.user_id != user.id:
        raise NotFound(_l("This place does not exist."))
    return enrolment


def may_evaluate(enrolment: Enrolment, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .join(Session, Session.id == Enrolment.session_id)
            .where(Enrolment.id == enrolment.id, eligible_clause(now))
        )
        == 1
    )


def answered(enrolment_id: int) -> bool:
    return db.session.scalar(select(exists().where(Evaluation.enrolment_id == enrolment_id)))


@dataclass
class Answer:
    content: object = None
    trainer: object = None
    organisation: object = None
    comment: str | None = None


def _rating(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 5 else None


def submit(user, enrolment_id: int, answer: Answer, now: datetime | None = None) -> Evaluation:
    """Record the person's evaluation of their place: once (a repeat is a Conflict)."""
    now = now or utcnow()
    enrolment = own_enrolment(user, enrolment_id)
    db.session.scalars(for_update(select(Enrolment).where(Enrolment.id == enrolment.id))).first()
    if answered(enrolment.id):
        raise Conflict(_l("You already answered this evaluation."), code="already_answered")
    if not may_evaluate(enrolment, now):
        raise Conflict(
            _l("This session cannot be evaluated (not ended, not attended or too long ago)."),
            code="not_open",
        )
    errors = {}
    ratings = {}
    for question in QUESTIONS:
        ratings[question] = _rating(getattr(answer, question))
        if ratings[question] is None:
            errors[question] = _l("Choose a rating from 1 to 5.")
    comment = (answer.comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        errors["comment"] = _l("At most %(num)d characters.", num=COMMENT_MAX)
    elif comment is not None and "\x00" in comment:  # PostgreSQL text holds no NUL
        errors["comment"] = _l("Remove the invisible control characters.")
    collect(errors)
    evaluation = Evaluation(
        enrolment_id=enrolment.id,
        session_id=enrolment.session_id,
        comment=comment,
        submitted_at=now,
        **ratings,
    )
    db.session.add(evaluation)
    db.session.flush()
    return evaluation
