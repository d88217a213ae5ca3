"""Organisers' view of the outbox: messages that could not be delivered, and "send again".

A message fails when the mail server refused it for good (an unknown mailbox, say) or after
two days of trying; an organiser can fix the cause (the person's address) and send it again.
"""

from __future__ import annotations

import math

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from booking.accounts.models import Role
from booking.core.auth import roles_required
from booking.extensions import db
from booking.notifications.models import MessageKind, MessageStatus, OutboxMessage
from booking.notifications.services import failed_messages, send_again
from booking.scheduling.models import Session

bp = Blueprint("notifications_manage", __name__)
ORGANISERS = (Role.ORGANISER, Role.ADMIN)
K = MessageKind
KIND_LABELS = {
    K.ENROLMENT_CONFIRMED: _l("Place confirmed"),
    K.WAITLISTED: _l("On the waitlist"),
    K.PROMOTED: _l("Promoted from the waitlist"),
    K.OFFER: _l("Place offered"),
    K.OFFER_EXPIRED: _l("Offer expired"),
    K.OFFER_DECLINED: _l("Offer declined"),
    K.APPROVAL_REQUESTED: _l("Approval requested (to the team leader)"),
    K.APPROVAL_PENDING: _l("Waiting for approval"),
    K.APPROVED: _l("Approved"),
    K.APPROVAL_DECLINED: _l("Approval declined"),
    K.APPROVAL_EXPIRED: _l("Approval expired"),
    K.CANCELLED: _l("Place cancelled"),
    K.MODE_CHANGED: _l("Attendance mode changed"),
    K.SESSION_CHANGED: _l("Session changed"),
    K.SESSION_CANCELLED: _l("Session cancelled"),
    K.REMINDER: _l("Reminder"),
    K.TEAM_BOOKING_SUMMARY: _l("Team booking summary"),
    K.IN_COMPANY_REQUESTED: _l("In-company request (to the organisers)"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


# -- reading and changing the outbox -------------------------------------------------------------


def _filters() -> tuple[str | None, int | None]:
    kind = request.values.get("soort") or None
    if kind is not None and kind not in set(MessageKind):
        kind = None
    session_id = request.values.get("sessie", type=int)
    return kind, (session_id if session_id and 0 < session_id < 2**31 else None)


def _sessions(ids) -> dict[int, Session]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    found = db.session.scalars(
        select(Session).where(Session.id.in_(ids)).options(joinedload(Session.course))
    )
    return {s.id: s for s in found}


# -- pages ----------------------------------------------------------------------------------------


@bp.get("/beheer/berichten")
@roles_required(*ORGANISERS)
def messages():
    kind, session_id = _filters()
    size = int(current_app.config["PAGE_SIZE"])
    total = db.session.scalar(
        failed_messages(kind, session_id)
        .with_only_columns(func.count(OutboxMessage.id))
        .order_by(None)
    )
    pages = max(math.ceil(total / size), 1)
    page = min(max(request.args.get("pagina", 1, type=int), 1), pages)
    failed = db.session.scalars(
        failed_messages(kind, session_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        ).all()
    )
    failed_session_ids = db.session.scalars(
        select(OutboxMessage.session_id)
        .where(OutboxMessage.status == MessageStatus.FAILED, OutboxMessage.session_id.is_not(None))
        .distinct()
    ).all()
    sessions = _sessions([*failed_session_ids, *(m.session_id for m in failed)])
    return render_template(
        "notifications/manage/messages.html",
        failed=failed,
        total=total,
        page=page,
        pages=pages,
        pending=counts.get(MessageStatus.PENDING, 0),
        failed_count=counts.get(MessageStatus.FAILED, 0),
        kind=kind,
        session_id=session_id,
        kinds=sorted(((k.value, kind_label(k)) for k in MessageKind), key=lambda p: p[1]),
        sessions=sessions,
        session_choices=sorted(
            (sessions[i] for i in failed_session_ids if i in sessions), key=lambda s: s.starts_at
        ),
        kind_label=kind_label,
    )


def _back(kind, session_id):
    return redirect(url_for(".messages", soort=kind, sessie=session_id))


@bp.post("/beheer/berichten/<int:message_id>/opnieuw")
@roles_required(*ORGANISERS)
def send_one_again(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if send_again([message], current_user._get_current_object()):
        db.session.commit()
        flash(_("The message to %(email)s will be sent again.", email=message.email), "success")
    else:
        flash(_("This message is not waiting to be sent again."), "info")
    return _back(*_filters())


@bp.post("/beheer/berichten/opnieuw")
@roles_required(*ORGANISERS)
def send_all_again():
    """Every failed message the current filter shows (all pages), e.g. after the mail
    server's configuration was fixed."""
    kind, session_id = _filters()
    listed = db.session.scalars(failed_messages(kind, session_id)).all()
    count = send_again(listed, current_user._get_current_object())
    db.session.commit()
    flash(
        ngettext(
            "%(num)d message will be sent again.", "%(num)d messages will be sent again.", count
        ),
        "success",
    )
    return _back(kind, session_id)
