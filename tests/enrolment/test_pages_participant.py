"""Staff on a course page: enrol, wait, take an online place, leave, answer offers, cancel
until the deadline, and clear messages when a rule says no. "My overview" is in
tests/portal/test_overview.py."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from booking.accounts.models import Role
from booking.core.db import utcnow
from booking.enrolment import services
from booking.enrolment.models import Enrolment
from booking.scheduling.models import Session
from tests.enrolment.helpers import page


def block(html: str, session_id: int) -> str:
    """The person's part of one session card on a course page."""
    found = re.search(
        rf'<div class="my-enrolment" id="mijn-sessie-{session_id}">(.*?)</div>\s*</section>',
        html,
        re.S,
    )
    assert found, f"no enrolment block for session {session_id}"
    return found.group(1)


def enrolments(db_session, person) -> list[Enrolment]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            select(Enrolment).where(Enrolment.user_id == person.id).order_by(Enrolment.id)
        )
    )


def course_path(session) -> str:
    return f"/cursussen/{session.course.slug}"


def enrol(client, session, **form):
    return client.post(
        f"/sessies/{session.id}/inschrijven", data={"next": course_path(session), **form}
    )


def test_enrol_shows_confirmed_and_a_repeat_changes_nothing(client, make, db_session):
    session = make.session(capacity={"in_person": 5})
    person = make.user()
    db_session.commit()
    path = course_path(session)
    make.login(client, person)
    assert f'action="/sessies/{session.id}/inschrijven"' in block(page(client, path), session.id)

    response = enrol(client, session, mode="in_person")
    assert response.status_code == 303 and response.headers["Location"].endswith(path)
    html = page(client, path)
    assert 'class="utrecht-alert utrecht-alert--ok"' in html  # the flash message
    mine = block(html, session.id)
    assert 'data-status="confirmed"' in mine and "/inschrijven" not in mine
    assert enrol(client, session, mode="in_person").status_code == 303  # a double submit
    assert [(e.status, e.mode) for e in enrolments(db_session, person)] == [
        ("confirmed", "in_person")
    ]


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_written(client, make, db_session):
    session = make.session()
    db_session.commit()
    html = page(client, course_path(session))
    assert "/inloggen?next=" in block(html, session.id)
    response = enrol(client, session, mode="in_person")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert db_session.scalar(select(Enrolment.id)) is None


def test_full_session_waitlists_with_position_and_leaving_frees_the_queue(client, make, db_session):
    session = make.session(capacity={"in_person": 1})
    first, second, me = make.user(), make.user(), make.user()
    services.enrol(session.id, first, actor=first)
    services.enrol(session.id, second, actor=second)
    db_session.commit()
    make.login(client, me)
    mine = block(page(client, course_path(session)), session.id)
    assert "/inschrijven" in mine  # join the waitlist
    enrol(client, session, mode="in_person")
    mine = block(page(client, course_path(session)), session.id)
    assert 'data-status="waitlisted"' in mine and 'data-position="2"' in mine

    (entry,) = enrolments(db_session, me)
    response = client.post(
        f"/inschrijvingen/{entry.id}/annuleren", data={"status": "waitlisted", "next": "/mijn"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/mijn")
    assert enrolments(db_session, me)[0].status == "cancelled"
    mine = block(page(client, course_path(session)), session.id)
    assert 'data-status="cancelled"' in mine and "/inschrijven" in mine  # may enrol again


def test_hybrid_full_in_person_offers_an_online_place_while_waiting(client, make, db_session):
    session = make.session(mode="hybrid", capacity={"in_person": 1, "online": 3})
    other, me, patient = make.user(), make.user(), make.user()
    services.enrol(session.id, other, actor=other, mode="in_person")
    db_session.commit()
    make.login(client, me)
    mine = block(page(client, course_path(session)), session.id)
    assert 'name="accept_online" value="1"' in mine
    assert mine.count(f'action="/sessies/{session.id}/inschrijven"') == 3  # online-now, both

    enrol(client, session, mode="in_person", accept_online="1")
    (entry,) = enrolments(db_session, me)
    assert (entry.status, entry.mode, entry.waiting_for) == ("confirmed", "online", "in_person")
    mine = block(page(client, course_path(session)), session.id)
    assert 'data-status="confirmed"' in mine and 'data-position="1"' in mine
    assert f"/inschrijvingen/{entry.id}/niet-meer-wachten" in mine

    response = client.post(f"/inschrijvingen/{entry.id}/niet-meer-wachten", data={})
    assert response.status_code == 303
    entry = enrolments(db_session, me)[0]
    assert (entry.status, entry.mode, entry.waiting_for) == ("confirmed", "online", None)

    # The other choice: only the in-person waitlist.
    client.post("/uitloggen")
    make.login(client, patient)
    enrol(client, session, mode="in_person")
    (waiting,) = enrolments(db_session, patient)
    assert (waiting.status, waiting.mode) == ("waitlisted", "in_person")
    # "Stop waiting for the other form" on a plain waitlist entry: a message, not a 500
    # (the engine's leave_queue_for_other_mode would clear its queue time).
    response = client.post(f"/inschrijvingen/{waiting.id}/niet-meer-wachten", data={})
    assert response.status_code == 303
    waiting = enrolments(db_session, patient)[0]
    assert (waiting.status, waiting.queued_at is not None) == ("waitlisted", True)


def test_cancel_until_the_deadline_then_the_page_explains_who_can(client, make, db_session):
    session = make.session(cancellation_deadline=make.future(days=5))
    me = make.user()
    db_session.commit()
    make.login(client, me)
    enrol(client, session, mode="in_person")
    (entry,) = enrolments(db_session, me)
    mine = block(page(client, course_path(session)), session.id)
    assert f"/inschrijvingen/{entry.id}/annuleren" in mine
    assert 'data-note="deadline-passed"' not in mine

    db_session.get(Session, session.id).cancellation_deadline = utcnow() - timedelta(hours=1)
    db_session.commit()
    mine = block(page(client, course_path(session)), session.id)
    assert f"/inschrijvingen/{entry.id}/annuleren" not in mine
    assert 'data-note="deadline-passed"' in mine
    # A stale page posting anyway gets the rule's message, not a 500, and keeps the place.
    response = client.post(
        f"/inschrijvingen/{entry.id}/annuleren",
        data={"status": "confirmed", "next": course_path(session)},
    )
    assert response.status_code == 303
    assert "utrecht-alert--error" in page(client, course_path(session))
    assert enrolments(db_session, me)[0].status == "confirmed"

    db_session.get(Session, session.id).cancellation_deadline = make.future(days=5)
    db_session.commit()
    client.post(f"/inschrijvingen/{entry.id}/annuleren", data={"status": "confirmed"})
    entry = enrolments(db_session, me)[0]
    assert entry.status == "cancelled" and not entry.late_cancel


def test_leave_waitlist_does_not_give_up_a_place_won_in_the_meantime(client, make, db_session):
    session = make.session(capacity={"in_person": 1})
    first, me = make.user(), make.user()
    taken = services.enrol(session.id, first, actor=first).enrolment
    waiting = services.enrol(session.id, me, actor=me).enrolment
    db_session.commit()
    make.login(client, me)
    assert 'data-status="waitlisted"' in block(page(client, course_path(session)), session.id)
    services.cancel(taken.id, actor=first)  # I am promoted while my page still says waiting
    db_session.commit()
    client.post(f"/inschrijvingen/{waiting.id}/annuleren", data={"status": "waitlisted"})
    assert enrolments(db_session, me)[0].status == "confirmed"
    assert "utrecht-alert--error" in page(client, "/mijn")
    # The page now shows the place; cancelling what it shows works.
    mine = block(page(client, course_path(session)), session.id)
    assert 'data-status="confirmed"' in mine and 'name="status" value="confirmed"' in mine
    client.post(f"/inschrijvingen/{waiting.id}/annuleren", data={"status": "confirmed"})
    assert enrolments(db_session, me)[0].status == "cancelled"
    assert "utrecht-alert--ok" in page(client, "/mijn")


def test_stop_waiting_for_the_other_form_after_moving_in_the_meantime(client, make, db_session):
    session = make.session(mode="hybrid", capacity={"in_person": 1, "online": 3})
    first, me = make.user(), make.user()
    taken = services.enrol(session.id, first, actor=first, mode="in_person").enrolment
    mine_entry = services.enrol(
        session.id, me, actor=me, mode="in_person", accept_online=True
    ).enrolment
    db_session.commit()
    make.login(client, me)
    assert f"/inschrijvingen/{mine_entry.id}/niet-meer-wachten" in block(
        page(client, course_path(session)), session.id
    )
    services.cancel(taken.id, actor=first)  # I move in person while my page still offers it
    db_session.commit()
    response = client.post(f"/inschrijvingen/{mine_entry.id}/niet-meer-wachten", data={})
    assert response.status_code == 303
    assert "utrecht-alert--error" in page(client, "/mijn")
    entry = enrolments(db_session, me)[0]
    assert (entry.status, entry.mode, entry.waiting_for) == ("confirmed", "in_person", None)


def test_offers_are_accepted_or_declined_on_the_page(client, make, db_session):
    session = make.session(capacity={"in_person": 1}, promotion="offer")
    first, me, next_one = make.user(), make.user(), make.user()
    taken = services.enrol(session.id, first, actor=first).enrolment
    mine_entry = services.enrol(session.id, me, actor=me).enrolment
    services.enrol(session.id, next_one, actor=next_one)
    services.cancel(taken.id, actor=first)
    db_session.commit()
    make.login(client, me)
    mine = block(page(client, course_path(session)), session.id)
    assert 'data-status="offered"' in mine
    assert mine.count(f'action="/inschrijvingen/{mine_entry.id}/aanbod"') == 2
    assert 'value="accept"' in mine and 'value="decline"' in mine
    assert (
        client.post(f"/inschrijvingen/{mine_entry.id}/aanbod", data={"answer": "maybe"}).status_code
        == 303
    )  # a message, no change
    assert enrolments(db_session, me)[0].status == "offered"

    client.post(f"/inschrijvingen/{mine_entry.id}/aanbod", data={"answer": "decline"})
    assert enrolments(db_session, me)[0].status == "declined"
    assert enrolments(db_session, next_one)[0].status == "offered"  # the next in line

    client.post("/uitloggen")
    make.login(client, next_one)
    their = enrolments(db_session, next_one)[0]
    assert 'data-status="offered"' in page(client, "/mijn")
    client.post(f"/inschrijvingen/{their.id}/aanbod", data={"answer": "accept"})
    assert enrolments(db_session, next_one)[0].status == "confirmed"


def test_pending_approval_is_shown_and_can_be_withdrawn(client, make, db_session):
    session = make.session(make.course(requires_approval=True))
    team = make.team()
    make.user(Role.TEAM_LEADER, team_=team)
    me = make.user(team_=team)
    db_session.commit()
    make.login(client, me)
    enrol(client, session, mode="in_person")
    (entry,) = enrolments(db_session, me)
    assert entry.status == "pending_approval"
    mine = block(page(client, course_path(session)), session.id)
    assert 'data-status="pending_approval"' in mine
    client.post(f"/inschrijvingen/{entry.id}/annuleren", data={"status": "pending_approval"})
    assert enrolments(db_session, me)[0].status == "cancelled"


def test_rules_that_say_no_give_a_clear_message(client, make, db_session):
    start = make.future(days=12)
    first = make.session(start=start)
    overlapping = make.session(start=start + timedelta(hours=1))
    closed = make.session(enrolment_closes_at=make.future(days=2))
    hybrid = make.session(mode="hybrid")
    me = make.user(language="en")
    db_session.commit()
    db_session.get(Session, closed.id).enrolment_closes_at = utcnow() - timedelta(hours=1)
    db_session.commit()
    make.login(client, me)
    enrol(client, first, mode="in_person")

    enrol(client, overlapping, mode="in_person")
    html = page(client, course_path(overlapping))
    assert "You already have a place in" in html and first.course.title in html
    enrol(client, closed, mode="in_person")
    assert "Enrolment for this session has closed." in page(client, "/mijn")
    assert "Enrolment for this session has closed." in block(
        page(client, course_path(closed)), closed.id
    )
    enrol(client, hybrid)  # no mode chosen
    assert "Choose in person or online." in page(client, "/mijn")
    enrol(client, hybrid, mode="by pigeon")
    assert "Choose in person or online." in page(client, "/mijn")
    assert [e.session_id for e in enrolments(db_session, me)] == [first.id]


def test_forbidden_and_missing_things_give_403_or_404_and_change_nothing(client, make, db_session):
    """Someone else's place is a 404 like a missing one (as in the API: nobody probes which
    places exist)."""
    other_team = make.team()
    closed = make.session(visibility="team", team_id=other_team.id)
    session = make.session(capacity={"in_person": 1}, promotion="offer")
    owner, waiting, me = make.user(), make.user(), make.user()
    theirs = services.enrol(session.id, owner, actor=owner).enrolment
    offered = services.enrol(session.id, waiting, actor=waiting).enrolment
    services.cancel(theirs.id, actor=owner)  # the place is offered to `waiting`
    db_session.commit()
    make.login(client, me)
    assert enrol(client, closed, mode="in_person").status_code == 404
    assert client.post("/sessies/999999/inschrijven", data={"mode": "in_person"}).status_code == (
        404
    )
    assert (
        client.post(f"/inschrijvingen/{offered.id}/aanbod", data={"answer": "accept"}).status_code
        == 404
    )
    assert (
        client.post(
            f"/inschrijvingen/{offered.id}/annuleren", data={"status": "offered"}
        ).status_code
        == 404
    )
    assert client.post(f"/inschrijvingen/{offered.id}/niet-meer-wachten").status_code == 404
    assert client.post("/inschrijvingen/999999/annuleren").status_code == 404
    assert (
        client.post(
            f"/inschrijvingen/{offered.id}/besluit", data={"decision": "approve"}
        ).status_code
        == 404
    )
    db_session.expire_all()
    assert db_session.get(Enrolment, offered.id).status == "offered"
    assert enrolments(db_session, me) == []
