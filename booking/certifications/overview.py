"""Read-only: the overviews of who holds what, for team leaders, HR and organisers.

Each page reads a fixed number of statements, whatever the number of people or awards:
the people in one, their awards (with the certification joined) in one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from booking.accounts.models import Organisation, Team, User
from booking.certifications.models import Award, AwardState, AwardStatus, Certification
from booking.certifications.queries import current_awards
from booking.extensions import db

STATUSES = tuple(AwardStatus)
MAX_DAYS = 3660  # "expires within N days": at most ten years ahead
MAX_SEARCH = 200


@dataclass
class Matrix:
    """People (rows) by certification (columns); each cell the award that counts."""

    people: list[User]
    certifications: list[Certification]
    cells: dict[tuple[int, int], Award] = field(default_factory=dict)

    def cell(self, person: User, certification: Certification) -> Award | None:
        return self.cells.get((person.id, certification.id))


def _matrix(people: list[User], locale: str | None) -> Matrix:
    cells = current_awards(p.id for p in people)
    shown = {a.certification.id: a.certification for a in cells.values()}
    columns = sorted(
        (c for c in shown.values() if not c.retired), key=lambda c: c.name(locale).lower()
    )
    kept = {c.id for c in columns}
    return Matrix(people, columns, {k: a for k, a in cells.items() if k[1] in kept})


def team_matrix(team_id: int, locale: str | None = None) -> Matrix:
    """Every member of the team, also those who hold nothing yet."""
    people = list(
        db.session.scalars(
            select(User)
            .where(User.team_id == team_id, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )
    return _matrix(people, locale)


def organisation_matrix(organisation_id: int, locale: str | None = None) -> Matrix:
    """The organisation's people who hold (or held) any award, with their team."""
    holds = exists().where(Award.user_id == User.id, Award.state != AwardState.WITHDRAWN)
    people = list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation_id, holds)
            .options(joinedload(User.team))
            .order_by(User.name, User.id)
        )
    )
    return _matrix(people, locale)


# -- the organisers' list of all awards ----------------------------------------------------


@dataclass(frozen=True)
class AwardFilters:
    """What the organisers' list is narrowed to; every field optional."""

    certification_id: int | None = None
    status: str | None = None
    organisation_id: int | None = None
    within_days: int | None = None
    q: str = ""

    def as_args(self) -> dict:
        """The query-string of these filters (for the page links and the CSV link)."""
        args = {
            "certificering": self.certification_id,
            "status": self.status,
            "organisatie": self.organisation_id,
            "binnen": self.within_days,
            "q": self.q or None,
        }
        return {k: v for k, v in args.items() if v is not None}


def _status_clause(status: str, now: datetime):
    if status == AwardStatus.VALID:
        return and_(
            Award.state == AwardState.VALID,
            or_(Award.expires_at.is_(None), Award.expires_at > now),
        )
    if status == AwardStatus.EXPIRED:
        return and_(Award.state == AwardState.VALID, Award.expires_at <= now)
    return Award.state == status  # revoked, withdrawn


def _filtered(filters: AwardFilters, now: datetime) -> Select:
    query = (
        select(Award)
        .join(User, User.id == Award.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Team, Team.id == User.team_id)
    )
    if filters.certification_id is not None:
        query = query.where(Award.certification_id == filters.certification_id)
    if filters.status in STATUSES:
        query = query.where(_status_clause(filters.status, now))
    if filters.organisation_id is not None:
        query = query.where(User.organisation_id == filters.organisation_id)
    if filters.within_days is not None:
        query = query.where(
            Award.state == AwardState.VALID,
            Award.expires_at > now,
            Award.expires_at <= now + timedelta(days=filters.within_days),
        )
    needle = filters.q.strip().lower()
    if needle:
        query = query.where(
            or_(
                func.lower(User.name).contains(needle, autoescape=True),
                func.lower(User.email).contains(needle, autoescape=True),
            )
        )
    return query


def count_awards(filters: AwardFilters, now: datetime) -> int:
    query = _filtered(filters, now).with_only_columns(func.count(Award.id)).order_by(None)
    return db.session.scalar(query) or 0


def list_awards(
    filters: AwardFilters, now: datetime, *, limit: int | None = None, offset: int = 0
) -> list[Award]:
    """Newest first, with the person, their organisation and team loaded in the same
    statement (the certification is joined by the model)."""
    query = (
        _filtered(filters, now)
        .options(
            contains_eager(Award.user).contains_eager(User.organisation),
            contains_eager(Award.user).contains_eager(User.team),
        )
        .order_by(Award.issued_at.desc(), Award.id.desc())
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(db.session.scalars(query).unique())


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def organisation(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)
