"""Calendar pages: the subscription feeds (no log-in: the token in the address is the
secret), making a new address, and the organisers' list of feed addresses per course."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from booking.calendar import feeds
from booking.catalogue.models import Course
from booking.core.auth import organiser_required
from booking.core.db import atomic, utcnow
from booking.extensions import db
from booking.scheduling.models import Session, SessionStatus

bp = Blueprint("calendar", __name__)

CACHE_CONTROL = "private, max-age=300"  # calendar programs poll; five minutes is fresh enough


def calendar_response(body: str, method: str | None = None) -> Response:
    """text/calendar with a strong ETag (the body's hash), answered 304 when unchanged."""
    content_type = "text/calendar; charset=utf-8"
    if method:
        content_type = f"text/calendar; method={method}; charset=utf-8"
    response = Response(body, content_type=content_type)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Robots-Tag"] = "noindex"
    response.add_etag()
    return response.make_conditional(request)


# -- feeds --------------------------------------------------------------------------------------


@bp.get("/calendar/<token>.ics")
def personal_feed(token: str):
    user = feeds.user_by_token(token)
    if user is None:
        abort(404)
    return calendar_response(feeds.personal_feed(user))


@bp.get("/calendar/<token>/sessions.ics")
def organiser_feed(token: str):
    """All coming sessions, or one course's (`?course=<slug>`); only for organisers."""
    user = feeds.user_by_token(token)
    if user is None or not user.is_organiser:
        abort(404)
    course = None
    slug = request.args.get("course")
    if slug:
        course = feeds.course_by_slug(slug[:120])
        if course is None:
            abort(404)
    return calendar_response(feeds.organiser_feed(user, course))


# -- the address --------------------------------------------------------------------------------


@bp.before_app_request
def _address_on_first_account_visit():
    """The account page shows the feed address: make it before that page is built, in a
    transaction of its own, so the page itself stays read-only."""
    if (
        request.endpoint == "accounts.account"
        and request.method == "GET"
        and current_user.is_authenticated
        and not current_user.calendar_token
    ):
        atomic(feeds.ensure_token, current_user._get_current_object())


@bp.post("/account/agenda/nieuw-adres")
@login_required
def new_address():
    atomic(feeds.new_token, current_user._get_current_object())
    flash(_("Your calendar has a new address. The old address no longer works."), "success")
    return redirect(url_for("accounts.account") + "#calendar")


def feed_url(endpoint: str, token: str, **args) -> str:
    return url_for(endpoint, token=token, _external=True, **args)


def webcal(url: str) -> str:
    """The same address for calendar programs that subscribe on a click."""
    return "webcal://" + url.split("://", 1)[-1]


@bp.app_context_processor
def _calendar_helpers():
    return {"calendar_feed_url": feed_url, "webcal_url": webcal}


@bp.get("/beheer/agenda")
@organiser_required
def organiser_feeds():
    """Feed addresses for all coming sessions and per course with coming sessions."""
    user = current_user._get_current_object()
    token = atomic(feeds.ensure_token, user)
    coming = (
        select(
            Session.course_id,
            func.count(Session.id).label("sessions"),
            func.min(Session.starts_at).label("next_start"),
        )
        .where(Session.status == SessionStatus.SCHEDULED, Session.ends_at > utcnow())
        .group_by(Session.course_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Course.title, Course.slug, coming.c.sessions, coming.c.next_start)
        .join(coming, coming.c.course_id == Course.id)
        .order_by(Course.title)
    ).all()
    return render_template("calendar/organiser_feeds.html", token=token, rows=rows)
