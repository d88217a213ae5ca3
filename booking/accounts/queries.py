"""Read-only queries for people pages: a team, an organisation's make-up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from booking.accounts.models import ANONYMOUS_DOMAIN, ApiToken, Organisation, Team, User
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


@dataclass(frozen=True)
class PeopleFilter:
    q: str = ""  # part of the name or e-mail address, any case
    organisation_id: int | None = None
    team_id: int | None = None
    role: str | None = None
    active: bool | None = None  # None: active and inactive people


@dataclass
class PeoplePage:
    people: list[User]
    total: int
    page: int
    per_page: int

    @property
    def has_more(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def people_page(filters: PeopleFilter, *, page: int = 1, per_page: int = 20) -> PeoplePage:
    """One page of people by name, with their organisation and team: two statements (the
    count and the page) whatever the page holds."""
    query = select(User).where(~User.email.endswith(f"@{ANONYMOUS_DOMAIN}"))
    text = (filters.q or "").strip().lower()
    if text:
        query = query.where(
            or_(
                func.lower(User.name).contains(text, autoescape=True),
                User.email.contains(text, autoescape=True),
            )
        )
    if filters.organisation_id is not None:
        query = query.where(User.organisation_id == filters.organisation_id)
    if filters.team_id is not None:
        query = query.where(User.team_id == filters.team_id)
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.active is not None:
        query = query.where(User.active.is_(filters.active))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, page)
    people = list(
        db.session.scalars(
            query.options(joinedload(User.organisation), joinedload(User.team))
            .order_by(func.lower(User.name), User.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return PeoplePage(people=people, total=total, page=page, per_page=per_page)


def organisations_with_counts() -> list[tuple[Organisation, int, int]]:
    """Every organisation with its number of teams and of active people: three statements."""
    found = organisations()
    teams = dict(
        db.session.execute(
            select(Team.organisation_id, func.count(Team.id)).group_by(Team.organisation_id)
        ).all()
    )
    people = dict(
        db.session.execute(
            select(User.organisation_id, func.count(User.id))
            .where(User.active.is_(True))
            .group_by(User.organisation_id)
        ).all()
    )
    return [(o, teams.get(o.id, 0), people.get(o.id, 0)) for o in found]


def teams_with_counts(organisation_id: int) -> list[tuple[Team, int]]:
    """An organisation's teams with their number of members: one statement."""
    return teams_of([organisation_id]).get(organisation_id, [])


def teams_of(organisation_ids) -> dict[int, list[tuple[Team, int]]]:
    """The teams of these organisations by name, with their number of members: one
    statement."""
    ids = set(organisation_ids)
    if not ids:
        return {}
    members = (
        select(User.team_id, func.count(User.id).label("members")).group_by(User.team_id).subquery()
    )
    rows = db.session.execute(
        select(Team, func.coalesce(members.c.members, 0))
        .outerjoin(members, members.c.team_id == Team.id)
        .where(Team.organisation_id.in_(ids))
        .order_by(Team.name, Team.id)
    ).all()
    found: dict[int, list[tuple[Team, int]]] = {}
    for team, count in rows:
        found.setdefault(team.organisation_id, []).append((team, count))
    return found


def all_teams() -> list[Team]:
    """Every team with its organisation (for a team select grouped by organisation)."""
    return list(
        db.session.scalars(
            select(Team)
            .join(Organisation, Organisation.id == Team.organisation_id)
            .options(joinedload(Team.organisation))
            .order_by(Organisation.name, Team.name)
        )
    )


def active_people(organisation_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(User.id)).where(
                User.organisation_id == organisation_id, User.active.is_(True)
            )
        )
        or 0
    )
