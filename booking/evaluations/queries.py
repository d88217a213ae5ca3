"""The results organisers see: averages per question and the number of answers, per
session, course or trainer. A result with fewer answers than EVALUATION_MIN_ANSWERS shows
only that it has too few (not its averages, not its comments), so no one is identified.
Each page is a fixed number of statements: grouped aggregates, and one query of comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from booking.accounts.models import User
from booking.attendance.models import SessionTrainer
from booking.catalogue.models import Course
from booking.evaluations.models import QUESTIONS, Evaluation
from booking.evaluations.services import min_answers
from booking.extensions import db
from booking.scheduling.models import Session


@dataclass
class Result:
    key: int
    label: str
    count: int
    averages: dict = field(default_factory=dict)  # question -> float, only when shown
    comments: list = field(default_factory=list)  # texts, only when shown
    starts_at: object = None

    @property
    def shown(self) -> bool:
        return self.count >= min_answers()


def _aggregates():
    return (
        func.count(Evaluation.id),
        *(func.avg(getattr(Evaluation, q)) for q in QUESTIONS),
    )


def _result(key, label, row, starts_at=None) -> Result:
    count = int(row[0])
    result = Result(key=key, label=label, count=count, starts_at=starts_at)
    if result.shown:
        result.averages = {q: round(float(v), 1) for q, v in zip(QUESTIONS, row[1:], strict=True)}
    return result


def per_session(session_ids: list[int] | None = None) -> list[Result]:
    stmt = (
        select(Session.id, Course.title, Session.starts_at, *_aggregates())
        .join(Session, Session.id == Evaluation.session_id)
        .join(Course, Course.id == Session.course_id)
        .group_by(Session.id, Course.title, Session.starts_at)
        .order_by(Session.starts_at.desc(), Session.id)
    )
    if session_ids is not None:
        stmt = stmt.where(Session.id.in_(session_ids))
    return [_result(r[0], r[1], r[3:], starts_at=r[2]) for r in db.session.execute(stmt)]


def per_course(course_id: int | None = None) -> list[Result]:
    stmt = (
        select(Course.id, Course.title, *_aggregates())
        .join(Session, Session.id == Evaluation.session_id)
        .join(Course, Course.id == Session.course_id)
        .group_by(Course.id, Course.title)
        .order_by(Course.title)
    )
    if course_id is not None:
        stmt = stmt.where(Course.id == course_id)
    return [_result(r[0], r[1], r[2:]) for r in db.session.execute(stmt)]


def per_trainer(user_id: int | None = None) -> list[Result]:
    """Per person named trainer of the sessions (booking.attendance's SessionTrainer)."""
    stmt = (
        select(User.id, User.name, *_aggregates())
        .join(SessionTrainer, SessionTrainer.session_id == Evaluation.session_id)
        .join(User, User.id == SessionTrainer.user_id)
        .group_by(User.id, User.name)
        .order_by(User.name)
    )
    if user_id is not None:
        stmt = stmt.where(User.id == user_id)
    return [_result(r[0], r[1], r[2:]) for r in db.session.execute(stmt)]


def comments_of_sessions(results: list[Result]) -> None:
    """Fill the comments of the shown results (one query): the texts only, in submitted
    order, without names or dates."""
    shown = {r.key: r for r in results if r.shown}
    if not shown:
        return
    rows = db.session.execute(
        select(Evaluation.session_id, Evaluation.comment)
        .where(Evaluation.session_id.in_(shown), Evaluation.comment.is_not(None))
        .order_by(Evaluation.submitted_at, Evaluation.id)
    )
    for session_id, comment in rows:
        shown[session_id].comments.append(comment)
