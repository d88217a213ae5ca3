"""Demo career conversations: two advisors (one with the role advisor, the organiser marked
as one), series of slots in the coming weeks online and at the centre, a few booked."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.advising import advisors, services
from booking.core.db import utcnow
from booking.core.timez import local
from booking.extensions import db
from booking.scheduling.models import Venue

ADVISOR = "loopbaanadviseur@talentmvs.example.nl"
ORGANISER = "organisator@talentmvs.example.nl"
CENTRE = "Opleidingscentrum Talent MVS"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def seed_advising() -> None:
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    advisor, organiser = _user(ADVISOR), _user(ORGANISER)
    centre = db.session.scalar(select(Venue).where(Venue.name == CENTRE))
    advisors.set_advisor(
        advisor,
        advisors.ProfileData(
            meeting_url="https://teams.example.nl/l/loopbaangesprek-anouk",
            bio="Loopbaanadviseur bij Talent MVS: over je ontwikkeling, een volgende stap of "
            "werk dat beter bij je past.",
            location="Opleidingscentrum Talent MVS, Schiedam",
        ),
        actor=admin,
    )
    advisors.set_advisor(
        organiser,
        advisors.ProfileData(
            meeting_url="https://teams.example.nl/l/loopbaangesprek-olga",
            bio="Organisator en loopbaancoach: over opleidingen die bij je passen.",
        ),
        actor=admin,
    )
    now = utcnow()
    tomorrow = local(now).date() + timedelta(days=1)
    series = [
        (advisor, services.SeriesData(1, time(9), time(12), 45, 6, "online", first_day=tomorrow)),
        (
            advisor,
            services.SeriesData(
                3, time(13), time(16), 60, 4, "in_person", centre.id, first_day=tomorrow
            ),
        ),
        (
            organiser,
            services.SeriesData(2, time(10), time(12), 30, 3, "online", first_day=tomorrow),
        ),
    ]
    published = {}
    for person, data in series:
        outcome = services.publish_series(person, data, actor=person, now=now)
        published.setdefault(person.id, []).extend(outcome.created)
    staff = db.session.scalars(
        select(User).where(User.role == Role.PARTICIPANT).order_by(User.id).limit(4)
    ).all()
    # Later slots, so the demo's own log-ins can still book the first free ones.
    for person, slot in zip(staff[1:], published[advisor.id][3::4], strict=False):
        services.book(slot.id, person, actor=person, now=now)
    services.book(
        published[organiser.id][-1].id,
        _user("medewerker@schiedam.example.nl"),
        actor=admin,
        now=now,
    )
