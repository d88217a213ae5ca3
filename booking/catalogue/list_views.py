"""The organisers' pages for the centre's own lists: categories, target groups and funding
programmes (`/beheer/catalogus`). They call `taxonomy`'s services, as the API does."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from booking.catalogue import queries, taxonomy
from booking.catalogue.forms import ListedForm, ProgrammeForm
from booking.catalogue.models import Category, FundingProgramme, TargetGroup
from booking.catalogue.views import bp
from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.errors import DomainError
from booking.core.forms import show_errors
from booking.extensions import db

# URL segment -> (model, form, heading, singular)
LISTS = {
    "categorieen": (Category, ListedForm, _l("Categories"), _l("category")),
    "doelgroepen": (TargetGroup, ListedForm, _l("Target groups"), _l("target group")),
    "programmas": (
        FundingProgramme,
        ProgrammeForm,
        _l("Funding programmes"),
        _l("funding programme"),
    ),
}

# The "add" link and heading of each list, whole: Dutch puts "nieuw" or "nieuwe" before the
# noun as its gender asks, which "Add a %(what)s" cannot ("nieuwe financieringsprogramma").
ADD_TITLES = {
    "categorieen": _l("Add a category"),
    "doelgroepen": _l("Add a target group"),
    "programmas": _l("Add a funding programme"),
}
EDIT_TITLES = {  # the same, so a heading starts with a capital ("%(what)s wijzigen" did not)
    "categorieen": _l("Edit category"),
    "doelgroepen": _l("Edit target group"),
    "programmas": _l("Edit funding programme"),
}


def _list(kind: str):
    if kind not in LISTS:
        abort(404)
    return LISTS[kind]


def _item(kind: str, item_id: int):
    model = _list(kind)[0]
    item = db.session.get(model, item_id)
    if item is None:
        abort(404)
    return item


def _data(form) -> taxonomy.ListedData:
    extra = {}
    if isinstance(form, ProgrammeForm):
        extra = {
            "description": form.description.data or "",
            "description_en": form.description_en.data or "",
            "target_participants": form.target_participants.data,
            "starts_on": form.starts_on.data,
            "ends_on": form.ends_on.data,
        }
    return taxonomy.ListedData(name=form.name.data or "", name_en=form.name_en.data or "", **extra)


@bp.get("/beheer/catalogus")
@organiser_required
def lists():
    """The three lists with the number of courses using each item: three statements each."""
    sections = [
        {
            "kind": kind,
            "heading": heading,
            "singular": singular,
            "add_title": ADD_TITLES[kind],
            "rows": queries.listed(model, include_retired=True),
            "in_use": queries.courses_per_item(model),
            "programmes": model is FundingProgramme,
        }
        for kind, (model, _form, heading, singular) in LISTS.items()
    ]
    return render_template("catalogue/lists.html", sections=sections)


def _save(kind: str, item_id: int | None):
    model, form_class, heading, singular = _list(kind)
    item = _item(kind, item_id) if item_id is not None else None
    form = form_class(obj=item)
    problems: list = []
    if form.validate_on_submit():

        def work():
            data = _data(form)
            if item_id is None:
                return taxonomy.create_item(model, data, actor=current_user).name
            return taxonomy.update_item(
                db.session.get(model, item_id), data, actor=current_user
            ).name

        try:
            name = atomic(work)
        except DomainError as error:
            problems = show_errors(form, error, {"name_en": "name_en"})
        else:
            flash(_("'%(name)s' has been saved.", name=name), "success")
            return redirect(url_for("catalogue.lists", _anchor=kind), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "catalogue/list_form.html",
        form=form,
        item=item,
        kind=kind,
        heading=heading,
        singular=singular,
        title=EDIT_TITLES[kind] if item is not None else ADD_TITLES[kind],
        problems=problems,
    ), status


@bp.route("/beheer/catalogus/<kind>/nieuw", methods=["GET", "POST"])
@organiser_required
def new_listed(kind: str):
    return _save(kind, None)


@bp.route("/beheer/catalogus/<kind>/<int:item_id>", methods=["GET", "POST"])
@organiser_required
def edit_listed(kind: str, item_id: int):
    return _save(kind, item_id)


def _act(kind: str, item_id: int, work, done: str):
    _item(kind, item_id)
    model = _list(kind)[0]
    try:
        outcome = atomic(lambda: work(db.session.get(model, item_id)))
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(done if outcome is None else outcome, "success")
    return redirect(url_for("catalogue.lists", _anchor=kind), code=303)


@bp.post("/beheer/catalogus/<kind>/<int:item_id>/verplaatsen")
@organiser_required
def move_listed(kind: str, item_id: int):
    steps = -1 if request.form.get("direction") == "up" else 1

    def work(item):
        taxonomy.move_item(item, steps, actor=current_user)

    return _act(kind, item_id, work, _("The order has been changed."))


@bp.post("/beheer/catalogus/<kind>/<int:item_id>/verwijderen")
@organiser_required
def remove_listed(kind: str, item_id: int):
    def work(item):
        name = item.name
        if taxonomy.remove_item(item, actor=current_user) == "retired":
            return _(
                "'%(name)s' is used by courses, so it has been retired instead of deleted.",
                name=name,
            )
        return _("'%(name)s' has been deleted.", name=name)

    return _act(kind, item_id, work, "")


@bp.post("/beheer/catalogus/<kind>/<int:item_id>/status")
@organiser_required
def retire_listed(kind: str, item_id: int):
    retire = request.form.get("retired") == "1"

    def work(item):
        taxonomy.set_retired(item, retire, actor=current_user)

    done = _("Retired: no longer offered for courses.") if retire else _("Back in use.")
    return _act(kind, item_id, work, done)
