"""HR contacts' pages of their organisation's people: the list, and a person with their
enrolments, certificates and no-shows. Here in the portal because a person's page puts
accounts, enrolment, attendance and certifications together. Who may see whom is
`accounts.people`' rule: HR their own organisation (another's person is a 404, invariant 7),
administrators any (they choose the organisation)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from booking.accounts import people, queries
from booking.accounts.forms import page_number, people_filter_form
from booking.accounts.models import Role, User
from booking.attendance import queries as attendance_queries
from booking.certifications import queries as certification_queries
from booking.core.auth import roles_required
from booking.core.db import utcnow
from booking.core.errors import DomainError
from booking.core.web import arg_id
from booking.enrolment import queries as enrolment_queries
from booking.extensions import db

bp = Blueprint("portal_people", __name__)
PER_PAGE = 25


def _organisation():
    """HR's own organisation; for administrators the one asked for (`org`), else the first."""
    user = current_user._get_current_object()
    wanted = user.organisation_id
    choices = []
    if user.role == Role.ADMIN:
        choices = queries.organisations()
        wanted = arg_id("org")
        if wanted is None and choices:
            wanted = choices[0].id
    try:
        return people.readable_organisation(user, wanted), choices
    except DomainError:
        abort(404)


@bp.get("/organisatie/mensen")
@roles_required(Role.HR, Role.ADMIN)
def people_list():
    organisation, choices = _organisation()
    teams = [t for t in queries.all_teams() if t.organisation_id == organisation.id]
    form = people_filter_form([organisation], teams, request.args)
    filters = queries.PeopleFilter(
        q=form.q.data or "",
        organisation_id=organisation.id,
        team_id=form.team.data or None,
        role=form.role.data if form.role.data in set(Role) else None,
        active={"1": True, "0": False}.get(form.active.data or ""),
    )
    result = queries.people_page(filters, page=page_number(request.args), per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "portal/organisation_people.html",
        organisation=organisation,
        choices=choices,
        form=form,
        result=result,
        args=args,
    )


@bp.get("/organisatie/mensen/<int:person_id>")
@roles_required(Role.HR, Role.ADMIN)
def person(person_id: int):
    """A person of the organisation: their places (all, ended ones too), their awards and
    their no-shows."""
    try:
        found = people.readable_person(
            current_user._get_current_object(), db.session.get(User, person_id)
        )
    except DomainError:
        abort(404)
    enrolments = enrolment_queries.for_user(found.id, active_only=False, limit=200)
    awards = certification_queries.awards_of([found.id])
    return render_template(
        "portal/organisation_person.html",
        person=found,
        enrolments=enrolments,
        awards=awards,
        no_shows=attendance_queries.no_shows([found.id]).get(found.id, 0),
        now=utcnow(),
    )
