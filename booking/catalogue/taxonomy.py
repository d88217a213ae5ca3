"""The centre's own lists: categories, target groups and funding programmes.

A fresh installation has no categories and only the education levels as target groups; an
organiser builds the rest here (pages and API call these services). Names are unique per list in
either language; new items go to the end of the order; an item a course uses is retired, not
deleted, so old courses keep their labels while new ones cannot pick it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select

from booking.catalogue.models import (
    Category,
    FundingProgramme,
    ListedName,
    TargetGroup,
)
from booking.catalogue.queries import courses_using
from booking.core.errors import Conflict, collect
from booking.core.models import audit
from booking.core.text import unique_slug
from booking.extensions import db

MAX_TARGET = 1_000_000
MAX_DESCRIPTION = 5000

# The API's and the pages' names of the three lists.
KINDS: dict[str, type[ListedName]] = {
    "category": Category,
    "target_group": TargetGroup,
    "funding_programme": FundingProgramme,
}


@dataclass
class ListedData:
    name: str
    name_en: str = ""  # empty: the Dutch name
    description: str = ""  # funding programmes only
    description_en: str = ""
    target_participants: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None


def _kind(model: type[ListedName]) -> str:
    return next(kind for kind, known in KINDS.items() if known is model)


def _check(model: type[ListedName], data: ListedData, item: ListedName | None) -> None:
    errors: dict = {}
    name = (data.name or "").strip()
    name_en = (data.name_en or "").strip()
    if not name:
        errors["name"] = _l("Enter a name.")
    elif len(name) > 120:
        errors["name"] = _l("Use at most 120 characters.")
    if len(name_en) > 120:
        errors["name_en"] = _l("Use at most 120 characters.")
    if name and "name" not in errors:
        names = {name.lower(), (name_en or name).lower()}
        clash = select(model.id).where(
            or_(func.lower(model.name).in_(names), func.lower(model.name_en).in_(names))
        )
        if item is not None:
            clash = clash.where(model.id != item.id)
        if db.session.scalar(clash.limit(1)) is not None:
            errors["name"] = _l("This name is already in the list.")
    if model is FundingProgramme:
        if len(data.description or "") > MAX_DESCRIPTION or len(data.description_en or "") > (
            MAX_DESCRIPTION
        ):
            errors["description"] = _l("Use at most %(n)d characters.", n=MAX_DESCRIPTION)
        target = data.target_participants
        if target is not None and (
            not isinstance(target, int) or isinstance(target, bool) or target < 1
        ):
            errors["target_participants"] = _l("Give a number of people of at least 1.")
        elif target is not None and target > MAX_TARGET:
            errors["target_participants"] = _l("At most %(n)d people.", n=MAX_TARGET)
        if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
            errors["ends_on"] = _l("The period must end on or after its first day.")
    collect(errors)


def _apply(item: ListedName, data: ListedData) -> None:
    item.name = data.name.strip()
    item.name_en = (data.name_en or "").strip() or item.name
    if isinstance(item, FundingProgramme):
        item.description = (data.description or "").strip()
        item.description_en = (data.description_en or "").strip()
        item.target_participants = data.target_participants
        item.starts_on = data.starts_on
        item.ends_on = data.ends_on


def snapshot(item: ListedName) -> dict:
    fields = {"name": item.name, "name_en": item.name_en, "retired": item.retired}
    if isinstance(item, FundingProgramme):
        fields |= {
            "target_participants": item.target_participants,
            "starts_on": item.starts_on.isoformat() if item.starts_on else None,
            "ends_on": item.ends_on.isoformat() if item.ends_on else None,
        }
    return fields


def create_item(model: type[ListedName], data: ListedData, actor=None) -> ListedName:
    _check(model, data, None)
    last = db.session.scalar(select(func.max(model.position)))
    item = model(slug=unique_slug(model, data.name), position=(last or 0) + 1, retired=False)
    _apply(item, data)
    db.session.add(item)
    db.session.flush()
    audit(actor, f"{_kind(model)}.created", item, after=snapshot(item))
    return item


def update_item(item: ListedName, data: ListedData, actor=None) -> ListedName:
    """The slug stays: API clients and links name the item by it."""
    _check(type(item), data, item)
    before = snapshot(item)
    _apply(item, data)
    db.session.flush()
    audit(actor, f"{_kind(type(item))}.updated", item, before=before, after=snapshot(item))
    return item


def set_retired(item: ListedName, retired: bool, actor=None) -> ListedName:
    if item.retired != retired:
        before = snapshot(item)
        item.retired = retired
        db.session.flush()
        action = "retired" if retired else "reinstated"
        audit(actor, f"{_kind(type(item))}.{action}", item, before=before, after=snapshot(item))
    return item


def remove_item(item: ListedName, actor=None) -> str:
    """Delete an item no course uses; retire one that is in use. Returns what happened
    ("deleted" or "retired"). The education levels stay: people's profiles name them."""
    if isinstance(item, TargetGroup) and item.education_level:
        raise Conflict(
            _l("The education levels are always target groups; retire it to hide it instead."),
            code="education_level",
        )
    if courses_using(item):
        set_retired(item, True, actor)
        return "retired"
    kind = _kind(type(item))
    audit(actor, f"{kind}.deleted", item, before=snapshot(item))
    db.session.execute(delete(type(item)).where(type(item).id == item.id))
    db.session.expire_all()
    return "deleted"


def move_item(item: ListedName, steps: int, actor=None) -> ListedName:
    """Move an item up (negative) or down in its list's order; the list is renumbered."""
    model = type(item)
    ordered = list(db.session.scalars(select(model).order_by(model.position, model.name)))
    return _move(ordered, item, ordered.index(item) + steps, actor)


def move_item_to(item: ListedName, position: int, actor=None) -> ListedName:
    """Put an item at a place in its list (0 is the first; past the end is the last)."""
    model = type(item)
    ordered = list(db.session.scalars(select(model).order_by(model.position, model.name)))
    return _move(ordered, item, position, actor)


def _move(ordered: list, item: ListedName, target: int, actor) -> ListedName:
    model = type(item)
    index = ordered.index(item)
    target = max(0, min(len(ordered) - 1, target))
    if target != index:
        ordered.insert(target, ordered.pop(index))
        for position, row in enumerate(ordered):
            row.position = position
        db.session.flush()
        audit(actor, f"{_kind(model)}.moved", item, after={"position": item.position})
    return item


def find_item(model: type[ListedName], key: str) -> ListedName | None:
    """By slug, or by name in either language (as people and API clients say it)."""
    key = (key or "").strip().lower()
    if not key:
        return None
    return db.session.scalar(
        select(model).where(
            or_(
                model.slug == key,
                func.lower(model.name) == key,
                func.lower(model.name_en) == key,
            )
        )
    )


def find_items(model: type[ListedName], keys: list[str]) -> tuple[list[ListedName], list[str]]:
    """The items named by slug or name, in the list's order, and the keys that matched none."""
    wanted = list(dict.fromkeys(k.strip().lower() for k in keys if k and k.strip()))
    if not wanted:
        return [], []
    rows = list(
        db.session.scalars(
            select(model)
            .where(
                or_(
                    model.slug.in_(wanted),
                    func.lower(model.name).in_(wanted),
                    func.lower(model.name_en).in_(wanted),
                )
            )
            .order_by(model.position, model.name)
        )
    )
    known = (
        {r.slug for r in rows} | {r.name.lower() for r in rows} | {r.name_en.lower() for r in rows}
    )
    return rows, [k for k in wanted if k not in known]
