"""The periodic duty of certifications: tell holders, and their team leaders, that a
certification expires within CERTIFICATION_NOTICE_DAYS, with the sessions that renew it.

Once per award (`Award.expiry_notice_at`), and not for an award already renewed (a later
valid award of the same certification expires after it). Idempotent: each award is its own
transaction, under the award's row lock, so a successor leader sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from booking.accounts.models import Role, User
from booking.certifications.models import Award, AwardState
from booking.certifications.services import Kind
from booking.core.db import atomic, for_update, utcnow
from booking.extensions import db
from booking.notifications.registry import register_duty
from booking.notifications.services import queue


def _due(now: datetime):
    later = aliased(Award)
    renewed = exists().where(
        later.certification_id == Award.certification_id,
        later.user_id == Award.user_id,
        later.state == AwardState.VALID,
        later.id != Award.id,
        (later.expires_at.is_(None)) | (later.expires_at > Award.expires_at),
    )
    horizon = now + timedelta(days=current_app.config["CERTIFICATION_NOTICE_DAYS"])
    return (
        select(Award.id)
        .where(
            Award.state == AwardState.VALID,
            Award.expiry_notice_at.is_(None),
            Award.expires_at.is_not(None),
            Award.expires_at > now,
            Award.expires_at <= horizon,
            ~renewed,
        )
        .order_by(Award.expires_at)
    )


def _notify(award_id: int, now: datetime) -> int:
    award = db.session.scalars(
        for_update(select(Award).where(Award.id == award_id)).execution_options(
            populate_existing=True
        )
    ).first()
    if award is None or award.expiry_notice_at is not None or award.state != AwardState.VALID:
        return 0
    holder = award.user
    sent = 0
    if holder.active:
        queue(holder, Kind.EXPIRING, award_id=award.id)
        sent += 1
    if holder.team_id is not None:
        leaders = db.session.scalars(
            select(User).where(
                User.team_id == holder.team_id,
                User.role == Role.TEAM_LEADER,
                User.active.is_(True),
                User.id != holder.id,
            )
        )
        for leader in leaders:
            queue(leader, Kind.EXPIRING_TEAM, award_id=award.id)
            sent += 1
    award.expiry_notice_at = now
    return sent


def expiry_notices(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    ids = list(db.session.scalars(_due(now)))
    db.session.rollback()  # end the read; each award is its own unit of work
    sent = sum(atomic(_notify, award_id, now) for award_id in ids)
    return {"expiry_notices": sent}


def register(app: Flask) -> None:
    register_duty(app, "certification-expiry", expiry_notices)
