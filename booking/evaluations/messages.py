"""The message of evaluations: the invitation to evaluate a session that ended, with the
link to the (logged-in) evaluation page. About one place (`data["enrolment_id"]`).

The code is stored in `outbox_messages.kind`: never rename it.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.core.urls import external_url
from booking.enrolment.models import Enrolment
from booking.evaluations.services import Kind
from booking.extensions import db
from booking.notifications.registry import Content, kinds_of, register_kinds
from booking.scheduling.models import Session

FAMILY = "evaluations"
TEMPLATES = "evaluations/messages"
CODES = (Kind.INVITE,)
SUBJECTS = {Kind.INVITE: _l("How was it? Evaluate %(course)s")}
LABELS = {Kind.INVITE: _l("Invitation to evaluate a session")}
KINDS = kinds_of(CODES, FAMILY, LABELS, SUBJECTS, TEMPLATES)


class EvaluationMessages:
    """One query per batch, whatever its size."""

    name = FAMILY

    def load(self, messages: list) -> dict:
        ids = {
            m.data.get("enrolment_id")
            for m in messages
            if isinstance((m.data or {}).get("enrolment_id"), int)
        }
        if not ids:
            return {}
        return {
            e.id: e
            for e in db.session.scalars(
                select(Enrolment)
                .where(Enrolment.id.in_(ids))
                .options(
                    joinedload(Enrolment.user),
                    joinedload(Enrolment.session).joinedload(Session.course),
                )
            )
        }

    def describe(self, message, batch: dict) -> Content:
        enrolment = batch.get((message.data or {}).get("enrolment_id"))
        course = enrolment.session.course.title if enrolment is not None else ""
        variables = {
            "recipient": enrolment.user.name if enrolment is not None else None,
            "course": course,
            "session": enrolment.session if enrolment is not None else None,
            "evaluation_url": (
                external_url("evaluations.answer", enrolment_id=enrolment.id)
                if enrolment is not None
                else None
            ),
        }
        return Content(variables=variables, subject={"course": course})


def register(app: Flask) -> None:
    register_kinds(app, EvaluationMessages(), KINDS)
