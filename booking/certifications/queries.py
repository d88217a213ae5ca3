"""Read-only: who holds what. Every list is a fixed number of statements, whatever its size."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.accounts.models import User
from booking.certifications.models import Award, AwardState, Certification
from booking.extensions import db


def awards_of(user_ids: Iterable[int]) -> list[Award]:
    """All awards of these people, withdrawn ones included, newest first."""
    ids = set(user_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Award)
            .where(Award.user_id.in_(ids))
            .options(joinedload(Award.user))
            .order_by(Award.issued_at.desc(), Award.id.desc())
        )
    )


def certifications(include_retired: bool = True) -> list[Certification]:
    query = select(Certification).order_by(Certification.name_nl)
    if not include_retired:
        query = query.where(Certification.retired.is_(False))
    return list(db.session.scalars(query))


def current_awards(user_ids: Iterable[int]) -> dict[tuple[int, int], Award]:
    """Per (person, certification): the award that counts now, the one expiring last among
    the valid ones, else the latest revoked or expired one (withdrawn ones never count)."""
    best: dict[tuple[int, int], Award] = {}
    for award in awards_of(user_ids):
        if award.state == AwardState.WITHDRAWN:
            continue
        key = (award.user_id, award.certification_id)
        held = best.get(key)
        if held is None or _rank(award) > _rank(held):
            best[key] = award
    return best


def _rank(award: Award):
    far = datetime.max.replace(tzinfo=award.issued_at.tzinfo)
    return (award.state == AwardState.VALID, award.expires_at or far, award.issued_at)


def expiring_soon(award: Award, now: datetime, days: int) -> bool:
    return (
        award.state == AwardState.VALID
        and award.expires_at is not None
        and now < award.expires_at <= now + timedelta(days=days)
    )


def people(user_ids: Iterable[int]) -> list[User]:
    ids = set(user_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))
