"""Retention: the details of old enrolments and attendance are anonymised per organisation
(its `retention_policies.months`, else RETENTION_MONTHS, 24) after the session ended.

"Details" means the link between a person and what they did: the places (with their
attendance, assessment results and booked time), event registrations and career
conversations of sessions, events and slots that ended before the cut-off. Those rows stay,
so every count (places taken, attendance per meeting, reach per organisation and education
level) stays right, but move to a *stand-in*: a `users` row with no name, no address and no
log-in, in the same organisation and education level, one per person and run (so a person's
old records aged on one day hang together, and nothing joins them to the person or to what
aged on another day). On those rows the free text about the person (reasons for a
cancellation, a decision, an overlap) is replaced and who acted is forgotten; a certificate
keeps its holder but loses its link to the place; a message about such a place keeps its
kind, status and dates but loses its place, session and text.

The person keeps their account and everything newer. Idempotent: what moved is the
stand-in's, and a stand-in or an erased person is never moved again. The periodic duty
(`duty`) runs it; `flask --app booking retention --dry-run` and the administrators' page
show what it would do (`plan`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from sqlalchemy import exists, select, update

from booking.accounts.models import Organisation, Role, User
from booking.advising.models import AdvisorBooking, AdvisorNote, AdvisorSlot
from booking.attendance.models import AttendanceRecord
from booking.certifications.models import Award
from booking.core.db import atomic, utcnow
from booking.core.models import audit
from booking.enrolment.models import BookedSlot, Enrolment
from booking.events.models import EventRegistration
from booking.extensions import db
from booking.notifications.models import MessageStatus, OutboxMessage
from booking.notifications.registry import register_duty
from booking.privacy.models import AnonymousKind, AnonymousPerson
from booking.privacy.services import (
    ANONYMOUS_NAME,
    ERASED_REASON,
    anonymous_email,
    default_months,
    retention_months,
)
from booking.scheduling.models import Event, Session

PEOPLE_PER_RUN = 200  # a tick of the duty does at most this many people; the next goes on


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 - months
    year = moment.year + month // 12
    month = month % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class Aged:
    """One person's records older than their organisation's cut-off."""

    user_id: int
    organisation_id: int | None
    education_level: str | None
    enrolments: list[int] = field(default_factory=list)
    registrations: list[int] = field(default_factory=list)
    conversations: list[int] = field(default_factory=list)
    attendance: int = 0


@dataclass
class OrganisationPlan:
    organisation_id: int | None
    name: str | None
    months: int
    cutoff: datetime
    people: int = 0
    enrolments: int = 0
    attendance_records: int = 0
    event_registrations: int = 0
    career_conversations: int = 0


def _not_anonymous():
    return ~exists().where(AnonymousPerson.user_id == User.id)


def _aged(now: datetime, limit: int | None = None) -> tuple[dict[int, Aged], dict]:
    """The people with records past their cut-off, and the cut-off of each organisation.
    A fixed number of statements: one per kind of record, and the settings."""
    months = retention_months()
    cutoffs: dict[int | None, datetime] = {org: add_months(now, m) for org, m in months.items()}
    default_cutoff = add_months(now, default_months())
    people: dict[int, Aged] = {}

    def cutoff_of(org_id):
        return cutoffs.get(org_id, default_cutoff)

    def person(user: User) -> Aged:
        if user.id not in people:
            people[user.id] = Aged(user.id, user.organisation_id, user.education_level)
        return people[user.id]

    # The latest cut-off bounds every query; each row is then checked against its own.
    latest = max([default_cutoff, *cutoffs.values()])
    # What ages, with the period it belongs to and the person's list it goes on.
    sources = (
        (Enrolment, Session, Enrolment.session_id, Enrolment.user_id, "enrolments"),
        (
            EventRegistration,
            Event,
            EventRegistration.event_id,
            EventRegistration.user_id,
            "registrations",
        ),
        (
            AdvisorBooking,
            AdvisorSlot,
            AdvisorBooking.slot_id,
            AdvisorBooking.user_id,
            "conversations",
        ),
    )
    for model, period, period_id, owner_id, bucket in sources:
        rows = db.session.execute(
            select(model.id, period.ends_at, User)
            .join(period, period.id == period_id)
            .join(User, User.id == owner_id)
            .where(period.ends_at < latest, _not_anonymous())
            .order_by(User.id, model.id)
        ).all()
        for row_id, ends_at, user in rows:
            if ends_at < cutoff_of(user.organisation_id):
                getattr(person(user), bucket).append(row_id)
    if limit is not None and len(people) > limit:
        people = dict(list(sorted(people.items()))[:limit])
    ids = [e for p in people.values() for e in p.enrolments]
    if ids:
        owners = {e: p for p in people.values() for e in p.enrolments}
        for (enrolment_id,) in db.session.execute(
            select(AttendanceRecord.enrolment_id).where(AttendanceRecord.enrolment_id.in_(ids))
        ):
            owners[enrolment_id].attendance += 1
    return people, {"cutoffs": cutoffs, "months": months, "default": default_cutoff}


def plan(now: datetime | None = None) -> list[OrganisationPlan]:
    """What a run would anonymise, per organisation (the dry run): nothing is changed."""
    now = now or utcnow()
    people, settings = _aged(now)
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    plans: dict[int | None, OrganisationPlan] = {}
    for org_id, months in settings["months"].items():
        plans[org_id] = OrganisationPlan(
            org_id, names.get(org_id), months, settings["cutoffs"][org_id]
        )
    for aged in people.values():
        org_id = aged.organisation_id
        if org_id not in plans:
            plans[org_id] = OrganisationPlan(None, None, default_months(), settings["default"])
        entry = plans[org_id]
        entry.people += 1
        entry.enrolments += len(aged.enrolments)
        entry.attendance_records += aged.attendance
        entry.event_registrations += len(aged.registrations)
        entry.career_conversations += len(aged.conversations)
    return sorted(plans.values(), key=lambda p: (p.name is None, p.name or ""))


def _rowcount(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _move(aged: Aged, now: datetime) -> None:
    """One person's aged records to a new stand-in."""
    stand_in = User(
        name=ANONYMOUS_NAME,
        email=anonymous_email(f"stand-in-{secrets.token_hex(8)}"),
        role=Role.PARTICIPANT,
        organisation_id=aged.organisation_id,
        education_level=aged.education_level,
        active=False,
    )
    db.session.add(stand_in)
    db.session.flush()
    db.session.add(AnonymousPerson(user_id=stand_in.id, kind=AnonymousKind.STAND_IN, at=now))
    person_id, ids = aged.user_id, aged.enrolments
    if ids:
        enrolments = Enrolment.id.in_(ids)
        _rowcount(
            update(Enrolment)
            .where(enrolments)
            .values(
                user_id=stand_in.id, booked_by_id=None, decided_by_id=None, cancelled_by_id=None
            )
        )
        for column in (
            Enrolment.cancel_reason,
            Enrolment.decision_reason,
            Enrolment.override_reason,
        ):
            _rowcount(
                update(Enrolment)
                .where(enrolments, column.is_not(None))
                .values({column.key: ERASED_REASON})
            )
        _rowcount(
            update(BookedSlot).where(BookedSlot.enrolment_id.in_(ids)).values(user_id=stand_in.id)
        )
        _rowcount(
            update(AttendanceRecord)
            .where(
                AttendanceRecord.enrolment_id.in_(ids), AttendanceRecord.recorded_by_id == person_id
            )
            .values(recorded_by_id=None)
        )
        _rowcount(update(Award).where(Award.enrolment_id.in_(ids)).values(enrolment_id=None))
        _rowcount(
            update(OutboxMessage)
            .where(
                OutboxMessage.enrolment_id.in_(ids), OutboxMessage.status != MessageStatus.PENDING
            )
            .values(
                enrolment_id=None,
                session_id=None,
                subject=None,
                body_text=None,
                body_html=None,
                ics=None,
            )
        )
    if aged.registrations:
        _rowcount(
            update(EventRegistration)
            .where(EventRegistration.id.in_(aged.registrations))
            .values(user_id=stand_in.id, created_by_id=None, cancelled_by_id=None)
        )
    if aged.conversations:
        _rowcount(
            update(AdvisorBooking)
            .where(AdvisorBooking.id.in_(aged.conversations))
            .values(user_id=stand_in.id, booked_by_id=None, cancelled_by_id=None)
        )
        _rowcount(
            AdvisorNote.__table__.delete().where(AdvisorNote.booking_id.in_(aged.conversations))
        )


def run(now: datetime | None = None, limit: int | None = PEOPLE_PER_RUN) -> dict[str, int]:
    """Anonymise what is past its cut-off (inside the caller's unit of work)."""
    now = now or utcnow()
    people, _settings = _aged(now, limit=limit)
    counts = {
        "people": 0,
        "enrolments": 0,
        "attendance_records": 0,
        "event_registrations": 0,
        "career_conversations": 0,
    }
    for aged in people.values():
        _move(aged, now)
        counts["people"] += 1
        counts["enrolments"] += len(aged.enrolments)
        counts["attendance_records"] += aged.attendance
        counts["event_registrations"] += len(aged.registrations)
        counts["career_conversations"] += len(aged.conversations)
    if counts["people"]:
        db.session.flush()
        audit(None, "retention.applied", _Run(), after=counts)
    return counts


class _Run:
    """The audit's target of a retention run (no row of its own)."""

    __tablename__ = "retention"
    id = None


def duty(now: datetime | None = None) -> dict[str, int]:
    """The periodic duty: one unit of work per tick, at most PEOPLE_PER_RUN people."""
    counts = atomic(run, now)
    return {f"retention_{key}": value for key, value in counts.items() if value}


def register(app: Flask) -> None:
    register_duty(app, "privacy.retention", duty)
