"""Calendar pages: the subscription feeds (no log-in: the token in the address is the
secret), making a new address, and the organisers' list of feed addresses per course."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
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
# Only a hash of the secret is kept (like an API token), so an address is shown once: on the
# answer to the POST that makes it, never in a redirect, a cookie or a later page. A person
# who lost it makes a new one, which stops the old one.


@bp.post("/account/agenda/nieuw-adres")
@login_required
def new_address():
    user = current_user._get_current_object()
    replaced = feeds.has_address(user)
    token = atomic(feeds.new_token, user)
    return _shown_once(render_template("calendar/address.html", token=token, replaced=replaced))


def _shown_once(page: str) -> Response:
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"  # the secret stays out of every cache
    return response


def feed_url(endpoint: str, token: str, **args) -> str:
    return url_for(endpoint, token=token, _external=True, **args)


def webcal(url: str) -> str:
    """The same address for calendar programs that subscribe on a click."""
    return "webcal://" + url.split("://", 1)[-1]


@bp.app_context_processor
def _calendar_helpers():
    return {"calendar_feed_url": feed_url, "webcal_url": webcal}


@bp.route("/beheer/agenda", methods=["GET", "POST"])
@organiser_required
def organiser_feeds():
    """Feed addresses for all coming sessions and per course with coming sessions. They
    carry the person's secret, so they are listed with it only on the POST that makes a new
    one (which stops the old addresses); a GET lists the courses and offers that."""
    user = current_user._get_current_object()
    token = None
    if request.method == "POST":
        token = atomic(feeds.new_token, user)
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
    page = render_template(
        "calendar/organiser_feeds.html",
        token=token,
        rows=rows,
        has_address=feeds.has_address(user),
    )
    return _shown_once(page) if token else page
