"""The rules of certifications: defining them, awarding them when attendance and results
meet the rule (exactly once per completion, invariant 11), withdrawing an award a
correction broke, revoking one after closing, recording one by hand, and who sees whose
awards. Verifying a code is `booking.certifications.verification`'s.

`evaluate` runs inside the transaction that changed attendance or results, under that
session's lock (`attendance.services.lock_for_attendance`), so two changes of one session
never decide at the same time; the partial unique index on awards is the backstop.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from booking.accounts.models import Role, User
from booking.accounts.services import user_by_email
from booking.attendance import queries as attendance_queries
from booking.attendance.services import is_closed, lock_for_attendance, may_take_attendance
from booking.catalogue.models import Course
from booking.certifications.models import (
    Assessment,
    AssessmentResult,
    Award,
    AwardState,
    Certification,
    CertificationCourse,
    CompletionRule,
)
from booking.certifications.verification import code_digest, new_code
from booking.core.db import for_update, utcnow
from booking.core.errors import Conflict, NotFound, PermissionDenied, ValidationError, collect
from booking.core.models import audit
from booking.core.timez import AMSTERDAM
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.notifications.services import queue
from booking.scheduling.models import Meeting, Session, SessionStatus, Visibility

MAX_VALIDITY_MONTHS = 240


class Kind:
    """The message codes of certifications (stored in outbox_messages.kind: never rename)."""

    AWARDED = "certificate_awarded"
    WITHDRAWN = "award_withdrawn"
    REVOKED = "award_revoked"
    EXPIRING = "certification_expiring"
    EXPIRING_TEAM = "certification_expiring_team"


def require_organiser(actor: User | None) -> None:
    if actor is None or not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers manage certifications."), code="not_organiser")


# -- dates ---------------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry(certification: Certification, issued_at: datetime, user_id: int, *, exclude=None):
    """(expires_at, renewed award): a renewal in time (an award of the same certification
    still valid at `issued_at`) counts the new validity from the old expiry date."""
    if not certification.validity_months:
        return None, None
    query = select(Award).where(
        Award.certification_id == certification.id,
        Award.user_id == user_id,
        Award.state == AwardState.VALID,
        Award.expires_at.is_not(None),
        Award.expires_at >= issued_at,
    )
    if exclude is not None:
        query = query.where(Award.id != exclude)
    previous = db.session.scalars(query.order_by(Award.expires_at.desc()).limit(1)).first()
    start = previous.expires_at if previous is not None else issued_at
    return add_months(start, certification.validity_months), previous


# -- defining ------------------------------------------------------------------------------


@dataclass
class CertificationInput:
    name_nl: str
    name_en: str = ""
    description_nl: str = ""
    description_en: str = ""
    course_ids: list[int] = field(default_factory=list)
    rule: str = CompletionRule.ALL_MEETINGS
    min_attendance_percent: int | None = None
    assessment: str = Assessment.NONE
    pass_mark: int | None = None
    validity_months: int | None = None


def _checked(values: CertificationInput, certification_id: int | None) -> list[Course]:
    errors: dict = {}
    values.name_nl = (values.name_nl or "").strip()
    values.name_en = (values.name_en or "").strip() or values.name_nl
    if not values.name_nl:
        errors["name_nl"] = _l("Give the certification a name.")
    elif len(values.name_nl) > 200 or len(values.name_en) > 200:
        errors["name_nl"] = _l("Use at most 200 characters.")
    else:
        taken = db.session.scalar(
            select(Certification.id).where(Certification.name_nl == values.name_nl)
        )
        if taken is not None and taken != certification_id:
            errors["name_nl"] = _l("A certification with this name exists.")
    if values.rule not in tuple(CompletionRule):
        errors["rule"] = _l("Choose a rule.")
    elif values.rule == CompletionRule.MIN_PERCENT:
        percent = values.min_attendance_percent
        if percent is None or not 1 <= percent <= 100:
            errors["min_attendance_percent"] = _l("Give a percentage from 1 to 100.")
    else:
        values.min_attendance_percent = None
    if values.assessment not in tuple(Assessment):
        errors["assessment"] = _l("Choose an assessment.")
    elif values.assessment == Assessment.SCORE:
        if values.pass_mark is None or not 0 <= values.pass_mark <= 1000:
            errors["pass_mark"] = _l("Give the pass mark (0 to 1000).")
    else:
        values.pass_mark = None
    months = values.validity_months
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        errors["validity_months"] = _l(
            "Give the validity in months (1 to %(n)d), or leave it empty.", n=MAX_VALIDITY_MONTHS
        )
    ids = sorted({int(i) for i in values.course_ids or ()})
    courses = list(db.session.scalars(select(Course).where(Course.id.in_(ids)))) if ids else []
    if not ids:
        errors["course_ids"] = _l("Choose the course or courses that complete it.")
    elif len(courses) != len(ids):
        errors["course_ids"] = _l("One of these courses does not exist.")
    collect(errors)
    return courses


def _apply(certification: Certification, values: CertificationInput, courses) -> None:
    certification.name_nl, certification.name_en = values.name_nl, values.name_en
    certification.description_nl = (values.description_nl or "").strip()
    certification.description_en = (values.description_en or "").strip()
    certification.rule = values.rule
    certification.min_attendance_percent = values.min_attendance_percent
    certification.assessment = values.assessment
    certification.pass_mark = values.pass_mark
    certification.validity_months = values.validity_months
    certification.courses = courses


def _described(certification: Certification) -> dict:
    return {
        "name_nl": certification.name_nl,
        "rule": certification.rule,
        "min_attendance_percent": certification.min_attendance_percent,
        "assessment": certification.assessment,
        "pass_mark": certification.pass_mark,
        "validity_months": certification.validity_months,
        "course_ids": sorted(c.id for c in certification.courses),
    }


def define(values: CertificationInput, *, actor: User) -> Certification:
    require_organiser(actor)
    courses = _checked(values, None)
    certification = Certification()
    _apply(certification, values, courses)
    db.session.add(certification)
    db.session.flush()
    audit(actor, "certification.defined", certification, after=_described(certification))
    return certification


def update(certification_id: int, values: CertificationInput, *, actor: User) -> Certification:
    """A changed rule applies to what is decided from now on: awards already made stay."""
    require_organiser(actor)
    certification = db.session.get(Certification, certification_id)
    if certification is None:
        raise NotFound(_l("No such certification."), code="certification_not_found")
    courses = _checked(values, certification.id)
    before = _described(certification)
    _apply(certification, values, courses)
    db.session.flush()
    audit(
        actor,
        "certification.changed",
        certification,
        before=before,
        after=_described(certification),
    )
    return certification


def set_retired(certification_id: int, retired: bool, *, actor: User) -> Certification:
    """A retired certification is no longer awarded; its awards stay as they are."""
    require_organiser(actor)
    certification = db.session.get(Certification, certification_id)
    if certification is None:
        raise NotFound(_l("No such certification."), code="certification_not_found")
    if certification.retired != retired:
        certification.retired = retired
        audit(
            actor, "certification.retired" if retired else "certification.restored", certification
        )
    return certification


# -- deciding ------------------------------------------------------------------------------


def certifications_of_course(course_id: int) -> list[Certification]:
    return list(
        db.session.scalars(
            select(Certification)
            .join(CertificationCourse, CertificationCourse.certification_id == Certification.id)
            .where(CertificationCourse.course_id == course_id, Certification.retired.is_(False))
            .order_by(Certification.id)
        )
    )


def _meets_rule(certification: Certification, summary) -> bool:
    if summary is None or summary.meetings == 0:
        return False
    if certification.rule == CompletionRule.MIN_PERCENT:
        return summary.percent >= (certification.min_attendance_percent or 100)
    return summary.all_attended


def _passes(certification: Certification, result: AssessmentResult | None) -> bool:
    if certification.assessment == Assessment.NONE:
        return True
    if result is None:
        return False
    if certification.assessment == Assessment.PASS_FAIL:
        return bool(result.passed)
    return result.score is not None and result.score >= (certification.pass_mark or 0)


def completed_at(session: Session, now: datetime) -> datetime:
    """The date on the certificate: the end of the session's last meeting, or now when the
    rule is met while that meeting is still going on."""
    last = max((m.ends_at for m in session.meetings), default=now)
    return min(last, now)


def evaluate(
    session_id: int,
    enrolment_ids: Iterable[int] | None = None,
    *,
    actor: User | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Award, or withdraw, the certifications of the session's course for these places (all
    of the session's when None). The caller holds the session's lock. Returns counts."""
    now = now or utcnow()
    session = db.session.get(Session, session_id)
    counts = {"awarded": 0, "withdrawn": 0}
    if session is None:
        return counts
    certifications = certifications_of_course(session.course_id)
    if not certifications:
        return counts
    query = select(Enrolment).where(Enrolment.session_id == session_id)
    if enrolment_ids is not None:
        query = query.where(Enrolment.id.in_(set(enrolment_ids)))
    places = {p.id: p for p in db.session.scalars(query.options(joinedload(Enrolment.user)))}
    if not places:
        return counts
    summaries = attendance_queries.summary(places)
    cert_ids = [c.id for c in certifications]
    results = {
        (r.certification_id, r.enrolment_id): r
        for r in db.session.scalars(
            select(AssessmentResult).where(
                AssessmentResult.enrolment_id.in_(places),
                AssessmentResult.certification_id.in_(cert_ids),
            )
        )
    }
    standing = {
        (a.certification_id, a.enrolment_id): a
        for a in db.session.scalars(
            for_update(
                select(Award).where(
                    Award.enrolment_id.in_(places),
                    Award.certification_id.in_(cert_ids),
                    Award.state != AwardState.WITHDRAWN,
                )
            )
        )
    }
    closed = is_closed(session_id)
    issued_at = completed_at(session, now)
    for place in places.values():
        for certification in certifications:
            key = (certification.id, place.id)
            earned = (
                place.status == EnrolmentStatus.CONFIRMED
                and _meets_rule(certification, summaries.get(place.id))
                and _passes(certification, results.get(key))
            )
            award = standing.get(key)
            if earned and award is None:
                _award(certification, place.user, place, issued_at, actor=actor)
                counts["awarded"] += 1
            elif (
                not earned and award is not None and award.state == AwardState.VALID and not closed
            ):
                _withdraw(award, actor=actor, now=now)
                counts["withdrawn"] += 1
    return counts


def _award(
    certification: Certification,
    user: User,
    place: Enrolment | None,
    issued_at: datetime,
    *,
    actor: User | None,
    evidence_note: str | None = None,
) -> Award:
    expires_at, renewed = expiry(certification, issued_at, user.id)
    code = new_code()
    award = Award(
        certification_id=certification.id,
        user_id=user.id,
        enrolment_id=place.id if place is not None else None,
        code=code,
        code_digest=code_digest(code),
        state=AwardState.VALID,
        issued_at=issued_at,
        expires_at=expires_at,
        renews_id=renewed.id if renewed is not None else None,
        evidence_note=evidence_note,
        recorded_by_id=actor.id if actor is not None else None,
    )
    db.session.add(award)
    db.session.flush()  # the partial unique index speaks here, inside the caller's retry
    audit(
        actor,
        "award.made",
        award,
        after={
            "certification_id": certification.id,
            "user_id": user.id,
            "enrolment_id": award.enrolment_id,
            "renews_id": award.renews_id,
            "by_hand": place is None,
        },
    )
    queue(user, Kind.AWARDED, award_id=award.id)
    return award


def _withdraw(award: Award, *, actor: User | None, now: datetime) -> None:
    award.state = AwardState.WITHDRAWN
    award.ended_at, award.ended_by_id = now, actor.id if actor is not None else None
    db.session.flush()
    audit(actor, "award.withdrawn", award, before={"state": AwardState.VALID})
    queue(award.user, Kind.WITHDRAWN, award_id=award.id)


# -- results -------------------------------------------------------------------------------


def record_results(
    session_id: int,
    certification_id: int,
    results: Mapping[int, bool | int | None],
    *,
    actor: User,
    now: datetime | None = None,
) -> int:
    """The trainer's assessment results (enrolment id -> passed, or a score; None clears
    one) for a certification of the session's course; awards follow. Corrections are
    audited and possible until the session is closed."""
    session = lock_for_attendance(session_id, actor)
    now = now or utcnow()
    if not may_take_attendance(actor, session.id):
        raise PermissionDenied(
            _l("Only organisers and the session's trainers enter results."), code="not_a_trainer"
        )
    if is_closed(session.id):
        raise Conflict(
            _l("The session is closed: results can no longer be changed."), code="session_closed"
        )
    certification = db.session.get(Certification, certification_id)
    if certification is None or certification.id not in {
        c.id for c in certifications_of_course(session.course_id)
    }:
        raise NotFound(
            _l("This certification is not earned in this session."), code="certification_not_found"
        )
    if certification.assessment == Assessment.NONE:
        raise ValidationError(_l("This certification has no assessment."), code="no_assessment")
    places = set(
        db.session.scalars(
            select(Enrolment.id).where(
                Enrolment.session_id == session.id,
                Enrolment.status == EnrolmentStatus.CONFIRMED,
                Enrolment.id.in_(set(results)),
            )
        )
    )
    refused = sorted(set(results) - places)
    if refused:
        message = _l(
            "These are not confirmed places of this session: %(ids)s.",
            ids=", ".join(str(i) for i in refused),
        )
        raise ValidationError(message, code="not_a_participant", fields={"results": message})
    existing = {
        r.enrolment_id: r
        for r in db.session.scalars(
            select(AssessmentResult).where(
                AssessmentResult.certification_id == certification.id,
                AssessmentResult.enrolment_id.in_(places),
            )
        )
    }
    changed = []
    for enrolment_id, value in results.items():
        passed, score = _result_value(certification, value)
        row = existing.get(enrolment_id)
        if row is None:
            if passed is None and score is None:
                continue
            row = AssessmentResult(certification_id=certification.id, enrolment_id=enrolment_id)
            db.session.add(row)
            before = None
        elif (row.passed, row.score) == (passed, score):
            continue
        else:
            before = {"passed": row.passed, "score": row.score}
        row.passed, row.score = passed, score
        row.recorded_by_id, row.recorded_at = actor.id, now
        db.session.flush()
        audit(
            actor,
            "assessment.corrected" if before else "assessment.recorded",
            row,
            before=before,
            after={"passed": passed, "score": score, "enrolment_id": enrolment_id},
        )
        changed.append(enrolment_id)
    if changed:
        evaluate(session.id, changed, actor=actor, now=now)
    return len(changed)


def _result_value(certification: Certification, value) -> tuple[bool | None, int | None]:
    if value is None or value == "":
        return None, None
    if certification.assessment == Assessment.PASS_FAIL:
        if not isinstance(value, bool):
            raise ValidationError(
                _l("A result is passed (true) or failed (false)."), code="invalid_result"
            )
        return value, None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
        raise ValidationError(
            _l("A score is a whole number from 0 to 1000."), code="invalid_result"
        )
    return None, value


# -- by hand, revoking ---------------------------------------------------------------------


def award_by_hand(
    certification_id: int,
    email: str,
    *,
    completed_on: date,
    evidence_note: str,
    actor: User,
    now: datetime | None = None,
) -> Award:
    """A course followed elsewhere: an organiser records the certification with the
    evidence seen; its validity counts from the day it was completed."""
    require_organiser(actor)
    now = now or utcnow()
    errors: dict = {}
    certification = db.session.get(Certification, certification_id)
    if certification is None:
        raise NotFound(_l("No such certification."), code="certification_not_found")
    person = user_by_email(email or "")
    if person is None or not person.active:
        errors["email"] = _l("No active account has this e-mail address.")
    note = (evidence_note or "").strip()
    if not note:
        errors["evidence_note"] = _l("Say what was followed where, and what you saw as evidence.")
    if completed_on is None:
        errors["completed_on"] = _l("Give the date it was completed.")
    elif completed_on > now.astimezone(AMSTERDAM).date():
        errors["completed_on"] = _l("The date it was completed cannot be in the future.")
    collect(errors)
    issued_at = datetime.combine(completed_on, time(12), AMSTERDAM)
    return _award(certification, person, None, issued_at, actor=actor, evidence_note=note)


def revoke(award_id: int, reason: str, *, actor: User, now: datetime | None = None) -> Award:
    """An organiser revokes an award, with a reason: the verification page says revoked."""
    require_organiser(actor)
    now = now or utcnow()
    award = db.session.scalars(
        for_update(select(Award).where(Award.id == award_id)).execution_options(
            populate_existing=True
        )
    ).first()
    if award is None:
        raise NotFound(_l("No such award."), code="award_not_found")
    reason = (reason or "").strip()
    if not reason:
        message = _l("Give the reason for revoking it.")
        raise ValidationError(message, code="reason_required", fields={"reason": message})
    if award.state != AwardState.VALID:
        raise Conflict(_l("This award is no longer valid."), code="award_not_valid")
    award.state = AwardState.REVOKED
    award.ended_at, award.ended_by_id, award.revoke_reason = now, actor.id, reason
    db.session.flush()
    audit(
        actor, "award.revoked", award, before={"state": AwardState.VALID}, after={"reason": reason}
    )
    queue(award.user, Kind.REVOKED, award_id=award.id)
    return award


# -- who sees what -------------------------------------------------------------------------


def may_see_awards_of(viewer: User | None, person: User) -> bool:
    """The person, organisers, HR of their organisation and the leaders of their team."""
    if viewer is None:
        return False
    if viewer.id == person.id or viewer.is_organiser:
        return True
    if viewer.role == Role.HR:
        return (
            viewer.organisation_id is not None and viewer.organisation_id == person.organisation_id
        )
    if viewer.role == Role.TEAM_LEADER:
        return viewer.team_id is not None and viewer.team_id == person.team_id
    return False


def may_see_certificate(viewer: User | None, award: Award) -> bool:
    return may_see_awards_of(viewer, award.user)


# -- what renews one -----------------------------------------------------------------------


def renewing_sessions(certification_ids: Iterable[int], now: datetime) -> dict[int, list[Session]]:
    """Per certification: its courses' open sessions still to come (what renews it)."""
    ids = set(certification_ids)
    found: dict[int, list[Session]] = {i: [] for i in ids}
    if not ids:
        return found
    first_start = (
        select(Meeting.session_id, func.min(Meeting.starts_at).label("starts_at"))
        .group_by(Meeting.session_id)
        .subquery()
    )
    rows = db.session.execute(
        select(CertificationCourse.certification_id, Session)
        .join(Session, Session.course_id == CertificationCourse.course_id)
        .join(first_start, first_start.c.session_id == Session.id)
        .where(
            CertificationCourse.certification_id.in_(ids),
            Session.status == SessionStatus.SCHEDULED,
            Session.visibility == Visibility.OPEN,
            first_start.c.starts_at > now,
            first_start.c.starts_at < now + timedelta(days=366),
        )
        .order_by(first_start.c.starts_at)
    )
    for certification_id, session in rows:
        if len(found[certification_id]) < 5:
            found[certification_id].append(session)
    return found
