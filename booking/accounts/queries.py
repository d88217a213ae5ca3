"""Read-only queries for people pages: a team, an organisation's make-up."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from booking.accounts.models import ApiToken, Organisation, Team, User
from booking.extensions import db


def team_members(team_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.team_id == team_id).order_by(User.name)))


def organisation_overview(organisation_id: int) -> dict:
    """Teams with their members, and head counts by education level (for subsidy reporting)."""
    organisation = db.session.get(Organisation, organisation_id)
    teams = list(
        db.session.scalars(
            select(Team)
            .where(Team.organisation_id == organisation_id)
            .options(selectinload(Team.members))
            .order_by(Team.name)
        )
    )
    rows = db.session.execute(
        select(User.education_level, func.count(User.id))
        .where(User.organisation_id == organisation_id, User.active.is_(True))
        .group_by(User.education_level)
    ).all()
    levels = {level or "unknown": count for level, count in rows}
    without_team = list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation_id, User.team_id.is_(None))
            .order_by(User.name)
        )
    )
    return {
        "organisation": organisation,
        "teams": teams,
        "levels": levels,
        "without_team": without_team,
        "total": sum(levels.values()),
    }


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def tokens_of(user_id: int) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc())
        )
    )
