"""The world of the authorization matrix: two organisations, a person of every role in each,
and one object of every kind a route can name, made through the real services.

Everything that belongs to somebody belongs to organisation A ("Gemeente Schiedam") and its
people, so organisation B's people ("Gemeente Vlaardingen") show what leaks across the wall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import text

from booking.accounts.models import PeopleImport, Role, User
from booking.accounts.services import create_api_token
from booking.advising import advisors
from booking.advising import services as advising
from booking.attendance import checkin
from booking.attendance import services as attendance
from booking.catalogue import taxonomy
from booking.catalogue.models import FundingProgramme
from booking.catalogue.speakers import SpeakerData, create_speaker
from booking.certifications import services as certifications
from booking.certifications.services import CertificationInput
from booking.enrolment import organiser as enrolment_organiser
from booking.enrolment import services as enrolment
from booking.enrolment import team as team_booking
from booking.events import services as events
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.scheduling.models import Visibility
from booking.webhooks import services as webhooks
from tests import factories as make

# The people of the matrix: anonymous, then a person of every role in both organisations.
ROLES = ("participant", "leader", "hr", "advisor", "organiser", "admin")
PEOPLE = tuple(f"{role}_{side}" for role in ROLES for side in "ab")
EVERYONE = ("anonymous", *PEOPLE)

_ROLE = {
    "participant": Role.PARTICIPANT,
    "leader": Role.TEAM_LEADER,
    "hr": Role.HR,
    "advisor": Role.ADVISOR,
    "organiser": Role.ORGANISER,
    "admin": Role.ADMIN,
}


@dataclass
class World:
    people: dict[str, User] = field(default_factory=dict)  # only while it is being built
    logins: dict[str, str] = field(default_factory=dict)  # Flask-Login's id of each person
    tokens: dict[str, str] = field(default_factory=dict)  # plain bearer tokens
    ids: dict[str, int | str] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None


def build() -> World:
    world = World()
    ids = world.ids
    org_a = make.organisation("Gemeente Schiedam")
    org_b = make.organisation("Gemeente Vlaardingen")
    team_a = make.team(org_a, "Openbare Ruimte")
    team_b = make.team(org_b, "Burgerzaken")
    ids.update(org_a=org_a.id, org_b=org_b.id, team_a=team_a.id, team_b=team_b.id)
    for side, org, team in (("a", org_a, team_a), ("b", org_b, team_b)):
        for role, role_name in _ROLE.items():
            in_team = role in ("participant", "leader")
            person = make.user(
                role_name,
                email=f"{role}.{side}@example.nl",
                org=org,
                team_=team if in_team else None,
                password=None,  # the matrix logs in by session; no Argon2 hashing
            )
            world.people[f"{role}_{side}"] = person
    db.session.flush()
    people = world.people
    admin, organiser = people["admin_a"], people["organiser_a"]
    for name, person in people.items():
        world.tokens[name] = create_api_token(person)[1]
    for side in "ab":
        advisors.set_advisor(
            people[f"advisor_{side}"],
            advisors.ProfileData(meeting_url="https://teams.example.nl/l/advies"),
            actor=organiser,
        )
    ids.update({name: person.id for name, person in people.items()})
    ids["email_a"] = people["participant_a"].email

    # The catalogue and the venues.
    make.target_group("mbo")
    category = make.category("loopbaan")
    programme = taxonomy.create_item(FundingProgramme, taxonomy.ListedData(name="Regio Deal"))
    course = make.course("Netwerken met LinkedIn", target_groups=["mbo"])
    in_company = make.course("DISC teamtraining", in_company_only=True)
    speaker = create_speaker(SpeakerData(name="Anna de Vries"))
    venue = make.physical_venue("Stadskantoor", rooms=(("Zaal 1", 20),))
    online = make.online_venue("Teams")
    ids.update(
        category=category.id,
        target_group=make.target_group("mbo").id,
        programme=programme.id,
        course=course.id,
        course_slug=course.slug,
        in_company_slug=in_company.slug,
        speaker=speaker.id,
        venue=venue.id,
        online_venue=online.id,
    )

    # An open session with a place of participant A, and a session closed to organisation A.
    session = make.session(course, venue=venue, capacity={"in_person": 10})
    closed = make.session(
        course,
        start=make.future(20),
        venue=venue,
        visibility=Visibility.ORGANISATION,
        organisation_id=org_a.id,
    )
    place = enrolment.enrol(session.id, people["participant_a"], actor=people["participant_a"])
    enrolment.enrol(session.id, people["participant_b"], actor=people["participant_b"])
    reservation = enrolment_organiser.reserve_seats(
        session.id,
        actor=organiser,
        organisation_id=org_a.id,
        mode="in_person",
        seats=2,
        until=make.future(5),
    )
    trainer = people["advisor_a"]
    attendance.name_trainer(session.id, trainer.email, actor=organiser)
    ids.update(
        session=session.id,
        closed_session=closed.id,
        enrolment=place.enrolment.id,
        meeting=session.meetings[0].id,
        check_in_code=checkin.code_for(place.enrolment.id),
        reservation=reservation.id,
        trainer=trainer.id,
    )

    # A festival with a registration of participant A.
    event = events.create_event(
        events.EventData(title="Loopbaanfestival", kind="festival", capacity=50), organiser
    )
    item = make.session(make.course("Workshop Pitchen"), start=make.future(30), event_id=event.id)
    registration = events.register(
        event.id, people["participant_a"], actor=people["participant_a"], choices=[item.id]
    )
    ids.update(
        event=event.id,
        event_slug=event.slug,
        event_item=item.id,
        registration=registration.registration.id,
    )

    # A certification awarded to participant A.
    certification = certifications.define(
        CertificationInput(name_nl="Projectassistent", course_ids=[course.id]), actor=organiser
    )
    award = certifications.award_by_hand(
        certification.id,
        people["participant_a"].email,
        completed_on=date.today() - timedelta(days=30),
        evidence_note="Elders gevolgd; certificaat gezien.",
        actor=organiser,
    )
    ids.update(certification=certification.id, award=award.id)

    # Career conversations: a slot of advisor A, booked by participant A, and a free one.
    start = make.future(5, 10)
    booked = advising.publish_slot(
        people["advisor_a"],
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        mode="online",
        actor=people["advisor_a"],
    )
    free = advising.publish_slot(
        people["advisor_a"],
        starts_at=start + timedelta(hours=2),
        ends_at=start + timedelta(hours=2, minutes=45),
        mode="online",
        actor=people["advisor_a"],
    )
    booking = advising.book(booked.id, people["participant_a"], actor=people["participant_a"])
    ids.update(slot=free.id, booking=booking.booking.id)

    # What administrators and organisers handle: an in-company request of team leader A, a
    # people import waiting for its run, and a mail in the outbox.
    request = team_booking.request_in_company(
        actor=people["leader_a"], topic="DISC teamtraining", group_size=12
    )
    upload = PeopleImport(uploaded_by_id=admin.id, filename="mensen.csv", content=b"email,name\n")
    db.session.add(upload)
    hook, _secret = webhooks.register(
        "https://93.184.215.14/hooks", ["certification.revoked"], people["organiser_a"]
    )
    db.session.flush()
    message = db.session.query(OutboxMessage).order_by(OutboxMessage.id).first()
    ids.update(request=request.id, upload=upload.id, message=message.id, webhook=hook.id)
    db.session.commit()
    world.logins = {name: person.get_id() for name, person in people.items()}
    world.people = {}
    return world


# Building the world through the services takes a while; the matrix builds it once and puts
# its rows back before every test, and after every request that changed something.
Snapshot = dict[str, list[dict]]


def snapshot() -> Snapshot:
    with db.engine.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(table.select())]
            for table in db.metadata.sorted_tables
        }


def restore(rows: Snapshot) -> None:
    """The database as the snapshot holds it, in one transaction: DELETE, as the tables are
    small (PostgreSQL's TRUNCATE of every table costs more than the rows)."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                connection.execute(table.insert(), rows[table.name])
        if connection.dialect.name == "postgresql":  # the next new row gets a new id
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement and rows[table.name]:
                    sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
                    highest = f"(SELECT max(id) FROM {table.name})"  # noqa: S608 - our tables
                    connection.execute(text(f"SELECT setval({sequence}, {highest})"))
