"""Organisers' view of the outbox: messages that could not be delivered, and "send again".

A message fails when the mail server refused it for good (an unknown mailbox, say) or after
two days of trying; an organiser can fix the cause (the person's address) and send it again.
"""

from __future__ import annotations

import math

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.web import arg_id
from booking.extensions import db
from booking.notifications import registry
from booking.notifications.models import MessageStatus, OutboxMessage
from booking.notifications.services import failed_messages, send_again

bp = Blueprint("notifications_manage", __name__)


def kind_label(kind: str) -> str:
    """The label the kind's feature registered, or the stored code of a kind no feature
    registers any more (its old rows can still be listed and sent again)."""
    found = registry.find_kind(kind)
    return str(found.label) if found is not None else kind


# -- reading and changing the outbox -------------------------------------------------------------


def _filters() -> tuple[str | None, int | None]:
    kind = request.values.get("soort") or None
    if kind is not None and registry.find_kind(kind) is None:
        kind = None
    return kind, arg_id("sessie") or None


# -- pages ----------------------------------------------------------------------------------------


@bp.get("/beheer/berichten")
@organiser_required
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
    sessions = registry.session_names([*failed_session_ids, *(m.session_id for m in failed)])
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
        kinds=sorted(((k.code, str(k.label)) for k in registry.kinds()), key=lambda p: p[1]),
        sessions=sessions,
        session_choices=sorted(
            ((i, sessions[i]) for i in failed_session_ids if i in sessions),
            key=lambda pair: pair[1].sort_key,
        ),
        kind_label=kind_label,
    )


def _send_listed_again(kind, session_id, actor) -> int:
    listed = db.session.scalars(failed_messages(kind, session_id)).all()
    return send_again(listed, actor)


def _back(kind, session_id):
    return redirect(url_for(".messages", soort=kind, sessie=session_id))


@bp.post("/beheer/berichten/<int:message_id>/opnieuw")
@organiser_required
def send_one_again(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if atomic(send_again, [message], current_user._get_current_object()):
        flash(_("The message to %(email)s will be sent again.", email=message.email), "success")
    else:
        flash(_("This message is not waiting to be sent again."), "info")
    return _back(*_filters())


@bp.post("/beheer/berichten/opnieuw")
@organiser_required
def send_all_again():
    """Every failed message the current filter shows (all pages), e.g. after the mail
    server's configuration was fixed."""
    kind, session_id = _filters()
    count = atomic(_send_listed_again, kind, session_id, current_user._get_current_object())
    flash(
        ngettext(
            "%(num)d message will be sent again.", "%(num)d messages will be sent again.", count
        ),
        "success",
    )
    return _back(kind, session_id)
