"""In-company requests: the list, and declining one with an answer (planning one is the
prefilled new-session form of booking.scheduling.views)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from booking.accounts.models import Organisation, User
from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.errors import DomainError, NotFound, PermissionDenied
from booking.enrolment import queries, team
from booking.enrolment.labels import request_label
from booking.enrolment.manage_forms import DeclineRequestForm
from booking.enrolment.manage_views import (
    bp,
    current_actor,
    field_problems,
)
from booking.enrolment.models import InCompanyRequest, InCompanyStatus
from booking.extensions import db


def _decline_form(request_id: int, **kwargs) -> DeclineRequestForm:
    return DeclineRequestForm(prefix=f"request-{request_id}", **kwargs)


def _requests_page(forms: dict | None = None, problems=(), status: int = 200):
    found = queries.in_company_requests()
    found.sort(key=lambda r: r.status != InCompanyStatus.OPEN)  # stable: open first, newest
    # The query loads teams, not their organisations: one query instead of one per row.
    org_ids = {r.team.organisation_id for r in found}
    names = {}
    if org_ids:
        query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        names = dict(db.session.execute(query).tuples().all())
    forms = dict(forms or {})
    for item in found:
        if item.status == InCompanyStatus.OPEN:
            form = forms.setdefault(item.id, _decline_form(item.id, formdata=None))
            form.answer.label.text = _("Answer to %(team)s", team=item.team.name)
    return render_template(
        "enrolment/manage/requests.html",
        requests=found,
        organisation_names=names,
        forms=forms,
        problems=list(problems),
        request_status=request_label,
    ), status


@bp.get("/beheer/incompany")
@organiser_required
def in_company():
    return _requests_page()


def _decline(request_id: int, actor: User, answer: str) -> str:
    return team.settle_in_company(request_id, actor=actor, decline_reason=answer).team.name


@bp.post("/beheer/incompany/<int:request_id>/afwijzen")
@organiser_required
def decline_request(request_id: int):
    if db.session.get(InCompanyRequest, request_id) is None:
        abort(404)
    form = _decline_form(request_id)
    if not form.validate():
        return _requests_page({request_id: form}, field_problems(form), 422)
    try:
        name = atomic(_decline, request_id, current_actor(), form.answer.data)
    except DomainError as error:
        if isinstance(error, (NotFound, PermissionDenied)):
            raise
        db.session.rollback()
        return _requests_page({request_id: form}, [error.message], error.status)
    flash(_("The request of %(team)s has been declined.", team=name), "success")
    return redirect(url_for("enrolment_manage.in_company"))
