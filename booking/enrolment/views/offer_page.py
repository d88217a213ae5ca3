"""`/aanbod/<token>`: the page the offer e-mail links to (see `enrolment.offer_links`)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from booking.core.db import utcnow
from booking.enrolment import services
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.enrolment.offer_links import read_offer_token
from booking.enrolment.views import _attempt, bp
from booking.extensions import db, limiter
from booking.scheduling.models import Session

ANSWERS = {"accepteren": "accept", "afslaan": "decline"}


def _offer(token: str) -> Enrolment | None:
    claim = read_offer_token(token)
    if claim is None:
        return None
    enrolment = db.session.get(
        Enrolment,
        claim.enrolment_id,
        options=[
            joinedload(Enrolment.user),
            joinedload(Enrolment.session).selectinload(Session.meetings),
            joinedload(Enrolment.session).joinedload(Session.course),
            selectinload(Enrolment.session, Session.seats),
        ],
    )
    return enrolment if enrolment is not None and claim.matches(enrolment) else None


@bp.get("/aanbod/<token>")
@limiter.limit("60/minute")
def offer_page(token: str):
    """Show the offer; never answer it on GET (link checkers open every link in a mail)."""
    enrolment = _offer(token)
    if enrolment is None:
        return render_template("enrolment/offer.html", enrolment=None), 404
    chosen = ANSWERS.get(request.args.get("antwoord", ""))
    return render_template(
        "enrolment/offer.html", enrolment=enrolment, token=token, chosen=chosen, now=utcnow()
    )


@bp.post("/aanbod/<token>")
@limiter.limit("20/minute")
def answer_offer_by_link(token: str):
    enrolment = _offer(token)
    if enrolment is None:
        return render_template("enrolment/offer.html", enrolment=None), 404
    answer = request.form.get("answer")
    if answer not in ("accept", "decline"):
        flash(_("Accept or decline the offered place."), "error")
        return redirect(url_for("enrolment.offer_page", token=token), code=303)
    outcome = _attempt(
        services.answer_offer, enrolment.id, actor=enrolment.user, accept=answer == "accept"
    )
    if outcome is not None and outcome.enrolment.status == EnrolmentStatus.EXPIRED:
        flash(_("The offer had expired; the place has gone to the next person."), "error")
    return redirect(url_for("enrolment.offer_page", token=token), code=303)
