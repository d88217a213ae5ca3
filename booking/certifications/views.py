"""The pages everyone meets: the public verification page, the holder's own certificates
and their PDFs; the overviews of who holds what (team leaders, HR, organisers). The
organisers' pages that change awards are in `manage_views`."""

from __future__ import annotations

import csv
import io
import math

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required

from booking.accounts.models import Role
from booking.certifications import certificate, overview, queries, services, verification
from booking.certifications.labels import TEMPLATE_GLOBALS
from booking.certifications.models import Award
from booking.core.auth import organiser_required, roles_required
from booking.core.db import utcnow
from booking.core.timez import AMSTERDAM
from booking.core.web import arg_id
from booking.extensions import db, limiter

bp = Blueprint("certifications", __name__)
for _name, _helper in TEMPLATE_GLOBALS.items():
    bp.add_app_template_global(_helper, _name)


@bp.get("/verify/<code>")
@limiter.limit("30 per minute")
def verify(code: str):
    """No log-in: anyone shown a certificate checks it here. Only the name, the
    certification and the dates; an unknown code is a 404 after the same work."""
    now = utcnow()
    with verification.answer_floor():
        found = verification.verify(code, now=now)
        status = 200 if found is not None else 404
        page = render_template("certifications/verify.html", found=found, code=code, now=now)
    return page, status


@bp.get("/mijn/certificaten")
@login_required
def mine():
    now = utcnow()
    awards = queries.awards_of([current_user.id])
    return render_template("certifications/mine.html", awards=awards, now=now)


@bp.get("/certificaten/<int:award_id>.pdf")
@login_required
def certificate_pdf(award_id: int):
    award = db.session.get(Award, award_id)
    if award is None:
        abort(404)
    if not services.may_see_certificate(current_user, award):
        abort(403)
    data = certificate.render_pdf(award)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.filename(award)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- overviews -----------------------------------------------------------------------------


def _notice_days() -> int:
    return int(current_app.config["CERTIFICATION_NOTICE_DAYS"])


def _matrix_page(template: str, matrix: overview.Matrix, **context):
    now = utcnow()
    return render_template(
        template,
        matrix=matrix,
        now=now,
        notice_days=_notice_days(),
        expiring_soon=queries.expiring_soon,
        **context,
    )


@bp.get("/mijn-team/certificaten")
@roles_required(Role.TEAM_LEADER)
def team():
    """A team leader sees the certificates of their own team's members, and no one else's."""
    team_ = current_user.team
    if team_ is None:
        abort(404)
    matrix = overview.team_matrix(team_.id, str(get_locale()))
    return _matrix_page("certifications/team.html", matrix, team=team_)


@bp.get("/organisatie/certificaten")
@login_required
def organisation():
    """HR sees their own organisation only (invariant 7); organisers choose one."""
    choices = []
    if current_user.is_organiser:
        choices = overview.organisations()
        organisation_id = arg_id("organisation")
        if organisation_id is None:
            organisation_id = choices[0].id if choices else None
    elif current_user.role == Role.HR:
        organisation_id = current_user.organisation_id
    else:
        abort(403)
    found = overview.organisation(organisation_id) if organisation_id is not None else None
    if found is None:
        abort(404)
    matrix = overview.organisation_matrix(found.id, str(get_locale()))
    return _matrix_page(
        "certifications/organisation.html", matrix, organisation=found, choices=choices
    )


def _award_filters() -> overview.AwardFilters:
    """The filters of the query string; a value that is not one is ignored, never a 500."""
    status = request.args.get("status") or None
    days = request.args.get("binnen", type=int)
    return overview.AwardFilters(
        certification_id=arg_id("certificering"),
        status=status if status in overview.STATUSES else None,
        organisation_id=arg_id("organisatie"),
        within_days=days if days is not None and 0 < days <= overview.MAX_DAYS else None,
        q=(request.args.get("q") or "").strip()[: overview.MAX_SEARCH],
    )


@bp.get("/beheer/certificaten")
@organiser_required
def awards():
    """Every award, filtered and paged; the same filters export as CSV."""
    now = utcnow()
    filters = _award_filters()
    size = int(current_app.config["PAGE_SIZE"])
    total = overview.count_awards(filters, now)
    pages = max(math.ceil(total / size), 1)
    page = min(max(request.args.get("pagina", 1, type=int), 1), pages)
    listed = overview.list_awards(filters, now, limit=size, offset=(page - 1) * size)
    return render_template(
        "certifications/awards.html",
        awards=listed,
        filters=filters,
        total=total,
        page=page,
        pages=pages,
        now=now,
        notice_days=_notice_days(),
        expiring_soon=queries.expiring_soon,
        statuses=overview.STATUSES,
        certifications=queries.certifications(),
        organisations=overview.organisations(),
        may_revoke="certifications_manage.revoke" in current_app.view_functions,
    )


CSV_HEADER = (
    "name",
    "email",
    "organisation",
    "team",
    "certification",
    "code",
    "status",
    "issued_at",
    "expires_at",
    "by_hand",
)


def _cell(value) -> str:
    """A text that a spreadsheet would run as a formula is kept as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _day(moment) -> str:
    return moment.astimezone(AMSTERDAM).date().isoformat() if moment else ""


@bp.get("/beheer/certificaten.csv")
@organiser_required
def awards_csv():
    """The filtered list, all of it, with a byte order mark so Excel reads it as UTF-8."""
    now = utcnow()
    locale = str(get_locale())
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for award in overview.list_awards(_award_filters(), now):
        person = award.user
        writer.writerow(
            [
                _cell(person.name),
                _cell(person.email),
                _cell(person.organisation.name if person.organisation else ""),
                _cell(person.team.name if person.team else ""),
                _cell(award.certification.name(locale)),
                award.code,
                str(award.status(now)),
                _day(award.issued_at),
                _day(award.expires_at),
                "yes" if award.evidence_note is not None else "no",
            ]
        )
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="certificates.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
