"""The periodic duty of evaluations: invite each place that may evaluate its session (see
`services.eligible_clause`) once, by mail with the link to the logged-in page
/evaluaties/<enrolment_id>. Once per place (an `EvaluationInvite` row, its primary key the
enrolment); each place is its own transaction under the place's row lock, so a second run
(or a successor leader) sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlalchemy import exists, select

from booking.core.db import atomic, for_update, utcnow
from booking.enrolment.models import Enrolment
from booking.evaluations.models import Evaluation, EvaluationInvite
from booking.evaluations.services import Kind, eligible_clause
from booking.extensions import db
from booking.notifications.registry import register_duty
from booking.notifications.services import queue
from booking.scheduling.models import Session


def _due(now: datetime):
    invited = exists().where(EvaluationInvite.enrolment_id == Enrolment.id)
    answered = exists().where(Evaluation.enrolment_id == Enrolment.id)
    return (
        select(Enrolment.id)
        .join(Session, Session.id == Enrolment.session_id)
        .where(eligible_clause(now), ~invited, ~answered)
        .order_by(Enrolment.id)
    )


def _invite(enrolment_id: int, now: datetime) -> int:
    enrolment = db.session.scalars(
        for_update(select(Enrolment).where(Enrolment.id == enrolment_id))
    ).first()
    if enrolment is None or db.session.get(EvaluationInvite, enrolment_id) is not None:
        return 0
    db.session.add(EvaluationInvite(enrolment_id=enrolment_id, invited_at=now))
    if not enrolment.user.active:
        return 0
    queue(
        enrolment.user,
        Kind.INVITE,
        session=enrolment.session,
        enrolment=enrolment,
        enrolment_id=enrolment.id,
    )
    return 1


def invitations(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    ids = list(db.session.scalars(_due(now)))
    db.session.rollback()  # end the read; each place is its own unit of work
    sent = sum(atomic(_invite, enrolment_id, now, attempts=1) for enrolment_id in ids)
    return {"evaluation_invitations": sent}


def register(app: Flask) -> None:
    register_duty(app, "evaluation-invitations", invitations)
