"""Demo events: the Loopbaanfestival (a keynote, then three rounds of parallel workshops, one
nearly full and one full with a waitlist, an overall capacity and a registration deadline)
and the symposium (a plenary and two rounds), with registrations of demo staff made through
`booking.events.services.register`, so a newcomer's `make run` shows a filled festival.

Dates are relative to today. The demo log-ins (Mo Bakker and the others) are not registered:
they can try registering themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.catalogue.services import CourseData, create_course
from booking.demo.catalogue import _at, _day
from booking.demo.people import DEMO_LOGINS
from booking.events import services as events
from booking.extensions import db
from booking.scheduling.models import EventKind, Session, Venue
from booking.scheduling.services import SessionData, schedule_session


@dataclass
class Item:
    title: str
    room: str
    places: int
    speaker: str | None = None


FESTIVAL = "Loopbaanfestival"
FESTIVAL_DESCRIPTION = (
    "Een middag vol workshops, loopbaangesprekken en inspiratie voor alle medewerkers van de "
    "drie gemeenten. Na de keynote kies je per ronde één workshop."
)
# (start, end, parallel items): the keynote, then three rounds.
FESTIVAL_PROGRAMME = [
    ("13:00", "13:45", [Item("Keynote: Wendbaar werken", "Grote zaal", 250, "Fatima el Amrani")]),
    (
        "14:00",
        "15:00",
        [
            Item("Loopbaangesprek: jouw volgende stap", "Grote zaal", 60, "Loopbaanadviseurs MVS"),
            Item("Je talenten in beeld", "Studio", 12, "Joost Verbeek"),
            Item("Solliciteren bij de overheid", "Foyer", 8, "Karin Mol"),
            Item("Netwerken zonder netwerkborrel", "Kleine zaal", 40),
        ],
    ),
    (
        "15:15",
        "16:15",
        [
            Item("Meeloopstage en detachering", "Studio", 25),
            Item("Werken vanuit je kracht", "Foyer", 35, "Joost Verbeek"),
            Item("Loopbaangesprek: jouw volgende stap", "Kleine zaal", 40, "Loopbaanadviseurs MVS"),
        ],
    ),
    (
        "16:30",
        "17:30",
        [
            Item("Vitaal aan het werk", "Kleine zaal", 40),
            Item("Je cv in één middag", "Studio", 20, "Karin Mol"),
            Item("Van mbo naar hbo: leren naast je werk", "Foyer", 30),
        ],
    ),
]
# Per round, how many registrants choose each item (in the order above); round 1 makes
# "Je talenten in beeld" nearly full (11 of 12) and "Solliciteren" full with 3 waiting.
FESTIVAL_CHOICES = [[24], [5, 11, 11, 1], [10, 8, 10], [12, 8, 8]]

SYMPOSIUM = "Symposium Samen in beweging"
SYMPOSIUM_DESCRIPTION = (
    "Jaarlijks symposium over mobiliteit in het openbaar bestuur: een plenaire opening, twee "
    "rondes met workshops en loopbaangesprekken ter plekke."
)
SYMPOSIUM_PROGRAMME = [
    ("10:00", "11:00", [Item("Mobiliteit in de genen", "Grote zaal", 200, "Prof. Ineke Hoogland")]),
    (
        "11:15",
        "12:15",
        [
            Item("In-company leren delen", "Studio", 25),
            Item("Samen roosteren over gemeentegrenzen", "Foyer", 35),
            Item("Loopbaangesprekken ter plekke", "Kleine zaal", 40, "Loopbaanadviseurs MVS"),
        ],
    ),
    (
        "13:15",
        "14:15",
        [
            Item("Regionale vacaturebank", "Studio", 25),
            Item("Leiderschap in beweging", "Kleine zaal", 40),
        ],
    ),
]
SYMPOSIUM_CHOICES = [[14], [6, 4, 4], [8, 6]]


def seed_events() -> None:
    organiser = db.session.scalar(select(User).where(User.role == Role.ORGANISER))
    theatre = db.session.scalar(select(Venue).where(Venue.name == "Theater aan de Haven"))
    demo_logins = {email for email, *_ in DEMO_LOGINS}
    staff = [
        person
        for person in db.session.scalars(
            select(User).where(User.role == Role.PARTICIPANT).order_by(User.id.desc())
        )
        if person.email not in demo_logins
    ]
    festival_day = _day(52, weekday=4)  # a Friday: the Projectassistent course meets on Thursdays
    festival = _event(
        FESTIVAL,
        EventKind.FESTIVAL,
        FESTIVAL_DESCRIPTION,
        festival_day,
        ("12:30", "18:00"),
        organiser,
        capacity=40,
        deadline_day=festival_day - timedelta(days=7),
    )
    rounds = _programme(festival, festival_day, theatre, FESTIVAL_PROGRAMME)
    _register(festival, rounds, FESTIVAL_CHOICES, staff)

    symposium_day = _day(80, weekday=4)
    symposium = _event(
        SYMPOSIUM,
        EventKind.SYMPOSIUM,
        SYMPOSIUM_DESCRIPTION,
        symposium_day,
        ("09:30", "15:00"),
        organiser,
        capacity=150,
        deadline_day=symposium_day - timedelta(days=2),
    )
    rounds = _programme(symposium, symposium_day, theatre, SYMPOSIUM_PROGRAMME)
    _register(symposium, rounds, SYMPOSIUM_CHOICES, staff[::-1])


def _event(title, kind, description, day: date, hours, organiser, *, capacity, deadline_day):
    period = _at(day, *hours)
    return events.create_event(
        events.EventData(
            title=title,
            kind=kind,
            description=description,
            starts_at=period.starts_at,
            ends_at=period.ends_at,
            capacity=capacity,
            registration_deadline=_at(deadline_day, "17:00", "17:00").starts_at,
        ),
        organiser,
    )


def _programme(event, day: date, venue: Venue, programme) -> list[list[Session]]:
    """The items as sessions of the event, one list per slot. A workshop given in two rounds
    is one course with two sessions."""
    rooms = {room.name: room for room in venue.rooms}
    courses: dict = {}
    slots = []
    for start, end, items in programme:
        slot = []
        for item in items:
            course = courses.get(item.title)
            if course is None:
                course = courses[item.title] = create_course(
                    CourseData(
                        title=item.title,
                        format="festival_session",
                        category="loopbaan",
                        summary=f"Onderdeel van het programma van {event.title}.",
                        description=event.description,
                        target_groups=["iedereen"],
                        speaker=item.speaker,
                    )
                )
            meeting = _at(day, start, end)
            slot.append(
                schedule_session(
                    SessionData(
                        course_id=course.id,
                        mode="physical",
                        capacity={"in_person": item.places},
                        meetings=[meeting],
                        venue_id=venue.id,
                        room_id=rooms[item.room].id,
                        event_id=event.id,
                    )
                )
            )
        slots.append(slot)
    return slots


def _register(event, slots, choices_per_slot, staff) -> None:
    """Registrant n chooses, per slot, the item whose share of the registrants n falls in
    (no item once past the slot's shares); each registers themselves."""
    total = max(sum(counts) for counts in choices_per_slot)
    for number, person in enumerate(staff[:total]):
        choices = []
        for slot, counts in zip(slots, choices_per_slot, strict=True):
            bound = 0
            for session, count in zip(slot, counts, strict=True):
                bound += count
                if number < bound:
                    choices.append(session.id)
                    break
        events.register(event.id, person, actor=person, choices=choices)
