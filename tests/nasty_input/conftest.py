"""The world the nasty-input walks run in: the demo centre (every role, coming and past
sessions with places, events with registrations, awards, advisors with slots and bookings),
seeded through its services once per module, plus the few things the demo does not hold (a
trainer, a seat reservation, an in-company request, a kept people import) and a bearer token
for the administrator and the organiser.

The walks change the world as they go (a nasty value a form or operation rightly accepts is
saved), so the walks' modules replace the per-test clean-up of tests/conftest.py by one per
module (their `_clean_database`), as tests/e2e/a11y does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from booking.accounts import people
from booking.accounts.models import Organisation, Role, Team, User
from booking.accounts.services import create_api_token
from booking.advising.models import AdvisorBooking, AdvisorSlot
from booking.attendance import services as attendance
from booking.catalogue.models import Category, Course, FundingProgramme, Speaker, TargetGroup
from booking.certifications.models import Award, Certification
from booking.core.db import atomic, utcnow
from booking.demo import seed_demo
from booking.enrolment import organiser as organiser_services
from booking.enrolment import team as team_services
from booking.enrolment.models import Enrolment, EnrolmentStatus, InCompanyRequest
from booking.events.models import EventRegistration
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.scheduling.models import Event, Meeting, SeatReservation, Session, Venue
from booking.webhooks import services as webhooks

ADMIN = "beheer@talentmvs.example.nl"
ORGANISER = "organisator@talentmvs.example.nl"
PARTICIPANT = "medewerker@schiedam.example.nl"
TEAM_LEADER = "teamleider@vlaardingen.example.nl"


@dataclass
class World:
    """Ids of real rows for the walks' path parameters, and the two roles' credentials."""

    ids: dict[str, int]  # path parameter name -> an id that exists
    items: dict[str, int]  # list kind (API path segment or page segment) -> an item id
    slugs: dict[str, str]  # "course", "event" -> a slug that exists
    emails: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # role -> bearer token


def empty_database(app) -> None:
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our tables


def _first(statement):
    found = db.session.scalars(statement.limit(1)).first()
    assert found is not None, f"the demo world has no row for {statement}"
    return found


def _person(email: str) -> User:
    return _first(select(User).where(User.email == email))


def _build() -> World:
    seed_demo()
    admin, organiser = _person(ADMIN), _person(ORGANISER)
    now = utcnow()
    # A coming open session with confirmed places, for every operation under a session.
    session = _first(
        select(Session)
        .join(Enrolment, Enrolment.session_id == Session.id)
        .join(Meeting, Meeting.session_id == Session.id)
        .where(
            Enrolment.status == EnrolmentStatus.CONFIRMED,
            Session.visibility == "open",
            Session.status == "scheduled",
            Meeting.starts_at > now + timedelta(days=2),
        )
        .group_by(Session.id)
        .order_by(func.count(Enrolment.id).desc())
    )
    place = _first(
        select(Enrolment).where(
            Enrolment.session_id == session.id, Enrolment.status == EnrolmentStatus.CONFIRMED
        )
    )
    meeting = _first(select(Meeting).where(Meeting.session_id == session.id))
    trainer = _person(TEAM_LEADER)
    attendance.name_trainer(session.id, trainer.email, actor=organiser)
    organisation = _first(select(Organisation).order_by(Organisation.id))
    reservation = organiser_services.reserve_seats(
        session.id,
        actor=organiser,
        organisation_id=organisation.id,
        mode="online" if session.mode == "online" else "in_person",
        seats=1,
        until=now + timedelta(days=1),
    )
    leader = _person(TEAM_LEADER)
    team_services.request_in_company(
        actor=leader, topic="Samenwerken", group_size=8, preferred_dates="maart"
    )
    upload = people.keep_upload("mensen.csv", b"email,name\n", False, actor=admin)
    hook, _secret = webhooks.register("https://93.184.215.14/in", ["certification.revoked"], admin)
    db.session.flush()
    slot = _first(select(AdvisorSlot).where(AdvisorSlot.starts_at > now).order_by(AdvisorSlot.id))
    ids = {
        "session_id": session.id,
        "enrolment_id": place.id,
        "meeting_id": meeting.id,
        "reservation_id": reservation.id,
        "user_id": trainer.id,
        "person_id": _person(PARTICIPANT).id,
        "slot_id": slot.id,
        "booking_id": _first(select(AdvisorBooking.id)),
        "award_id": _first(select(Award.id)),
        "speaker_id": _first(select(Speaker.id)),
        "course_id": _first(select(Course.id)),
        "event_id": _first(select(Event.id)),
        "registration_id": _first(select(EventRegistration.id)),
        "organisation_id": organisation.id,
        "org_id": organisation.id,
        "team_id": _first(select(Team.id).where(Team.organisation_id == organisation.id)),
        "venue_id": _first(select(Venue.id).where(Venue.kind == "physical")),
        "certification_id": _first(select(Certification.id)),
        "webhook_id": hook.id,
        "message_id": _first(select(OutboxMessage.id)),
        "request_id": _first(select(InCompanyRequest.id)),
        "upload_id": upload.id,
    }
    category = _first(select(Category.id))
    target_group = _first(select(TargetGroup.id))
    programme = _first(select(FundingProgramme.id))
    items = {
        "categories": category,
        "categorieen": category,
        "target-groups": target_group,
        "doelgroepen": target_group,
        "funding-programmes": programme,
        "programmas": programme,
    }
    slugs = {
        "course": db.session.get(Course, session.course_id).slug,
        "event": _first(select(Event.slug)),
    }
    emails = {
        role: _person(email).email
        for role, email in (
            (Role.ADMIN, ADMIN),
            (Role.ORGANISER, ORGANISER),
            (Role.PARTICIPANT, PARTICIPANT),
        )
    }
    tokens = {
        Role.ADMIN: create_api_token(admin)[1],
        Role.ORGANISER: create_api_token(organiser)[1],
    }
    assert db.session.get(SeatReservation, reservation.id) is not None
    return World(ids=ids, items=items, slugs=slugs, emails=emails, tokens=tokens)


# Answers that wait on purpose (no timing oracle) answer at once here: the walks send them
# dozens of requests.
NO_FLOORS = {"PASSWORD_RESET_FLOOR_SECONDS": 0.0, "VERIFY_FLOOR_SECONDS": 0.0}


@pytest.fixture(scope="module")
def world(app) -> World:
    empty_database(app)
    with app.app_context():
        built = atomic(_build, attempts=1)
        db.session.remove()
    saved = {key: app.config[key] for key in NO_FLOORS}
    app.config.update(NO_FLOORS)
    yield built
    app.config.update(saved)
    empty_database(app)


def row_counts() -> tuple[int, ...]:
    """Rows in every table, in one statement: what a refused request must leave as it was."""
    tables = [t.name for t in db.metadata.sorted_tables]
    counts = ", ".join(f"(SELECT count(*) FROM {t})" for t in tables)  # noqa: S608 - ours
    return tuple(db.session.execute(text(f"SELECT {counts}")).one())
