"""A world in which the real engine has queued every kind of message (the reminder, which the
worker queues, directly), shared by the rendering and MIME tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.core.db import atomic, utcnow
from booking.enrolment import organiser, services, team
from booking.enrolment.messages import MessageKind
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.services import queue
from booking.scheduling.services import update_session
from tests.enrolment.helpers import enrol

JOIN_URL = "https://teams.example/j/geheim-42"
JOIN_KINDS = {
    "enrolment_confirmed",
    "promoted",
    "approved",
    "reminder",
    "mode_changed",
    "session_changed",
}


@dataclass
class World:
    people: dict[str, User] = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)

    def messages(self, kind: str | None = None, who: str | None = None) -> list[OutboxMessage]:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        if who:
            query = query.where(OutboxMessage.user_id == self.people[who].id)
        return list(db.session.scalars(query))

    def message(self, kind: str, who: str) -> OutboxMessage:
        found = self.messages(kind, who)
        assert len(found) == 1, (kind, who, found)
        return found[0]


def join_link_expected(message: OutboxMessage) -> bool:
    """The rule of issue 4, restated: only to the person with a confirmed online place, only
    in the messages about having that place, only while the session takes place."""
    enrolment = db.session.get(Enrolment, message.enrolment_id) if message.enrolment_id else None
    return (
        message.kind in JOIN_KINDS
        and enrolment is not None
        and enrolment.user_id == message.user_id
        and enrolment.status == "confirmed"
        and enrolment.mode == "online"
        and enrolment.session.status == "scheduled"
    )


def _person(make, key: str, name: str, world: World, **options) -> User:
    person = make.user(**options)
    person.name = name
    world.people[key] = person
    return person


def build_world(make) -> World:
    world = World()
    now = utcnow()
    org = make.organisation("Gemeente Schiedam")
    financien = make.team(org, "Financiën")
    leader = _person(make, "leader", "Ruud de Vries", world, role=Role.TEAM_LEADER, team_=financien)
    boss = _person(make, "organiser", "Olga Organisator", world, role=Role.ORGANISER)
    members = {
        key: _person(make, key, name, world, team_=financien, language=language)
        for key, name, language in [
            ("anna", "Anna Jansen", "nl"),
            ("bram", "Bram <script>alert(1)</script>", "en"),
            ("cor", "Cor & Co", "nl"),
            ("dina", "Dina Dijkstra", "en"),
            ("eva", "Eva Evers", "nl"),
            ("fenna", "Fenna Fokkema", "nl"),
            ("gijs", "Gijs Groen", "en"),
            ("hans", "Hans Hendriks", "nl"),
            ("ilse", "Ilse IJsselmuiden", "nl"),
            ("kees", "Kees Kok", "nl"),
            ("lies", "Lies Linden", "en"),
            ("mark", "Mark Mulder", "nl"),
            ("nina", "Nina Noord", "nl"),
            ("piet", "Piet Post", "nl"),
            ("quinn", "Quinn Quist", "en"),
            ("vera", "Vera Visser", "nl"),
            ("jan", "Jan Jacobs", "en"),
            ("wim", "Wim Willems", "nl"),
        ]
    }
    online = make.online_venue("Teams-omgeving")
    online.join_url = JOIN_URL
    venue = make.physical_venue("Stadskantoor", rooms=(("Zaal Financiën", 30),))
    start = make.future(days=20, hour=8)  # 09:00 or 10:00 in Amsterdam
    linkedin = make.course("Netwerken met LinkedIn")

    def session(key, course, mode, capacity, days=0, **extra):
        world.sessions[key] = make.session(
            course,
            mode=mode,
            capacity=capacity,
            start=start + timedelta(days=days),
            venue=venue,
            online=online,
            **extra,
        )
        return world.sessions[key]

    # Auto promotion: confirmed online and in person, a waitlist, a cancellation by oneself.
    auto = session("auto", linkedin, "hybrid", {"in_person": 1, "online": 1})
    a = enrol(auto, members["anna"], mode="online").enrolment
    b = enrol(auto, members["bram"], mode="in_person").enrolment
    enrol(auto, members["cor"], mode="online")  # waitlisted, number 1
    enrol(auto, members["vera"], mode="in_person")  # waitlisted, number 1
    atomic(services.cancel, a.id, actor=members["anna"])  # cor is promoted online
    atomic(services.cancel, b.id, actor=members["bram"])  # vera is promoted in person

    # Offers: a late cancellation by the organiser, an offer declined, one left to expire.
    offers = session(
        "offers",
        linkedin,
        "hybrid",
        {"in_person": 1, "online": 1},
        days=1,
        promotion="offer",
        cancellation_deadline=start - timedelta(days=5),
    )
    d = enrol(offers, members["dina"], mode="online").enrolment
    e = enrol(offers, members["eva"], mode="online").enrolment
    enrol(offers, members["fenna"], mode="online")
    late = offers.starts_at - timedelta(days=4)
    atomic(services.cancel, d.id, actor=boss, reason="Dubbel geboekt", now=late)
    atomic(services.answer_offer, e.id, actor=members["eva"], accept=False, now=late)
    atomic(organiser.process_session, offers.id, now=offers.starts_at - timedelta(days=1))

    # Approvals: approved (online), declined with a reason, and left to expire.
    assertive = make.course("Assertiviteitstraining", requires_approval=True)
    approvals = session("approvals", assertive, "hybrid", {"in_person": 5, "online": 5}, days=2)
    g = enrol(approvals, members["gijs"], mode="online").enrolment
    h = enrol(approvals, members["hans"], mode="in_person").enrolment
    enrol(approvals, members["ilse"], mode="in_person")
    j = enrol(approvals, members["jan"], mode="in_person").enrolment
    w = enrol(approvals, members["wim"], mode="online").enrolment
    atomic(services.decide, g.id, actor=leader, approve=True, reason="Goed plan")
    atomic(services.decide, j.id, actor=leader, approve=True)
    atomic(services.decide, w.id, actor=leader, approve=True)
    atomic(services.move_mode, w.id, actor=boss, mode="in_person")  # now in person
    atomic(services.decide, h.id, actor=leader, approve=False, reason="Geen budget <b>meer</b>")
    atomic(organiser.process_session, approvals.id, now=now + timedelta(days=6))

    # Changes: a move to online, a change of times, a waitlisted person told about it.
    changes = session("changes", linkedin, "hybrid", {"in_person": 2, "online": 2}, days=3)
    k = enrol(changes, members["kees"], mode="in_person").enrolment
    enrol(changes, members["lies"], mode="in_person")
    atomic(services.move_mode, k.id, actor=boss, mode="online")
    enrol(changes, members["mark"], mode="online")
    enrol(changes, members["quinn"], mode="online")  # waitlisted
    db.session.commit()
    moved = changes.starts_at + timedelta(hours=2)
    atomic(
        update_session,
        changes.id,
        {"meetings": [_meeting(moved, moved + timedelta(hours=3))]},
    )
    for key in ("kees", "lies"):  # the worker queues reminders; here the test does
        enrolment = _enrolment(changes, world.people[key])
        queue(world.people[key], MessageKind.REMINDER, session=changes, enrolment=enrolment)
    # The recording mail (issue 9), as organiser.mail_recording queues it after the session.
    enrolment = _enrolment(changes, world.people["lies"])
    queue(
        world.people["lies"],
        MessageKind.RECORDING,
        session=changes,
        enrolment=enrolment,
        recording_url="https://video.example/opname",
    )
    db.session.commit()

    # A session cancelled with a reason, with an online and an in-person place.
    dropped = session("dropped", linkedin, "hybrid", {"in_person": 2, "online": 2}, days=4)
    enrol(dropped, members["nina"], mode="online")
    enrol(dropped, members["anna"], mode="in_person")
    atomic(organiser.cancel_session, dropped.id, actor=boss, reason="Trainer ziek")

    # A team booking (one place, one on the waitlist) and an in-company request.
    disc = make.course("DISC teamtraining")
    booked = session("team", disc, "physical", {"in_person": 1}, days=5)
    atomic(team.book_team, booked.id, [members["piet"].id, members["quinn"].id], actor=leader)
    atomic(
        team.request_in_company,
        actor=leader,
        topic="Omgaan met <weerstand>",
        group_size=12,
        preferred_dates="Liefst op dinsdag in maart",
        course_id=disc.id,
    )
    db.session.commit()
    return world


def _meeting(starts_at, ends_at):
    from booking.scheduling.services import MeetingData

    return MeetingData(starts_at, ends_at)


def _enrolment(session, person) -> Enrolment:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.session_id == session.id, Enrolment.user_id == person.id)
    )


def test_the_world_holds_every_kind_of_message(make, db_session):
    world = build_world(make)
    kinds = {m.kind for m in world.messages()}
    assert kinds == {k.value for k in MessageKind}
    # ...and for every kind that may carry the join link, one message that must carry it.
    assert {m.kind for m in world.messages() if join_link_expected(m)} == JOIN_KINDS
