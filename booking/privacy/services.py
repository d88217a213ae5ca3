"""Erasure on request and the retention settings: the rules, for the pages and the API alike.

Erasing a person keeps their rows and empties them, so that every figure built from rows
(places taken, attendance per meeting, waitlist order, reach per organisation) stays right:
their `users` row keeps only its organisation and education level (the dimensions of the
aggregate reports), and everything that names them is replaced or removed. What is still to
come is ended first, through the features' own services, so that waitlists move on and
others are told (docs/architecture.md, "booking.privacy")."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from booking.accounts.models import ANONYMOUS_DOMAIN, ApiToken, Organisation, Role, User
from booking.accounts.services import email_key
from booking.advising import services as advising
from booking.advising.models import AdvisorBooking, AdvisorNote, AdvisorProfile, AdvisorSlot
from booking.advising.models import BookingStatus as ConversationStatus
from booking.certifications.models import Award, AwardState
from booking.core.db import utcnow
from booking.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from booking.core.models import AuditEntry, audit
from booking.enrolment import services as enrolment
from booking.enrolment.models import ACTIVE, Enrolment
from booking.events import services as events
from booking.events.models import EventRegistration, RegistrationStatus
from booking.extensions import db
from booking.notifications.models import MessageStatus, OutboxMessage
from booking.privacy.models import (
    MAX_MONTHS,
    MIN_MONTHS,
    AnonymousKind,
    AnonymousPerson,
    RetentionPolicy,
)
from booking.scheduling.models import Event, Session

# Stored, not translated: the pages show it wherever the name was.
ANONYMOUS_NAME = "Anoniem"
ERASED_REASON = "[erased]"  # stands in for free text that named or described the person


def anonymous_email(tag: str) -> str:
    return f"{tag}@{ANONYMOUS_DOMAIN}"


def email_digest(email: str) -> str:
    """A keyed digest of an address: kept after erasure to recognise a repeated request.
    Without SECRET_KEY it cannot be turned back into the address, nor guessed at."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email_key(email).encode(), hashlib.sha256).hexdigest()


def _admin_only(actor: User | None) -> None:
    if actor is None or actor.role != Role.ADMIN:
        raise PermissionDenied(_l("Only administrators can erase people."), code="not_admin")


def is_anonymous(user_id: int) -> bool:
    return db.session.get(AnonymousPerson, user_id) is not None


# -- erasure -------------------------------------------------------------------------------


ERASURE_KINDS = (
    "places_cancelled",
    "event_registrations_cancelled",
    "conversations_cancelled",
    "advisor_slots_cancelled",
    "api_tokens_revoked",
    "messages_dropped",
    "messages_anonymised",
    "awards_withdrawn",
    "advisor_notes_deleted",
    "audit_entries_cleaned",
    "profile",
)


@dataclass
class Erasure:
    user_id: int | None
    already_erased: bool
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ERASURE_KINDS, 0))


@dataclass
class ErasurePreview:
    """What an erasure would change, for the confirmation step."""

    person: User
    upcoming_places: int
    event_registrations: int
    conversations: int
    api_tokens: int
    unsent_messages: int
    awards: int


def person_to_erase(email: str, *, actor: User) -> User:
    """The person an administrator asks to erase (any case), or why not."""
    _admin_only(actor)
    person = db.session.scalar(select(User).where(User.email == email_key(email)))
    if person is None or is_anonymous(person.id):
        message = _l("No one has this e-mail address.")
        raise NotFound(message, code="person_not_found", fields={"email": message})
    if person.id == actor.id:
        message = _l("You cannot erase yourself; ask another administrator.")
        raise Conflict(message, code="erase_self", fields={"email": message})
    return person


def _upcoming_enrolments(person_id: int, now: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(Enrolment.id)
            .join(Session, Session.id == Enrolment.session_id)
            .where(
                Enrolment.user_id == person_id,
                Enrolment.status.in_(ACTIVE),
                Session.starts_at > now,
            )
            .order_by(Enrolment.id)
        )
    )


def _upcoming_registrations(person_id: int, now: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(EventRegistration.id)
            .join(Event, Event.id == EventRegistration.event_id)
            .where(
                EventRegistration.user_id == person_id,
                EventRegistration.status == RegistrationStatus.ACTIVE,
                or_(Event.starts_at.is_(None), Event.starts_at > now),
            )
            .order_by(EventRegistration.id)
        )
    )


def _upcoming_conversations(person_id: int, now: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(AdvisorBooking.id)
            .join(AdvisorSlot, AdvisorSlot.id == AdvisorBooking.slot_id)
            .where(
                AdvisorBooking.user_id == person_id,
                AdvisorBooking.status == ConversationStatus.BOOKED,
                AdvisorSlot.starts_at > now,
            )
            .order_by(AdvisorBooking.id)
        )
    )


def _upcoming_slots(person_id: int, now: datetime) -> list[int]:
    """The person's own slots as a career advisor."""
    return list(
        db.session.scalars(
            select(AdvisorSlot.id)
            .where(
                AdvisorSlot.advisor_id == person_id,
                AdvisorSlot.cancelled.is_(False),
                AdvisorSlot.starts_at > now,
            )
            .order_by(AdvisorSlot.id)
        )
    )


def preview(email: str, *, actor: User, now: datetime | None = None) -> ErasurePreview:
    now = now or utcnow()
    person = person_to_erase(email, actor=actor)
    return ErasurePreview(
        person=person,
        upcoming_places=len(_upcoming_enrolments(person.id, now)),
        event_registrations=len(_upcoming_registrations(person.id, now)),
        conversations=len(_upcoming_conversations(person.id, now)),
        api_tokens=len(
            db.session.scalars(
                select(ApiToken.id).where(
                    ApiToken.user_id == person.id, ApiToken.revoked_at.is_(None)
                )
            ).all()
        ),
        unsent_messages=len(
            db.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.user_id == person.id,
                    OutboxMessage.status.in_((MessageStatus.PENDING, MessageStatus.FAILED)),
                )
            ).all()
        ),
        awards=len(db.session.scalars(select(Award.id).where(Award.user_id == person.id)).all()),
    )


def erase(
    email: str, *, actor: User, reference: str | None = None, now: datetime | None = None
) -> Erasure:
    """Erase the person with this address on their request. Idempotent: a person erased
    already (looked up by the digest of the old address) is answered `already_erased`."""
    _admin_only(actor)
    now = now or utcnow()
    person = db.session.scalar(select(User).where(User.email == email_key(email)))
    if person is None or is_anonymous(person.id):
        done = db.session.scalar(
            select(AnonymousPerson).where(AnonymousPerson.email_digest == email_digest(email))
        )
        if done is None:
            message = _l("No one has this e-mail address.")
            raise NotFound(message, code="person_not_found", fields={"email": message})
        return Erasure(user_id=done.user_id, already_erased=True)
    if person.id == actor.id:
        message = _l("You cannot erase yourself; ask another administrator.")
        raise Conflict(message, code="erase_self", fields={"email": message})
    return _erase(person, actor, now, (reference or "").strip() or None)


def _erase(person: User, actor: User, now: datetime, reference: str | None) -> Erasure:
    result = Erasure(user_id=person.id, already_erased=False)
    counts = result.counts
    old_email, old = person.email, {person.email, person.name}

    # 1. What is still to come ends through the features' services: freed places go to
    # the next in line, advisors and waitlists are told. The person's own messages about it
    # are dropped below with the rest: an erased person's calendar cannot be told.
    for registration_id in _upcoming_registrations(person.id, now):
        events.cancel_registration(registration_id, actor=actor, now=now)
        counts["event_registrations_cancelled"] += 1
    for enrolment_id in _upcoming_enrolments(person.id, now):
        ended = enrolment.cancel(enrolment_id, actor=actor, now=now, reason=ERASED_REASON)
        counts["places_cancelled"] += 1 if ended.ended else 0
    for booking_id in _upcoming_conversations(person.id, now):
        advising.cancel_booking(booking_id, actor=actor, now=now)
        counts["conversations_cancelled"] += 1
    for slot_id in _upcoming_slots(person.id, now):
        advising.cancel_slot(slot_id, actor=actor, now=now)
        counts["advisor_slots_cancelled"] += 1
    db.session.flush()

    # 2. Access: tokens, the calendar address, log-in (below, with the profile).
    counts["api_tokens_revoked"] = _rowcount(
        update(ApiToken)
        .where(ApiToken.user_id == person.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    _rowcount(update(ApiToken).where(ApiToken.user_id == person.id).values(name="API"))

    # 3. Mail: what has not gone is dropped; what went keeps its kind, status and dates.
    counts["messages_dropped"] = _rowcount(
        update(OutboxMessage)
        .where(
            OutboxMessage.user_id == person.id,
            OutboxMessage.status.in_((MessageStatus.PENDING, MessageStatus.FAILED)),
        )
        .values(status=MessageStatus.DROPPED, last_error=None)
    )
    counts["messages_anonymised"] = _rowcount(
        update(OutboxMessage)
        .where(OutboxMessage.user_id == person.id)
        .values(
            email=anonymous_email(f"erased-{person.id}"),
            subject=None,
            body_text=None,
            body_html=None,
            ics=None,
            data={},
        )
    )

    # 4. Certificates: every award of theirs is withdrawn on erasure (verification says so).
    counts["awards_withdrawn"] = _rowcount(
        update(Award)
        .where(Award.user_id == person.id, Award.erased_at.is_(None))
        .values(erased_at=now)
    )
    _rowcount(
        update(Award)
        .where(Award.user_id == person.id, Award.state == AwardState.VALID)
        .values(state=AwardState.REVOKED, ended_at=now, ended_by_id=actor.id)
    )
    _rowcount(update(Award).where(Award.user_id == person.id).values(evidence_note=None))

    # 5. What others wrote about them: advisors' notes go; reasons given for their places
    # (often a health or private matter) are replaced.
    booking_ids = select(AdvisorBooking.id).where(AdvisorBooking.user_id == person.id)
    counts["advisor_notes_deleted"] = _rowcount(
        delete(AdvisorNote).where(AdvisorNote.booking_id.in_(booking_ids))
    )
    _clear_enrolment_reasons(person.id)
    _rowcount(
        update(AdvisorProfile)
        .where(AdvisorProfile.user_id == person.id)
        .values(active=False, meeting_url=None, bio="", location="")
    )
    counts["audit_entries_cleaned"] = _clean_audit(person.id, old)

    # 6. The profile: no name, no address, no log-in; organisation and education level stay.
    person.name = ANONYMOUS_NAME
    person.email = anonymous_email(f"erased-{person.id}")
    person.password_hash = None
    person.active = False
    person.session_version += 1
    person.calendar_token_hash = None
    person.last_login_at = None
    person.team_id = None
    person.role = Role.PARTICIPANT
    counts["profile"] = 1
    db.session.add(
        AnonymousPerson(
            user_id=person.id,
            kind=AnonymousKind.ERASED,
            email_digest=email_digest(old_email),
            at=now,
            by_id=actor.id,
            counts=dict(counts),
        )
    )
    db.session.flush()
    audit(actor, "person.erased", person, after={"counts": dict(counts), "reference": reference})
    db.session.flush()
    return result


def _rowcount(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _clear_enrolment_reasons(user_id: int) -> None:
    mine = Enrolment.user_id == user_id
    _rowcount(
        update(Enrolment)
        .where(mine, Enrolment.cancel_reason.is_not(None))
        .values(cancel_reason=ERASED_REASON)
    )
    _rowcount(
        update(Enrolment)
        .where(mine, Enrolment.decision_reason.is_not(None))
        .values(decision_reason=ERASED_REASON)
    )
    _rowcount(
        update(Enrolment)
        .where(mine, Enrolment.override_reason.is_not(None))
        .values(override_reason=ERASED_REASON)
    )


def _scrub(value, old: set[str]):
    """The audit's before/after with every occurrence of the old name or address replaced."""
    if isinstance(value, dict):
        return {key: _scrub(item, old) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, old) for item in value]
    if isinstance(value, str):
        for text in old:
            if text and text in value:
                value = value.replace(text, ANONYMOUS_NAME)
    return value


def _clean_audit(user_id: int, old: set[str]) -> int:
    """Audit entries stay (who did what is the centre's accountability), without the
    person's name or address in what they recorded."""
    entries = db.session.scalars(
        select(AuditEntry).where(
            or_(
                AuditEntry.actor_id == user_id,
                (AuditEntry.target_type == "users") & (AuditEntry.target_id == user_id),
                (AuditEntry.target_type == "enrolments")
                & AuditEntry.target_id.in_(
                    select(Enrolment.id).where(Enrolment.user_id == user_id)
                ),
            )
        )
    ).all()
    cleaned = 0
    for entry in entries:
        before, after = _scrub(entry.before, old), _scrub(entry.after, old)
        if before != entry.before or after != entry.after:
            entry.before, entry.after = before, after
            cleaned += 1
    return cleaned


# -- retention settings --------------------------------------------------------------------


def default_months() -> int:
    return int(current_app.config["RETENTION_MONTHS"])


def retention_months() -> dict[int, int]:
    """Every organisation's months (its own setting, else the default), in one statement."""
    rows = db.session.execute(
        select(Organisation.id, RetentionPolicy.months).outerjoin(
            RetentionPolicy, RetentionPolicy.organisation_id == Organisation.id
        )
    ).all()
    default = default_months()
    return {org_id: months or default for org_id, months in rows}


def set_retention(organisation_id: int, months: int | None, *, actor: User) -> RetentionPolicy:
    """An administrator sets an organisation's retention in months."""
    _admin_only(actor)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("No such organisation."), code="organisation_not_found")
    if months is None or not MIN_MONTHS <= months <= MAX_MONTHS:
        message = _l(
            "Give a number of months from %(low)d to %(high)d.", low=MIN_MONTHS, high=MAX_MONTHS
        )
        raise ValidationError(message, code="months_out_of_range", fields={"months": message})
    policy = db.session.get(RetentionPolicy, organisation_id)
    before = {"months": policy.months if policy else default_months()}
    if policy is None:
        policy = RetentionPolicy(organisation_id=organisation_id, months=months)
        db.session.add(policy)
    policy.months, policy.updated_by_id = months, actor.id
    db.session.flush()
    audit(actor, "retention.set", organisation, before=before, after={"months": months})
    return policy
