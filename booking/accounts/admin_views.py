"""The administrators' pages for organisations, teams and people, and the CSV upload.

Each write goes through `atomic` and one service of `booking.accounts.people` (the API calls
the same ones); the services' refusals become form errors. The upload keeps the file on the
server (`people_imports`) between its dry run and the import, so the import applies exactly
the file that was checked, read again by the same importer as `import-users`.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from booking.accounts import importer, onboarding, people, queries
from booking.accounts.forms import (
    ActiveForm,
    ConfirmImportForm,
    ImportForm,
    NameForm,
    PeopleFilterForm,
    PersonEditForm,
    PersonForm,
    page_number,
    people_filter_form,
)
from booking.accounts.models import Organisation, Role, Team
from booking.core.auth import roles_required
from booking.core.db import atomic
from booking.core.errors import DomainError
from booking.core.forms import show_errors
from booking.core.web import bounded_id
from booking.extensions import db

bp = Blueprint("accounts_admin", __name__)
admin_required = roles_required(Role.ADMIN)
PER_PAGE = 25


def _me():
    return current_user._get_current_object()


def _status(problems, *forms) -> int:
    return 422 if problems or any(f.errors for f in forms) else 200


# -- organisations -------------------------------------------------------------------------------


@bp.route("/beheer/organisaties", methods=["GET", "POST"])
@admin_required
def organisations():
    form = NameForm(prefix="org")
    problems: list = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            new_id = atomic(lambda: people.create_organisation(form.name.data, actor=_me()).id)
        except DomainError as error:
            problems = show_errors(form, error)
        else:
            flash(_("The organisation has been added."), "success")
            return redirect(url_for(".organisation", organisation_id=new_id), code=303)
    return render_template(
        "accounts/admin/organisations.html",
        form=form,
        problems=problems,
        rows=queries.organisations_with_counts(),
    ), _status(problems, form)


@bp.route("/beheer/organisaties/<int:organisation_id>", methods=["GET", "POST"])
@admin_required
def organisation(organisation_id: int):
    """Rename the organisation, and add a team to it."""
    organisation = db.get_or_404(Organisation, organisation_id)
    rename_form = NameForm(prefix="rename", name=organisation.name)
    team_form = NameForm(prefix="team")
    problems: list = []
    action = request.form.get("action")
    if request.method == "POST":
        form = rename_form if action == "rename" else team_form
        if action not in ("rename", "team"):
            abort(400)
        if form.validate_on_submit():
            try:
                if action == "rename":
                    atomic(people.rename_organisation, organisation_id, form.name.data, actor=_me())
                else:
                    atomic(people.create_team, organisation_id, form.name.data, actor=_me())
            except DomainError as error:
                problems = show_errors(form, error)
            else:
                flash(
                    _("The organisation has been renamed.")
                    if action == "rename"
                    else _("The team has been added."),
                    "success",
                )
                return redirect(url_for(".organisation", organisation_id=organisation_id), code=303)
        organisation = db.get_or_404(Organisation, organisation_id)
    return render_template(
        "accounts/admin/organisation.html",
        organisation=organisation,
        rename_form=rename_form,
        team_form=team_form,
        problems=problems,
        teams=queries.teams_with_counts(organisation_id),
    ), _status(problems, rename_form, team_form)


@bp.route("/beheer/teams/<int:team_id>", methods=["GET", "POST"])
@admin_required
def team(team_id: int):
    """Rename a team; remove it when it is empty."""
    team = db.get_or_404(Team, team_id)
    form = NameForm(prefix="team", name=team.name)
    problems: list = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            atomic(people.rename_team, team_id, form.name.data, actor=_me())
        except DomainError as error:
            problems = show_errors(form, error)
        else:
            flash(_("The team has been renamed."), "success")
            return redirect(
                url_for(".organisation", organisation_id=team.organisation_id), code=303
            )
    team = db.get_or_404(Team, team_id)
    return render_template(
        "accounts/admin/team.html",
        team=team,
        form=form,
        problems=problems,
        remove_form=ConfirmImportForm(formdata=None),
        members=queries.team_members(team_id),
    ), _status(problems, form)


@bp.post("/beheer/teams/<int:team_id>/verwijderen")
@admin_required
def remove_team(team_id: int):
    team = db.get_or_404(Team, team_id)
    organisation_id = team.organisation_id
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    try:
        atomic(people.remove_team, team_id, actor=_me())
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for(".team", team_id=team_id), code=303)
    flash(_("The team has been removed."), "success")
    return redirect(url_for(".organisation", organisation_id=organisation_id), code=303)


# -- people --------------------------------------------------------------------------------------


def _filters(form: PeopleFilterForm) -> queries.PeopleFilter:
    active = {"1": True, "0": False}.get(form.active.data or "")
    role = form.role.data if form.role.data in set(Role) else None
    return queries.PeopleFilter(
        q=(form.q.data or "").strip()[:200],
        organisation_id=form.organisation.data if form.organisation.data else None,
        team_id=form.team.data if form.team.data else None,
        role=role,
        active=active,
    )


@bp.get("/beheer/mensen")
@admin_required
def people_list():
    """Search and filter everyone; a page of PER_PAGE in a fixed number of statements."""
    organisations = queries.organisations()
    teams = queries.all_teams()
    form = people_filter_form(organisations, teams, request.args)
    result = queries.people_page(_filters(form), page=page_number(request.args), per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("accounts/admin/people.html", form=form, result=result, args=args)


def _person_form(form_class, **data):
    form = form_class(**data)
    form.fill_choices(queries.organisations(), queries.all_teams())
    return form


def _person_data(form: PersonForm) -> people.PersonData:
    return people.PersonData(
        email=form.email.data or "",
        name=form.name.data or "",
        role=form.role.data or "",
        organisation_id=form.organisation.data,
        team_id=form.team.data,
        education_level=form.education_level.data or None,
        language=form.language.data or None,
    )


@bp.route("/beheer/mensen/nieuw", methods=["GET", "POST"])
@admin_required
def new_person():
    form = _person_form(PersonForm, formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.role.data = Role.PARTICIPANT
        form.language.data = "nl"
        form.organisation.data = bounded_id(request.args.get("org"))
    problems: list = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            new_id = atomic(lambda: people.create_person(_person_data(form), actor=_me()).id)
        except DomainError as error:
            problems = show_errors(form, error, {"education_level": "education_level"})
        else:
            flash(
                _(
                    "The person has been added and gets an invitation by e-mail to choose a "
                    "password."
                ),
                "success",
            )
            return redirect(url_for(".person", person_id=new_id), code=303)
    return render_template(
        "accounts/admin/person_form.html", form=form, person=None, problems=problems
    ), _status(problems, form)


def _changes(form: PersonEditForm) -> dict:
    return {
        "name": form.name.data or "",
        "role": form.role.data or "",
        "organisation_id": form.organisation.data,
        "team_id": form.team.data,
        "education_level": form.education_level.data or None,
        "language": form.language.data or None,
    }


@bp.route("/beheer/mensen/<int:person_id>", methods=["GET", "POST"])
@admin_required
def person(person_id: int):
    """Change a person's name, role, organisation, team, education level and language: the
    role makes them a team leader (of their team), HR contact (of their organisation), career
    advisor, organiser or administrator."""
    try:
        found = people.person(person_id)
    except DomainError:
        abort(404)
    if request.method == "POST":
        form = _person_form(PersonEditForm, formdata=request.form)
    else:
        form = _person_form(
            PersonEditForm,
            formdata=None,
            data={
                "name": found.name,
                "role": found.role,
                "organisation": found.organisation_id,
                "team": found.team_id,
                "education_level": found.education_level or "",
                "language": found.language,
            },
        )
    problems: list = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            atomic(
                lambda: people.update_person(people.person(person_id), _changes(form), actor=_me())
            )
        except DomainError as error:
            problems = show_errors(form, error)
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for(".person", person_id=person_id), code=303)
    found = people.person(person_id)
    return render_template(
        "accounts/admin/person_form.html",
        form=form,
        person=found,
        problems=problems,
        active_form=ActiveForm(formdata=None, active="0" if found.active else "1"),
    ), _status(problems, form)


@bp.post("/beheer/mensen/<int:person_id>/uitnodiging")
@admin_required
def send_invitation(person_id: int):
    """Mail the person (again) a link to choose a password: for one whose first invitation
    expired or got lost. The rule is `onboarding.send_invitation`'s (active people only, the
    previous link stops working, audited), as for the API and the command line."""
    try:
        found = people.person(person_id)
    except DomainError:
        abort(404)
    try:
        atomic(onboarding.send_invitation, found, sender=_me())
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The invitation has been sent to %(email)s.", email=found.email), "success")
    return redirect(url_for(".person", person_id=person_id), code=303)


@bp.post("/beheer/mensen/<int:person_id>/actief")
@admin_required
def set_active(person_id: int):
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data not in ("0", "1"):
        abort(400)
    active = form.active.data == "1"
    try:
        atomic(lambda: people.set_active(people.person(person_id), active, actor=_me()))
    except DomainError as error:
        if error.status == 404:
            abort(404)
        flash(str(error.message), "error")
    else:
        flash(
            _("The person is active again and can log in.")
            if active
            else _("Deactivated: this person can no longer log in, and their sessions have ended."),
            "success",
        )
    return redirect(url_for(".person", person_id=person_id), code=303)


# -- the CSV upload ------------------------------------------------------------------------------


def _size_text(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} kB"


def _read_upload(form: ImportForm) -> bytes | None:
    """The uploaded bytes, or None with the reason on the file field."""
    limit = int(current_app.config["PEOPLE_IMPORT_MAX_BYTES"])
    storage = form.file.data
    name = (storage.filename or "").lower()
    if not name.endswith((".csv", ".txt")):
        form.file.errors.append(
            _("Choose a CSV file (.csv), saved from the spreadsheet as 'CSV UTF-8'.")
        )
        return None
    data = storage.read(limit + 1)
    if len(data) > limit:
        form.file.errors.append(
            _(
                "The file is larger than %(size)s: split it into smaller files.",
                size=_size_text(limit),
            )
        )
        return None
    return data


def _dry_run(parsed: importer.ParsedFile, create_organisations: bool) -> importer.ImportReport:
    """What the import would do, found by doing it and rolling it back."""
    try:
        return importer.apply_rows(
            parsed.rows, create_organisations=create_organisations, actor=_me()
        )
    finally:
        db.session.rollback()


def _too_large() -> bool:
    limit = int(current_app.config["PEOPLE_IMPORT_MAX_BYTES"])
    return (request.content_length or 0) > limit + 64 * 1024  # the form's other parts


@bp.route("/beheer/mensen/importeren", methods=["GET", "POST"])
@admin_required
def import_people():
    """Upload a file, see what it would do line by line (the dry run), then import it."""
    form = ImportForm()
    report = parsed = upload_id = None
    filename = ""
    if request.method == "POST":
        if _too_large():
            form = ImportForm(formdata=MultiDict())
            form.file.errors = [
                _(
                    "The file is larger than %(size)s: split it into smaller files.",
                    size=_size_text(int(current_app.config["PEOPLE_IMPORT_MAX_BYTES"])),
                )
            ]
        elif form.validate_on_submit():
            data = _read_upload(form)
            if data is not None:
                filename = form.file.data.filename or "upload.csv"
                try:
                    parsed = importer.parse_csv(data, source=filename)
                except importer.ImportFileError as error:
                    form.file.errors.append(str(error))
                else:
                    create = bool(form.create_organisations.data)
                    upload_id = atomic(
                        lambda: people.keep_upload(filename, data, create, actor=_me()).id
                    )
                    report = _dry_run(parsed, create)
    status = 422 if form.errors else 200
    return render_template(
        "accounts/admin/import.html",
        form=form,
        report=report,
        parsed=parsed,
        upload_id=upload_id,
        parsed_name=filename,
        confirm_form=ConfirmImportForm(formdata=None),
        keep_minutes=current_app.config["PEOPLE_IMPORT_KEEP_MINUTES"],
        max_size=_size_text(int(current_app.config["PEOPLE_IMPORT_MAX_BYTES"])),
        columns=importer.COLUMNS,
    ), status


@bp.post("/beheer/mensen/importeren/<int:upload_id>")
@admin_required
def apply_import(upload_id: int):
    """Import the kept file: parsed again, every good line saved, the bad ones reported."""
    if not ConfirmImportForm().validate_on_submit():
        abort(400)

    def work():
        upload = people.upload_of(upload_id, actor=_me())
        parsed = importer.parse_csv(upload.content, source=upload.filename)
        report = importer.apply_rows(
            parsed.rows,
            create_organisations=upload.create_organisations,
            actor=_me(),
            invite=True,  # each person the file creates is mailed a link to choose a password
        )
        people.forget_upload(upload)
        return report

    try:
        report = atomic(work, attempts=1)  # one pass over the file, one commit
    except (DomainError, importer.ImportFileError) as error:
        flash(str(getattr(error, "message", error)), "error")
        return redirect(url_for(".import_people"), code=303)
    return render_template("accounts/admin/import_done.html", report=report)
