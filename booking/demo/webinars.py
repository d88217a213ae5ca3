"""Demo webinars: their guest speakers (with role, organisation and a short biography), one
webinar with a speaker of its own, and one that took place three weeks ago with its recording.

The services rightly refuse to plan a session in the past, so the past webinar is planned in
the coming days, filled, and then moved back in time with every time it holds (session,
meetings, booked slots) in one step: history for the demo only, never a path of the app.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.catalogue.models import Course
from booking.catalogue.speakers import SpeakerData, create_speaker, set_course_speakers
from booking.core.db import utcnow
from booking.core.timez import AMSTERDAM
from booking.enrolment import services as enrolment
from booking.enrolment.models import BookedSlot, Enrolment
from booking.extensions import db
from booking.scheduling.models import Session, Venue
from booking.scheduling.services import MeetingData, SessionData, schedule_session, set_recording

SPEAKERS = {
    "sanne": SpeakerData(
        name="Sanne de Wit",
        role="antropoloog",
        organisation="Universiteit Leiden",
        bio="Sanne onderzoekt hoe teams een eigen cultuur bouwen, op kantoor en op afstand, "
        "en schreef er het boek 'Samen apart' over.",
    ),
    "ruben": SpeakerData(
        name="Ruben Schaatsma",
        role="oud-topsporter",
        organisation="Stichting Sport & Werk",
        bio="Ruben reed twee Olympische Spelen en kwam na drie blessures terug. Hij vertaalt "
        "wat hij leerde naar loopbanen buiten de sport.",
    ),
    "petra": SpeakerData(
        name="Petra Kramer",
        role="loopbaanadviseur",
        organisation="Talent MVS",
        bio="Petra begeleidt medewerkers van de drie gemeenten bij hun volgende stap en "
        "leidt de online loopbaangesprekken.",
    ),
}


def _course(title: str) -> Course:
    return db.session.scalar(select(Course).where(Course.title == title))


def seed_webinars() -> None:
    made = {key: create_speaker(data) for key, data in SPEAKERS.items()}
    kramer = _course("Webinar: Werken in verbinding")
    sport = _course("Webinar: Veerkracht van een topsporter")
    set_course_speakers(kramer.id, [made["sanne"].id, made["petra"].id])
    set_course_speakers(sport.id, [made["ruben"].id])
    _past_webinar(kramer, made["sanne"].id)


def _past_webinar(course: Course, speaker_id: int) -> None:
    online = db.session.scalar(select(Venue).where(Venue.kind == "online").order_by(Venue.id))
    start = (utcnow() + timedelta(days=2)).replace(hour=11, minute=0, second=0, microsecond=0)
    session = schedule_session(
        SessionData(
            course_id=course.id,
            mode="online",
            capacity={"online": 500},
            meetings=[MeetingData(start, start + timedelta(hours=1))],
            online_venue_id=online.id,
            speaker_ids=[speaker_id],
            notes="Eerste editie; de opname staat online.",
        )
    )
    people = db.session.scalars(
        select(User).where(User.role == Role.PARTICIPANT).order_by(User.id.desc()).limit(25)
    )
    for person in people:
        enrolment.enrol(session.id, person, actor=person, mode="online")
    move_back(session, timedelta(days=23))
    set_recording(session.id, "https://media.talentmvs.example.nl/opnames/werken-in-verbinding")


def move_back(session: Session, by: timedelta) -> None:
    """The session with every time it holds, earlier by `by` (demo history only)."""
    db.session.flush()
    places = select(Enrolment.id).where(Enrolment.session_id == session.id)
    slots = db.session.scalars(select(BookedSlot).where(BookedSlot.enrolment_id.in_(places)))
    for row in [session, *session.meetings, *slots]:
        # On the wall clock of Amsterdam, so a morning stays a morning across a DST change.
        row.starts_at = (row.starts_at.astimezone(AMSTERDAM) - by).astimezone(UTC)
        row.ends_at = (row.ends_at.astimezone(AMSTERDAM) - by).astimezone(UTC)
    db.session.flush()
