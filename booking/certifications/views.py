"""The pages everyone meets: the public verification page, the holder's own certificates
and their PDFs. The organisers' pages are in `manage_views`."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required

from booking.certifications import certificate, queries, services
from booking.certifications.labels import TEMPLATE_GLOBALS
from booking.certifications.models import Award
from booking.core.db import utcnow
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
    found = services.verify(code, now=now)
    status = 200 if found is not None else 404
    return render_template("certifications/verify.html", found=found, code=code, now=now), status


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
