"""The audit log: every organiser action on a person is in it (cancel, move, decide an
approval, override a clash, add, erase), and the administrators' page filters by actor,
action, kind of record, person and dates, pages, and costs the same statements per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from booking.advising import advisors
from booking.advising import services as advising
from booking.core.db import atomic, utcnow
from booking.core.models import AuditEntry, audit
from booking.enrolment import services as enrolment
from booking.events import services as events
from booking.extensions import db
from booking.privacy import audit_log, export, services
from tests.events.fixtures import make_festival


def _actions(**where) -> list[tuple[str, int | None, int | None]]:
    query = select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.target_id)
    for key, value in where.items():
        query = query.where(getattr(AuditEntry, key) == value)
    return db.session.execute(query.order_by(AuditEntry.id)).all()


@pytest.fixture
def people(make, db_session):
    organiser = make.user("organiser")
    admin = make.user("admin")
    leader = make.user("team_leader")
    member = make.user(team_=leader.team)
    other = make.user()
    db_session.commit()
    return organiser, admin, leader, member, other


def test_every_organiser_action_on_a_person_is_audited(make, people, db_session):
    organiser, _admin, leader, member, other = people
    hybrid = make.session(mode="hybrid", start=make.future(12))
    added = atomic(enrolment.enrol, hybrid.id, other, actor=organiser, mode="in_person").enrolment
    assert _actions(action="enrolment.added") == [("enrolment.added", organiser.id, added.id)]
    atomic(enrolment.move_mode, added.id, actor=organiser, mode="online")
    moved = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "enrolment.moved"))
    assert moved.before == {"mode": "in_person", "status": "confirmed"}
    assert moved.after == {"mode": "online"}
    atomic(enrolment.cancel, added.id, actor=organiser, reason="Dubbel ingeschreven")
    cancelled = db_session.scalar(
        select(AuditEntry).where(AuditEntry.action == "enrolment.cancelled")
    )
    assert cancelled.actor_id == organiser.id and cancelled.target_id == added.id
    assert cancelled.before == {"status": "confirmed"}
    assert cancelled.after["reason"] == "Dubbel ingeschreven"

    approval = make.session(make.course(requires_approval=True), start=make.future(14))
    asked = atomic(enrolment.enrol, approval.id, member, actor=member).enrolment
    assert asked.status == "pending_approval"
    atomic(enrolment.decide, asked.id, actor=leader, approve=False, reason="Geen budget")
    (decided,) = _actions(action="enrolment.approval_declined")
    assert decided == ("enrolment.approval_declined", leader.id, asked.id)

    first = make.session(start=make.future(20))
    second = make.session(start=make.future(20))
    atomic(enrolment.enrol, first.id, member, actor=member)
    atomic(enrolment.enrol, second.id, member, actor=organiser, override_reason="Spreker")
    assert [a for a, *_ in _actions(actor_id=organiser.id)][-2:] == [
        "enrolment.added",
        "enrolment.overlap_allowed",
    ]


def test_organisers_registering_and_booking_for_someone_is_audited(make, people, db_session):
    organiser, _admin, _leader, member, _other = people
    event_id, (a1, _b1, a2, _b2), _ = make_festival(make, db_session)
    registration = atomic(
        lambda: events.register(event_id, member, actor=organiser, choices=[a1, a2]).registration.id
    )
    atomic(events.cancel_registration, registration, actor=organiser)
    assert [a for a, *_ in _actions(target_type="event_registrations")] == [
        "event_registration.added",
        "event_registration.cancelled",
    ]
    advisor = make.user("advisor", org=None, education_level=None)
    advisors.set_advisor(
        advisor, advisors.ProfileData(meeting_url="https://t.example.nl/a"), actor=advisor
    )
    starts = [make.future(5, 10), make.future(6, 10)]
    slots = [
        advising.publish_slot(
            advisor, starts_at=s, ends_at=s + timedelta(minutes=45), mode="online", actor=advisor
        )
        for s in starts
    ]
    booking = atomic(lambda: advising.book(slots[0].id, member, actor=organiser).booking.id)
    atomic(advising.move_booking, booking, slots[1].id, actor=advisor)
    atomic(advising.cancel_booking, booking, actor=organiser)
    assert _actions(target_type="advisor_bookings") == [
        ("advisor_booking.added", organiser.id, booking),
        ("advisor_booking.moved", advisor.id, booking),
        ("advisor_booking.cancelled", organiser.id, booking),
    ]
    about = {a["action"] for a in export.export(member.id)["audit_about_me"]}
    assert {"event_registration.added", "advisor_booking.moved", "enrolment.added"} <= about


def test_what_people_do_for_themselves_is_not_audited(make, people):
    _organiser, _admin, _leader, member, _other = people
    session = make.session(start=make.future(12))
    mine = atomic(enrolment.enrol, session.id, member, actor=member).enrolment
    atomic(enrolment.cancel, mine.id, actor=member)
    assert [a for a in _actions() if a[0].startswith("enrolment.")] == []


def _entries(make, organiser, admin, person, count=3):
    for i in range(count):
        audit(organiser, "session.cancelled", person, after={"n": i})
    audit(admin, "retention.set", make.organisation(), after={"months": 6})


def test_the_page_filters(client, make, people, db_session):
    organiser, admin, _leader, member, other = people
    _entries(make, organiser, admin, member)
    audit(organiser, "enrolment.moved", other)
    old = audit(admin, "person.erased", other)
    db_session.flush()
    db_session.execute(
        update(AuditEntry)
        .where(AuditEntry.id == old.id)
        .values(at=utcnow() - timedelta(days=40))
        .execution_options(synchronize_session=False)
    )
    db_session.commit()
    make.login(client, admin)

    def shown(**args):
        page = client.get("/beheer/audit", query_string=args)
        assert page.status_code == 200, page.get_data(as_text=True)[:500]
        text = page.get_data(as_text=True)
        return int(text.split('data-total="')[1].split('"')[0]), text

    assert shown()[0] == 6
    assert shown(actor=organiser.email)[0] == 4
    assert shown(actor=organiser.email.upper())[0] == 4
    assert shown(action="enrolment.moved")[0] == 1
    assert shown(target_type="users")[0] == 5
    assert shown(person=other.email)[0] == 2
    total, text = shown(person=member.email)
    assert total == 3 and 'data-action="session.cancelled"' in text and '{"n": 2}' in text
    today = utcnow().date().isoformat()
    assert shown(date_from=today)[0] == 5
    assert shown(date_to=(utcnow() - timedelta(days=30)).date().isoformat())[0] == 1
    assert shown(actor="nobody@example.nl")[0] == 0
    bad = client.get("/beheer/audit", query_string={"date_from": "10^20"})
    assert bad.status_code == 422 and 'id="date_from-error"' in bad.get_data(as_text=True)


def test_the_page_pages_with_a_fixed_number_of_statements(
    app, client, make, people, db_session, count_queries
):
    organiser, admin, _leader, member, _other = people
    for i in range(audit_log.PAGE_SIZE + 10):
        audit(organiser, "enrolment.cancelled", member, after={"i": i})
    db_session.commit()
    make.login(client, admin)
    count_queries.reset()
    first = client.get("/beheer/audit")
    on_first = len(count_queries)
    assert first.get_data(as_text=True).count('<tr class="utrecht-table__row" data-entry=') == 50
    count_queries.reset()
    second = client.get("/beheer/audit?pagina=2")
    assert len(count_queries) == on_first
    text = second.get_data(as_text=True)
    assert text.count('<tr class="utrecht-table__row" data-entry=') == 10
    assert 'rel="prev"' in text and 'rel="next"' not in text
    assert client.get("/beheer/audit?pagina=100000000000000000000").status_code == 200
    assert client.get("/beheer/audit?pagina=x").status_code == 200


def test_the_page_is_for_administrators(client, make, people):
    organiser, *_ = people
    make.login(client, organiser)
    assert client.get("/beheer/audit").status_code == 403
    assert client.get("/beheer/audit").status_code == 403


def test_an_erasure_is_in_the_log(client, make, people, db_session):
    _organiser, admin, _leader, _member, other = people
    atomic(services.erase, other.email, actor=admin)
    (entry,) = _actions(action="person.erased")
    assert entry == ("person.erased", admin.id, other.id)
