"""Everything held about one person (AVG art. 15 and 20), for `/mijn/gegevens`, its JSON
download and `GET /api/v1/me/export`: one statement per section, whatever the amount.

Not in it: the career advisor's private notes about a conversation. They are the advisor's
working notes, which the app shows to nobody else (not organisers, not the API, issue 6);
a person who wants them asks the centre, which weighs the request (art. 15(4), the rights
of others), and erasure deletes them. Not either: token hashes, password hashes, and the
rendered bodies of messages (the kind and subject say what was sent)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from booking.accounts.models import ApiToken, Organisation, Team, User
from booking.advising.models import AdvisorBooking, AdvisorSlot
from booking.attendance.models import AttendanceRecord
from booking.catalogue.models import Course
from booking.certifications.models import AssessmentResult, Award, Certification
from booking.core.db import utcnow
from booking.core.models import AuditEntry
from booking.enrolment.models import Enrolment
from booking.evaluations.models import Evaluation
from booking.events.models import EventChoice, EventRegistration
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.scheduling.models import Event, Meeting, Session

SECTIONS = (
    "profile",
    "enrolments",
    "event_registrations",
    "career_conversations",
    "attendance",
    "assessment_results",
    "certifications",
    "evaluations",
    "messages",
    "api_tokens",
    "audit_about_me",
    "audit_by_me",
)


def export(person_id: int) -> dict[str, Any]:
    """Twelve statements (the audit entries about and by the person in one)."""
    data: dict[str, Any] = {"exported_at": utcnow(), "person_id": person_id}
    data["profile"] = _profile(person_id)
    data["enrolments"] = _enrolments(person_id)
    data["event_registrations"] = _registrations(person_id)
    data["career_conversations"] = _conversations(person_id)
    data["attendance"] = _attendance(person_id)
    data["assessment_results"] = _results(person_id)
    data["certifications"] = _awards(person_id)
    data["evaluations"] = _evaluations(person_id)
    data["messages"] = _messages(person_id)
    data["api_tokens"] = _tokens(person_id)
    data["audit_about_me"], data["audit_by_me"] = _audit(person_id)
    return data


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def to_json(data: dict) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=2)


def jsonable(data: dict) -> dict:
    """The export with dates as ISO 8601 strings (for the API's JSON)."""
    return json.loads(to_json(data))


def _profile(person_id: int) -> dict:
    row = db.session.execute(
        select(User, Organisation.name, Team.name)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.id == person_id)
    ).one()
    user, organisation, team = row
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "organisation": organisation,
        "team": team,
        "education_level": user.education_level,
        "language": user.language,
        "active": user.active,
        "has_password": user.password_hash is not None,
        "has_calendar_address": user.calendar_token_hash is not None,
        "last_login_at": user.last_login_at,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    }


def _enrolments(person_id: int) -> list[dict]:
    booked_by = aliased(User)
    rows = db.session.execute(
        select(Enrolment, Session.starts_at, Session.ends_at, Course.title, booked_by.name)
        .join(Session, Session.id == Enrolment.session_id)
        .join(Course, Course.id == Session.course_id)
        .outerjoin(booked_by, booked_by.id == Enrolment.booked_by_id)
        .where(Enrolment.user_id == person_id)
        .order_by(Session.starts_at, Enrolment.id)
    ).all()
    return [
        {
            "id": e.id,
            "session_id": e.session_id,
            "course": title,
            "session_starts_at": starts,
            "session_ends_at": ends,
            "status": e.status,
            "mode": e.mode,
            "waiting_for": e.waiting_for,
            "queued_at": e.queued_at,
            "needs_approval": e.needs_approval,
            "approval_expires_at": e.approval_expires_at,
            "offer_expires_at": e.offer_expires_at,
            "confirmed_at": e.confirmed_at,
            "booked_by": booker if e.booked_by_id != person_id else None,
            "decided_at": e.decided_at,
            "decision_reason": e.decision_reason,
            "override_reason": e.override_reason,
            "cancelled_at": e.cancelled_at,
            "cancel_reason": e.cancel_reason,
            "late_cancel": e.late_cancel,
            "reminder_sent_at": e.reminder_sent_at,
            "created_at": e.created_at,
            "updated_at": e.updated_at,
        }
        for e, starts, ends, title, booker in rows
    ]


def _registrations(person_id: int) -> list[dict]:
    rows = db.session.execute(
        select(EventRegistration, Event.title, EventChoice.session_id, EventChoice.enrolment_id)
        .join(Event, Event.id == EventRegistration.event_id)
        .outerjoin(EventChoice, EventChoice.registration_id == EventRegistration.id)
        .where(EventRegistration.user_id == person_id)
        .order_by(EventRegistration.id, EventChoice.id)
    ).all()
    found: dict[int, dict] = {}
    for registration, title, session_id, enrolment_id in rows:
        entry = found.setdefault(
            registration.id,
            {
                "id": registration.id,
                "event": title,
                "status": registration.status,
                "registered_at": registration.created_at,
                "cancelled_at": registration.cancelled_at,
                "choices": [],
            },
        )
        if session_id is not None:
            entry["choices"].append({"session_id": session_id, "enrolment_id": enrolment_id})
    return list(found.values())


def _conversations(person_id: int) -> list[dict]:
    advisor = aliased(User)
    rows = db.session.execute(
        select(AdvisorBooking, AdvisorSlot, advisor.name)
        .join(AdvisorSlot, AdvisorSlot.id == AdvisorBooking.slot_id)
        .join(advisor, advisor.id == AdvisorSlot.advisor_id)
        .where(AdvisorBooking.user_id == person_id)
        .order_by(AdvisorSlot.starts_at)
    ).all()
    return [
        {
            "id": booking.id,
            "advisor": name,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "mode": slot.mode,
            "status": booking.status,
            "booked_at": booking.created_at,
            "cancelled_at": booking.cancelled_at,
        }
        for booking, slot, name in rows
    ]


def _attendance(person_id: int) -> list[dict]:
    rows = db.session.execute(
        select(AttendanceRecord, Meeting.starts_at, Course.title)
        .join(Enrolment, Enrolment.id == AttendanceRecord.enrolment_id)
        .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
        .join(Session, Session.id == Enrolment.session_id)
        .join(Course, Course.id == Session.course_id)
        .where(Enrolment.user_id == person_id)
        .order_by(Meeting.starts_at)
    ).all()
    return [
        {
            "enrolment_id": record.enrolment_id,
            "course": title,
            "meeting_starts_at": starts,
            "status": record.status,
            "source": record.source,
            "recorded_at": record.recorded_at,
        }
        for record, starts, title in rows
    ]


def _results(person_id: int) -> list[dict]:
    rows = db.session.execute(
        select(AssessmentResult, Certification.name_nl, Certification.name_en)
        .join(Enrolment, Enrolment.id == AssessmentResult.enrolment_id)
        .join(Certification, Certification.id == AssessmentResult.certification_id)
        .where(Enrolment.user_id == person_id)
        .order_by(AssessmentResult.recorded_at)
    ).all()
    return [
        {
            "enrolment_id": result.enrolment_id,
            "certification": name_nl,
            "certification_en": name_en,
            "passed": result.passed,
            "score": result.score,
            "recorded_at": result.recorded_at,
        }
        for result, name_nl, name_en in rows
    ]


def _evaluations(person_id: int) -> list[dict]:
    """What the person said of the sessions they followed: organisers see it only pooled and
    without names, but it is theirs."""
    rows = db.session.execute(
        select(Evaluation, Course.title)
        .join(Enrolment, Enrolment.id == Evaluation.enrolment_id)
        .join(Session, Session.id == Enrolment.session_id)
        .join(Course, Course.id == Session.course_id)
        .where(Enrolment.user_id == person_id)
        .order_by(Evaluation.submitted_at)
    ).all()
    return [
        {
            "enrolment_id": answer.enrolment_id,
            "course": title,
            "content": answer.content,
            "trainer": answer.trainer,
            "organisation": answer.organisation,
            "comment": answer.comment,
            "submitted_at": answer.submitted_at,
        }
        for answer, title in rows
    ]


def _awards(person_id: int) -> list[dict]:
    now = utcnow()
    awards = db.session.scalars(
        select(Award).where(Award.user_id == person_id).order_by(Award.issued_at)
    ).all()
    return [
        {
            "id": award.id,
            "certification": award.certification.name_nl,
            "certification_en": award.certification.name_en,
            "code": award.code,
            "status": str(award.status(now)),
            "issued_at": award.issued_at,
            "expires_at": award.expires_at,
            "enrolment_id": award.enrolment_id,
            "evidence_note": award.evidence_note,
            "ended_at": award.ended_at,
            "revoke_reason": award.revoke_reason,
        }
        for award in awards
    ]


def _messages(person_id: int) -> list[dict]:
    rows = db.session.execute(
        select(
            OutboxMessage.kind,
            OutboxMessage.subject,
            OutboxMessage.email,
            OutboxMessage.status,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
            OutboxMessage.session_id,
            OutboxMessage.enrolment_id,
        )
        .where(OutboxMessage.user_id == person_id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    return [
        {
            "kind": kind,
            "subject": subject,
            "to": email,
            "status": status,
            "queued_at": created,
            "sent_at": sent,
            "session_id": session_id,
            "enrolment_id": enrolment_id,
        }
        for kind, subject, email, status, created, sent, session_id, enrolment_id in rows
    ]


def _tokens(person_id: int) -> list[dict]:
    rows = db.session.execute(
        select(
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.created_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.user_id == person_id)
        .order_by(ApiToken.created_at)
    ).all()
    return [
        {"name": n, "prefix": p, "created_at": c, "last_used_at": u, "revoked_at": r}
        for n, p, c, u, r in rows
    ]


def about(person_id: int):
    """The condition of audit entries about a person: on their account, or on one of their
    places, awards, event registrations or career conversations (a subquery each, no
    statement of its own)."""
    targets = {
        "users": None,
        "enrolments": select(Enrolment.id).where(Enrolment.user_id == person_id),
        "awards": select(Award.id).where(Award.user_id == person_id),
        "advisor_bookings": select(AdvisorBooking.id).where(AdvisorBooking.user_id == person_id),
        "event_registrations": select(EventRegistration.id).where(
            EventRegistration.user_id == person_id
        ),
    }
    conditions = []
    for table, ids in targets.items():
        if ids is None:
            conditions.append(
                (AuditEntry.target_type == table) & (AuditEntry.target_id == person_id)
            )
        else:
            conditions.append((AuditEntry.target_type == table) & AuditEntry.target_id.in_(ids))
    return or_(*conditions)


def _audit(person_id: int) -> tuple[list[dict], list[dict]]:
    actor = aliased(User)
    is_about = about(person_id)
    rows = db.session.execute(
        select(AuditEntry, actor.name, is_about.label("about"))
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .where(or_(is_about, AuditEntry.actor_id == person_id))
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
    about_me, by_me = [], []
    for entry, actor_name, is_about_me in rows:
        item = {
            "at": entry.at,
            "actor": actor_name,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "before": entry.before,
            "after": entry.after,
        }
        if is_about_me:
            about_me.append(item)
        if entry.actor_id == person_id:
            by_me.append(item)
    return about_me, by_me
