"""The audit log for administrators (`/beheer/audit`): filtered and paged, three statements a
page whatever its filters (the count, the page with its actors' names, the actions and
target types offered as filters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from booking.accounts.models import User
from booking.accounts.services import email_key
from booking.core.models import AuditEntry
from booking.core.timez import AMSTERDAM
from booking.extensions import db
from booking.privacy.export import about

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    actor: str | None = None  # an e-mail address
    action: str | None = None
    target_type: str | None = None
    person: str | None = None  # an e-mail address: entries about or by them
    date_from: date | None = None
    date_to: date | None = None  # inclusive


@dataclass
class Row:
    entry: AuditEntry
    actor_name: str | None
    actor_email: str | None


@dataclass
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int
    actions: list[str]
    target_types: list[str]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), AMSTERDAM)


def _conditions(filters: Filters) -> list:
    conditions = []
    if filters.actor:
        actor_ids = select(User.id).where(User.email == email_key(filters.actor))
        conditions.append(AuditEntry.actor_id.in_(actor_ids))
    if filters.action:
        conditions.append(AuditEntry.action == filters.action)
    if filters.target_type:
        conditions.append(AuditEntry.target_type == filters.target_type)
    if filters.person:
        person_id = select(User.id).where(User.email == email_key(filters.person)).scalar_subquery()
        conditions.append(or_(about(person_id), AuditEntry.actor_id == person_id))
    if filters.date_from:
        conditions.append(AuditEntry.at >= _start_of(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEntry.at < _start_of(filters.date_to + timedelta(days=1)))
    return conditions


def page(filters: Filters, number: int = 1) -> Page:
    conditions = _conditions(filters)
    total = db.session.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    actor = aliased(User)
    rows = db.session.execute(
        select(AuditEntry, actor.name, actor.email)
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    ).all()
    kinds = db.session.execute(select(AuditEntry.action, AuditEntry.target_type).distinct()).all()
    return Page(
        rows=[Row(entry, name, email) for entry, name, email in rows],
        total=total,
        page=number,
        pages=pages,
        actions=sorted({a for a, _t in kinds}),
        target_types=sorted({t for _a, t in kinds}),
    )
