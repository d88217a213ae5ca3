"""Demo enrolments, so the pages show full sessions, waitlists and a pending approval."""

from __future__ import annotations

from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.catalogue.models import Course
from booking.enrolment import services, team
from booking.extensions import db
from booking.scheduling.models import Session


def _first_session(title: str, mode: str | None = None) -> Session | None:
    query = select(Session).join(Course).where(Course.title == title).order_by(Session.starts_at)
    if mode:
        query = query.where(Session.mode == mode)
    return db.session.scalars(query).first()


def seed_enrolments() -> None:
    people = list(
        db.session.scalars(select(User).where(User.role == Role.PARTICIPANT).order_by(User.id))
    )
    organiser = db.session.scalar(select(User).where(User.role == Role.ORGANISER))
    leader = db.session.scalar(
        select(User).where(User.email == "teamleider@vlaardingen.example.nl")
    )

    # 'Netwerken met LinkedIn', hybrid: in person full, a waitlist, some online.
    linkedin = _first_session("Netwerken met LinkedIn", "hybrid")
    for person in people[:16]:
        services.enrol(linkedin.id, person, actor=organiser, mode="in_person")
    for person in people[16:19]:
        services.enrol(linkedin.id, person, actor=person, mode="in_person", accept_online=True)
    for person in people[19:21]:
        services.enrol(linkedin.id, person, actor=person, mode="in_person")

    # The webinar: a few online participants.
    webinar = _first_session("Webinar: Werken in verbinding")
    for person in people[:12]:
        services.enrol(webinar.id, person, actor=person, mode="online")

    # 'Projectassistent' needs approval: a request waits for the demo team leader.
    project = _first_session("Projectassistent")
    members = [p for p in people if p.team_id == leader.team_id]
    if members:
        services.enrol(project.id, members[0], actor=members[0])

    # The team leader booked the team into the assertiveness training.
    training = _first_session("Assertiviteitstraining")
    team.book_team(training.id, [m.id for m in members[1:]], actor=leader)
