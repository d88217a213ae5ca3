"""The privacy pages: the statement (`/privacy`, public), a person's own data (`/mijn/gegevens`
and its JSON), and the administrators' pages: retention settings with the dry run
(`/beheer/privacy`), erasure with a confirmation step (`/beheer/privacy/wissen`) and the
audit log (`/beheer/audit`). Every write through `atomic` and one service."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from booking.accounts.labels import ROLES
from booking.accounts.models import Organisation, Role
from booking.core.auth import roles_required
from booking.core.db import atomic, utcnow
from booking.core.errors import DomainError
from booking.core.forms import show_errors
from booking.core.labels import label
from booking.core.web import bounded_id
from booking.enrolment import labels as enrolment_labels
from booking.extensions import db
from booking.privacy import audit_log, export, retention, services
from booking.privacy.forms import AuditFilterForm, EraseForm, RetentionForm
from booking.scheduling.labels import SEAT_MODES

bp = Blueprint("privacy", __name__)


def _me():
    return current_user._get_current_object()


# -- the statement -------------------------------------------------------------------------


@bp.get("/privacy")
def statement():
    """A real statement: what, why, how long (the settings read live), who sees what, rights."""
    months = services.retention_months()
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    own = sorted(
        ((names[org], m) for org, m in months.items() if m != services.default_months()),
        key=lambda pair: pair[0],
    )
    return render_template(
        "privacy/statement.html",
        default_months=services.default_months(),
        own_months=own,
        centre_email=current_app.config["CENTRE_EMAIL"],
        roles=ROLES,
    )


# -- my data -------------------------------------------------------------------------------


@bp.get("/mijn/gegevens")
@login_required
def my_data():
    data = export.export(current_user.id)
    attendance = {"attended": _("Present"), "absent": _("Absent"), "excused": _("Excused")}
    return render_template(
        "privacy/my_data.html",
        data=data,
        enrolment_status=enrolment_labels.status_label,
        seat_mode=lambda code: label(SEAT_MODES, code),
        attendance_status=lambda code: attendance.get(code, code),
    )


@bp.get("/mijn/gegevens.json")
@login_required
def my_data_json():
    data = export.export(current_user.id)
    response = Response(export.to_json(data), mimetype="application/json")
    stamp = data["exported_at"].strftime("%Y%m%d")
    response.headers["Content-Disposition"] = f'attachment; filename="mijn-gegevens-{stamp}.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- retention -----------------------------------------------------------------------------


@bp.get("/beheer/privacy")
@roles_required(Role.ADMIN)
def manage():
    return _manage_page()


def _manage_page(
    form: RetentionForm | None = None, org_id: int | None = None, problems=(), status=200
):
    plans = retention.plan()
    return render_template(
        "privacy/manage.html",
        plans=plans,
        default_months=services.default_months(),
        form=form or RetentionForm(),
        form_org=org_id,
        problems=list(problems),
        now=utcnow(),
    ), status


@bp.post("/beheer/privacy/<int:organisation_id>/bewaartermijn")
@roles_required(Role.ADMIN)
def set_retention(organisation_id: int):
    form = RetentionForm()
    if form.validate_on_submit():
        try:
            atomic(services.set_retention, organisation_id, form.months.data, actor=_me())
        except DomainError as error:
            if error.status == 404:
                abort(404)
            return _manage_page(form, organisation_id, show_errors(form, error), error.status)
        flash(_("The retention period has been saved."), "success")
        return redirect(url_for(".manage"), code=303)
    if db.session.get(Organisation, organisation_id) is None:
        abort(404)
    problems = [e for errors in form.errors.values() for e in errors]
    return _manage_page(form, organisation_id, problems, 422)


# -- erasure -------------------------------------------------------------------------------


@bp.route("/beheer/privacy/wissen", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def erase():
    """Two steps: the address, then what will be erased and a confirmation; then the counts."""
    form = EraseForm()
    problems, found, done, status = [], None, None, 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                if form.confirm.data:
                    done = atomic(services.erase, form.email.data, actor=_me())
                else:
                    found = services.preview(form.email.data, actor=_me())
                    if request.form.get("step") == "confirm":
                        message = _("Tick the box to confirm the erasure.")
                        form.confirm.errors = [message]
                        problems, status = [message], 422
                        return _erase_page(form, problems, found, done, status)
                status = 200
            except DomainError as error:
                problems = show_errors(form, error)
                status = error.status
        else:
            problems = [e for errors in form.errors.values() for e in errors]
    return _erase_page(form, problems, found, done, status)


def _erase_page(form, problems, found, done, status):
    return render_template(
        "privacy/erase.html",
        form=form,
        problems=problems,
        found=found,
        done=done,
        kinds=services.ERASURE_KINDS,
    ), status


# -- the audit log -------------------------------------------------------------------------


@bp.get("/beheer/audit")
@roles_required(Role.ADMIN)
def audit():
    form = AuditFilterForm(request.args)
    valid = form.validate()
    filters = audit_log.Filters()
    if valid:
        filters = audit_log.Filters(
            actor=(form.actor.data or "").strip() or None,
            action=form.action.data or None,
            target_type=form.target_type.data or None,
            person=(form.person.data or "").strip() or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    number = bounded_id(request.args.get("pagina", "1")) or 1
    page = audit_log.page(filters, number)
    form.action.choices = [("", _("Any"))] + [(a, a) for a in page.actions]
    form.target_type.choices = [("", _("Any"))] + [(t, t) for t in page.target_types]
    args = {k: v for k, v in request.args.items() if k != "pagina" and v}
    problems = [e for errors in form.errors.values() for e in errors]
    return render_template(
        "privacy/audit.html", form=form, page=page, args=args, problems=problems
    ), (200 if valid else 422)
