"""`/deelnemen/<token>`: the join link's redirect (see `enrolment.join_links`)."""

from __future__ import annotations

from flask import redirect, render_template
from sqlalchemy.orm import joinedload

from booking.core.db import utcnow
from booking.enrolment.common import JoinState, join_opens_at, join_state
from booking.enrolment.join_links import join_link_opened, read_join_token
from booking.enrolment.models import Enrolment
from booking.enrolment.views import bp
from booking.extensions import db, limiter
from booking.scheduling.models import Session


@bp.get("/deelnemen/<token>")
@limiter.limit("60/minute")
def join(token: str):
    """Redirect to the meeting while the window is open; otherwise say why not. Needs no
    log-in: the signed token is the person's own (a mail opened on another device)."""
    claim = read_join_token(token)
    enrolment = None
    if claim is not None:
        enrolment = db.session.get(
            Enrolment,
            claim[0],
            options=[
                joinedload(Enrolment.session).joinedload(Session.online_venue),
                joinedload(Enrolment.session).joinedload(Session.course),
            ],
        )
        if enrolment is not None and enrolment.user_id != claim[1]:
            enrolment = None
    if enrolment is None:
        return render_template("enrolment/join.html", state=JoinState.NOT_YOURS), 404
    now = utcnow()
    state = join_state(enrolment, now)
    if state == JoinState.OPEN:
        join_link_opened.send(enrolment, at=now)
        return redirect(enrolment.session.online_venue.join_url, code=303)
    status = 403 if state == JoinState.NOT_YOURS else 409
    return (
        render_template(
            "enrolment/join.html",
            state=state,
            place_session=enrolment.session,
            opens_at=join_opens_at(enrolment.session),
        ),
        status,
    )
