"""Demo certifications: 'Projectassistent' (every meeting, valid 24 months) and
'Assertiviteit' (75% of the meetings, valid 12 months).

The awards of the Projectassistent edition of `demo/attendance.py` follow from its recorded
attendance, decided by `services.evaluate` as the attendance list would have. So that the
team leader's and HR's matrices show every state from the start, a few awards are then
recorded by hand for courses followed elsewhere, long enough ago that one is about to expire
(within 60 days) and another has expired. All through the services, in seed-demo's
transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.attendance.services import lock_for_attendance
from booking.catalogue.models import Course
from booking.certifications import services
from booking.certifications.models import Award, Certification, CompletionRule
from booking.certifications.services import CertificationInput, add_months
from booking.core.db import utcnow
from booking.core.timez import AMSTERDAM
from booking.extensions import db
from booking.scheduling.models import Session

ORGANISER = "organisator@talentmvs.example.nl"
PARTICIPANT = "medewerker@schiedam.example.nl"
TEAM_LEADER = "teamleider@vlaardingen.example.nl"


def _course(title: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.title == title))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _define(actor: User, course: Course, **values) -> Certification:
    return services.define(CertificationInput(course_ids=[course.id], **values), actor=actor)


def _evaluate_history(course_ids: list[int], actor: User) -> None:
    """Awards from the attendance already recorded in the sessions that have ended."""
    now = utcnow()
    ended = [
        s
        for s in db.session.scalars(select(Session).where(Session.course_id.in_(course_ids)))
        if s.meetings and s.ends_at < now
    ]
    for session in ended:
        lock_for_attendance(session.id)
        services.evaluate(session.id, actor=actor, now=now)


def _members(*, team_id=None, organisation_id=None) -> list[User]:
    """The active participants of the team (or organisation), in a fixed order."""
    query = select(User).where(User.role == Role.PARTICIPANT, User.active.is_(True))
    if team_id is not None:
        query = query.where(User.team_id == team_id)
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return list(db.session.scalars(query.order_by(User.id)))


def seed_certifications() -> None:
    if db.session.scalar(
        select(Certification.id).where(Certification.name_nl == "Projectassistent")
    ):
        return
    organiser = _user(ORGANISER)
    project_course = _course("Projectassistent")
    if organiser is None or project_course is None:
        return
    project = _define(
        organiser,
        project_course,
        name_nl="Projectassistent",
        name_en="Project assistant",
        description_nl="Zes bijeenkomsten over plannen, notuleren, risico's en rapporteren.",
        description_en="Six meetings on planning, minutes, risks and reporting.",
        rule=CompletionRule.ALL_MEETINGS,
        validity_months=24,
    )
    certifications = [project]
    assertive_course = _course("Assertiviteitstraining")
    assertive = None
    if assertive_course is not None:
        assertive = _define(
            organiser,
            assertive_course,
            name_nl="Assertiviteit",
            name_en="Assertiveness",
            description_nl="Grenzen aangeven en rustig blijven bij lastige klanten.",
            description_en="Setting limits and staying calm with difficult customers.",
            rule=CompletionRule.MIN_PERCENT,
            min_attendance_percent=75,
            validity_months=12,
        )
        certifications.append(assertive)
    _evaluate_history([c.id for cert in certifications for c in cert.courses], organiser)

    holders = set(
        db.session.scalars(select(Award.user_id).where(Award.certification_id == project.id))
    )
    today = utcnow().astimezone(AMSTERDAM).date()
    leader = _user(TEAM_LEADER)
    participant = _user(PARTICIPANT)
    groen = _members(team_id=leader.team_id) if leader and leader.team_id else []
    schiedam = _members(organisation_id=participant.organisation_id) if participant else []
    groen_free = [p for p in groen if p.id not in holders]
    schiedam_free = [p for p in schiedam if p.id not in holders and p.id != participant.id]

    def by_hand(certification, person, months_ago: int, note: str, days: int = 0) -> None:
        completed: date = add_months(today, -months_ago) + timedelta(days=days)
        services.award_by_hand(
            certification.id,
            person.email,
            completed_on=completed,
            evidence_note=note,
            actor=organiser,
        )

    # Projectassistent by hand only for people without an award from the demo edition: an
    # old award next to a recent one would count as its renewal. 23 months ago expires in
    # about a month, 25 months ago a month ago.
    elsewhere = "Eerder gevolgd bij {}; certificaat gezien."
    if groen_free:
        by_hand(project, groen_free[0], 23, elsewhere.format("Gemeente Rotterdam"))
    if leader is not None:
        by_hand(project, leader, 25, elsewhere.format("Gemeente Rotterdam"))
    if len(schiedam_free) >= 2:
        by_hand(project, schiedam_free[0], 23, elsewhere.format("ROC Albeda"))
        by_hand(project, schiedam_free[1], 25, elsewhere.format("ROC Albeda"))
    if assertive is None:
        return
    if participant is not None:
        by_hand(assertive, participant, 3, elsewhere.format("Gemeente Vlaardingen"))
    if len(groen) >= 2:
        by_hand(assertive, groen[0], 14, elsewhere.format("de GGD"))
        by_hand(assertive, groen[-1], 11, elsewhere.format("de GGD"), days=20)
    if len(schiedam_free) >= 3:
        by_hand(assertive, schiedam_free[2], 6, elsewhere.format("Gemeente Maassluis"))
