"""The messages of certifications: their stored codes, labels, subjects, the family that
loads what their templates read, and the certificate attached to the award message
(notifications.registry). Each is about one award (`data["award_id"]`).

The codes are stored in `outbox_messages.kind` and wait there until sent: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.accounts.models import User
from booking.certifications import certificate
from booking.certifications.models import Award
from booking.certifications.services import Kind, renewing_sessions
from booking.core.db import utcnow
from booking.core.timez import local
from booking.core.urls import external_url
from booking.extensions import db
from booking.notifications.registry import (
    Content,
    File,
    kinds_of,
    register_files,
    register_kinds,
)

FAMILY = "certifications"
TEMPLATES = "certifications/messages"
CODES = (Kind.AWARDED, Kind.WITHDRAWN, Kind.REVOKED, Kind.EXPIRING, Kind.EXPIRING_TEAM)

SUBJECTS = {
    Kind.AWARDED: _l("Your certificate: %(certification)s"),
    Kind.WITHDRAWN: _l("Certificate withdrawn: %(certification)s"),
    Kind.REVOKED: _l("Certificate revoked: %(certification)s"),
    Kind.EXPIRING: _l("Your certification expires on %(date)s: %(certification)s"),
    Kind.EXPIRING_TEAM: _l("%(name)s's certification expires on %(date)s: %(certification)s"),
}
LABELS = {
    Kind.AWARDED: _l("Certificate awarded"),
    Kind.WITHDRAWN: _l("Certificate withdrawn"),
    Kind.REVOKED: _l("Certificate revoked"),
    Kind.EXPIRING: _l("Certification expiring"),
    Kind.EXPIRING_TEAM: _l("Team member's certification expiring"),
}
KINDS = kinds_of(CODES, FAMILY, LABELS, SUBJECTS, TEMPLATES)


@dataclass
class Batch:
    awards: dict
    users: dict
    renewing: dict  # certification id -> sessions that renew it


class CertificationMessages:
    """Three queries per batch (four with expiry notices), whatever its size."""

    name = FAMILY

    def load(self, messages: list) -> Batch:
        ids = {
            m.data.get("award_id")
            for m in messages
            if isinstance((m.data or {}).get("award_id"), int)
        }
        awards = {}
        if ids:
            awards = {
                a.id: a
                for a in db.session.scalars(
                    select(Award).where(Award.id.in_(ids)).options(joinedload(Award.user))
                )
            }
        user_ids = {m.user_id for m in messages if m.user_id}
        users = {}
        if user_ids:
            users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        expiring = {
            awards[m.data["award_id"]].certification_id
            for m in messages
            if m.kind in (Kind.EXPIRING, Kind.EXPIRING_TEAM) and m.data.get("award_id") in awards
        }
        return Batch(awards, users, renewing_sessions(expiring, utcnow()) if expiring else {})

    def describe(self, message, batch: Batch) -> Content:
        award = batch.awards.get((message.data or {}).get("award_id"))
        recipient = batch.users.get(message.user_id) if message.user_id else None
        language = str(get_locale() or "nl")
        name = award.certification.name(language) if award is not None else ""
        holder = award.user.name if award is not None else ""
        expires = award.expires_at if award is not None else None
        variables = {
            "recipient": recipient.name if recipient is not None else None,
            "award": award,
            "certification": name,
            "holder": holder,
            "renewing": batch.renewing.get(award.certification_id, []) if award else [],
            "verify_url": certificate.verify_url(award) if award is not None else None,
            "page_url": external_url("certifications.mine"),
            "team_url": external_url("certifications.team"),
        }
        date = ""
        if expires is not None:
            date = format_date(local(expires).date(), "long")
        return Content(
            variables=variables, subject={"certification": name, "name": holder, "date": date}
        )


def award_files(message, batch: Batch) -> list[File]:
    """The certificate, attached to the award message (in the recipient's language)."""
    if message.kind != Kind.AWARDED:
        return []
    award = batch.awards.get((message.data or {}).get("award_id"))
    if award is None or award.user_id != message.user_id:
        return []
    data = certificate.render_pdf(award, message.language)
    return [File(certificate.filename(award), "application/pdf", data)]


def register(app: Flask) -> None:
    register_kinds(app, CertificationMessages(), KINDS)
    register_files(app, FAMILY, award_files)
