"""The catalogue's own lists: categories, target groups and funding programmes. Anyone reads
the current items; organisers see retired ones too, add, change, reorder, retire and remove
them. The rules are `booking.catalogue.taxonomy`'s."""

from __future__ import annotations

from flask import url_for
from pydantic import BaseModel, Field, StrictBool, StrictInt, create_model, model_validator

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Day, Input, Output, Text
from booking.catalogue import queries, taxonomy
from booking.catalogue.models import Category, FundingProgramme, ListedName, TargetGroup
from booking.core.db import atomic
from booking.core.errors import NotFound
from booking.extensions import db

TAG = "catalogue lists"
Name = Field(min_length=1, max_length=120)

# -- shapes -------------------------------------------------------------------------------------


class ListedIn(Input):
    name: Text = Name
    name_en: Text | None = Field(None, max_length=120, description="Empty: the Dutch name.")


class ProgrammeIn(ListedIn):
    description: Text = Field("", max_length=5000)
    description_en: Text = Field("", max_length=5000)
    target_participants: StrictInt | None = Field(
        None, ge=1, le=1_000_000, description="How many people the programme means to reach."
    )
    starts_on: Day | None = None
    ends_on: Day | None = None


class _Patch:
    """Only the fields given change; `position` moves the item (0 is first), `retired`
    retires it or brings it back."""

    @model_validator(mode="after")
    def _not_null(self):
        for name in ("name", "retired", "position", "description", "description_en"):
            if name in self.model_fields_set and getattr(self, name, "") is None:
                raise ValueError(f"{name} may not be null")
        return self


class ListedPatch(_Patch, Input):
    name: Text | None = Field(None, min_length=1, max_length=120)
    name_en: Text | None = Field(None, max_length=120)
    position: StrictInt | None = Field(None, ge=0, le=100_000)
    retired: StrictBool | None = None


class ProgrammePatch(ListedPatch):
    description: Text | None = Field(None, max_length=5000)
    description_en: Text | None = Field(None, max_length=5000)
    target_participants: StrictInt | None = Field(None, ge=1, le=1_000_000)
    starts_on: Day | None = None
    ends_on: Day | None = None


class ListedOut(Output):
    id: int
    slug: str
    name: str
    name_en: str
    position: int
    retired: bool
    courses: int = Field(description="Courses filed under it.")


class TargetGroupOut(ListedOut):
    education_level: str | None = Field(description="mbo, hbo or wo for the education levels.")


class ProgrammeOut(ListedOut):
    description: str
    description_en: str
    target_participants: int | None
    starts_on: Day | None
    ends_on: Day | None


class Removed(Output):
    id: int
    outcome: str = Field(description="deleted, or retired when courses use it.")


def _list_of(item_model: type[BaseModel]) -> type[BaseModel]:
    return create_model(f"{item_model.__name__}List", __base__=Output, items=list[item_model])


# -- the three lists ----------------------------------------------------------------------------


class Resource:
    def __init__(self, model, path, singular, out, body, patch):
        self.model, self.path, self.singular = model, path, singular
        self.out, self.body, self.patch = out, body, patch
        self.list_out = _list_of(out)
        self.name = path.replace("-", "_")

    def answer(self, item: ListedName, courses: int) -> BaseModel:
        fields = {c: getattr(item, c) for c in self.out.model_fields if c != "courses"}
        return self.out(**fields, courses=courses)

    def find(self, item_id: int) -> ListedName:
        item = db.session.get(self.model, item_id)
        if item is None:
            raise NotFound(f"No such {self.singular}.")
        return item


RESOURCES = [
    Resource(Category, "categories", "category", ListedOut, ListedIn, ListedPatch),
    Resource(TargetGroup, "target-groups", "target group", TargetGroupOut, ListedIn, ListedPatch),
    Resource(
        FundingProgramme,
        "funding-programmes",
        "funding programme",
        ProgrammeOut,
        ProgrammeIn,
        ProgrammePatch,
    ),
]


def _data(item: ListedName | None, fields: dict) -> taxonomy.ListedData:
    """The item's current values with the given fields over them."""
    current = {}
    if item is not None:
        current = {"name": item.name, "name_en": item.name_en}
        if isinstance(item, FundingProgramme):
            current |= {
                k: getattr(item, k)
                for k in (
                    "description",
                    "description_en",
                    "target_participants",
                    "starts_on",
                    "ends_on",
                )
            }
    wanted = {k: v for k, v in fields.items() if k in taxonomy.ListedData.__dataclass_fields__}
    merged = current | wanted
    merged["name_en"] = merged.get("name_en") or ""
    return taxonomy.ListedData(**merged)


def _register(resource: Resource) -> None:
    def list_items(user):
        with_retired = bool(user and user.is_organiser)
        items = queries.listed(resource.model, include_retired=with_retired)
        used = queries.courses_per_item(resource.model)
        return reply(
            resource.list_out(items=[resource.answer(i, used.get(i.id, 0)) for i in items])
        )

    list_items.__name__ = f"list_{resource.name}"
    list_items.__doc__ = (
        f"Every current {resource.singular} in the catalogue's order; organisers also see "
        "retired ones."
    )
    api(
        bp,
        f"/{resource.path}",
        "GET",
        summary=f"List the {resource.path.replace('-', ' ')}",
        tag=TAG,
        response=resource.list_out,
    )(list_items)

    def add_item(user, body):
        item_id = atomic(
            lambda: taxonomy.create_item(resource.model, _data(None, body.model_dump()), user).id
        )
        item = db.session.get(resource.model, item_id)
        location = url_for(f"api.get_{resource.name}_item", item_id=item_id)
        return reply(resource.answer(item, 0), 201, location=location)

    add_item.__name__ = f"add_{resource.name}_item"
    add_item.__doc__ = (
        f"A new {resource.singular}, last in the order; its slug is made from the Dutch name. "
        "A name already in the list (in either language): 422."
    )
    api(
        bp,
        f"/{resource.path}",
        "POST",
        summary=f"Add a {resource.singular}",
        tag=TAG,
        organiser=True,
        body=resource.body,
        response=resource.out,
        status=201,
    )(add_item)

    def get_item(user, item_id: int):
        item = resource.find(item_id)
        if item.retired and not (user and user.is_organiser):
            raise NotFound(f"No such {resource.singular}.")
        return reply(resource.answer(item, queries.courses_using(item)))

    get_item.__name__ = f"get_{resource.name}_item"
    get_item.__doc__ = f"One {resource.singular}; a retired one only for organisers."
    api(
        bp,
        f"/{resource.path}/<int:item_id>",
        "GET",
        summary=f"One {resource.singular}",
        tag=TAG,
        response=resource.out,
    )(get_item)

    def change_item(user, item_id: int, body):
        given = body.model_dump(exclude_unset=True)

        def work() -> None:
            item = resource.find(item_id)
            details = {k: v for k, v in given.items() if k not in ("position", "retired")}
            if details:
                taxonomy.update_item(item, _data(item, details), user)
            if "position" in given:
                taxonomy.move_item_to(item, given["position"], user)
            if "retired" in given:
                taxonomy.set_retired(item, given["retired"], user)

        atomic(work)
        item = resource.find(item_id)
        return reply(resource.answer(item, queries.courses_using(item)))

    change_item.__name__ = f"change_{resource.name}_item"
    change_item.__doc__ = (
        "Only the fields given change; the slug stays. `position` moves it in the order "
        "(0 is first), `retired` retires it or brings it back."
    )
    api(
        bp,
        f"/{resource.path}/<int:item_id>",
        "PATCH",
        summary=f"Change a {resource.singular}",
        tag=TAG,
        organiser=True,
        body=resource.patch,
        response=resource.out,
    )(change_item)

    def remove_item(user, item_id: int):
        outcome = atomic(lambda: taxonomy.remove_item(resource.find(item_id), user))
        return reply(Removed(id=item_id, outcome=outcome))

    remove_item.__name__ = f"remove_{resource.name}_item"
    remove_item.__doc__ = (
        f"Deletes a {resource.singular} no course uses; one that courses use is retired "
        "instead (`outcome` says which), so they keep it."
    )
    errors = {}
    if resource.model is TargetGroup:
        errors = {409: "An education level (code `education_level`): retire it instead."}
    api(
        bp,
        f"/{resource.path}/<int:item_id>",
        "DELETE",
        summary=f"Remove a {resource.singular}",
        tag=TAG,
        organiser=True,
        response=Removed,
        errors=errors,
    )(remove_item)


for _resource in RESOURCES:
    _register(_resource)
