"""Team leaders on /mijn-team: approvals, booking several members at once, their team's
enrolments (cancelling after the deadline too), and in-company requests; organisers decide
the approvals nobody else can."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from booking.accounts.models import Role
from booking.core.db import utcnow
from booking.enrolment import services
from booking.enrolment import team as team_services
from booking.enrolment.models import Enrolment, InCompanyRequest
from booking.scheduling.models import Session


def page(client, path: str = "/mijn-team") -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def status_of(db_session, enrolment_id: int) -> str:
    db_session.expire_all()
    return db_session.get(Enrolment, enrolment_id).status


def count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


def a_team(make, size: int = 3):
    team = make.team()
    leader = make.user(Role.TEAM_LEADER, team_=team)
    members = [make.user(team_=team) for _ in range(size)]
    return team, leader, members


def test_leader_approves_and_declines_with_a_reason(client, make, db_session):
    team, leader, (ann, *_others) = a_team(make)
    _other_team, _other_leader, (stranger,) = a_team(make, 1)
    session = make.session(make.course(requires_approval=True), capacity={"in_person": 1})
    waiting = make.user(team_=team)
    asked = services.enrol(session.id, ann, actor=ann).enrolment
    theirs = services.enrol(
        make.session(make.course(requires_approval=True)).id, stranger, actor=stranger
    ).enrolment
    queued = services.enrol(session.id, waiting, actor=waiting).enrolment
    db_session.commit()
    make.login(client, leader)
    html = page(client)
    assert f'id="verzoek-{asked.id}"' in html and f'id="verzoek-{theirs.id}"' not in html
    assert f'<label class="utrecht-form-label" for="reason-{asked.id}">' in html

    response = client.post(
        f"/inschrijvingen/{asked.id}/besluit",
        data={"decision": "decline", "reason": "Not this quarter", "next": "/mijn-team"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/mijn-team")
    db_session.expire_all()
    declined = db_session.get(Enrolment, asked.id)
    assert (declined.status, declined.decision_reason) == ("declined", "Not this quarter")
    assert status_of(db_session, queued.id) == "pending_approval"  # the freed place, held

    client.post(f"/inschrijvingen/{queued.id}/besluit", data={"decision": "approve"})
    assert status_of(db_session, queued.id) == "confirmed"
    assert (
        client.post(
            f"/inschrijvingen/{queued.id}/besluit", data={"decision": "approve"}
        ).status_code
        == 303
    )  # not pending: a message
    assert (
        client.post(
            f"/inschrijvingen/{queued.id}/besluit",
            data={"decision": "approve", "reason": "x" * 1001},
        ).status_code
        == 303
    )
    assert "utrecht-alert--error" in page(client)


def test_other_leaders_and_participants_cannot_decide(client, make, db_session):
    _team, _leader, (ann,) = a_team(make, 1)
    _other, other_leader, (colleague,) = a_team(make, 1)
    asked = services.enrol(
        make.session(make.course(requires_approval=True)).id, ann, actor=ann
    ).enrolment
    db_session.commit()
    # Strangers to the place get a 404 (as in the API); the person themself a 403.
    for person, status in ((other_leader, 404), (colleague, 404), (ann, 403)):
        make.login(client, person)
        response = client.post(f"/inschrijvingen/{asked.id}/besluit", data={"decision": "approve"})
        assert response.status_code == status, person.role
        client.post("/uitloggen")
    assert status_of(db_session, asked.id) == "pending_approval"
    assert (
        client.post("/inschrijvingen/999999/besluit", data={"decision": "approve"}).status_code
        == 302
    )  # anonymous: to the log-in page


def test_organisers_decide_requests_of_people_without_a_team_leader(client, make, db_session):
    organiser = make.user(Role.ORGANISER)
    loner = make.user()  # no team, so no team leader
    asked = services.enrol(
        make.session(make.course(requires_approval=True)).id, loner, actor=loner
    ).enrolment
    db_session.commit()
    make.login(client, organiser)
    assert f'id="verzoek-{asked.id}"' in page(client, "/mijn")
    client.post(f"/inschrijvingen/{asked.id}/besluit", data={"decision": "approve"})
    assert status_of(db_session, asked.id) == "confirmed"


def test_book_as_many_as_fit_and_see_the_result_per_person(client, make, db_session):
    _team, leader, members = a_team(make, 4)
    start = make.future(days=14)
    session = make.session(capacity={"in_person": 2}, start=start)
    busy_elsewhere = make.session(start=start + timedelta(hours=1))
    services.enrol(busy_elsewhere.id, members[3], actor=members[3])
    services.enrol(session.id, members[2], actor=members[2])  # already has a place
    db_session.commit()
    make.login(client, leader)
    html = page(client)
    assert f'<option value="{session.id}">' in html
    assert all(f'value="{m.id}"' in html for m in members)

    response = client.post(
        "/mijn-team/boeken",
        data={
            "booking-session": session.id,
            "booking-fill": "partial",
            "booking-members": [m.id for m in members],
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/mijn-team#boeking-resultaat"
    )
    html = page(client)
    result = html.split('id="boeking-regels"')[1].split("</table>")[0]
    outcomes = re.findall(r'data-outcome="(\w+)"(?: data-position="(\d+)")?', result)
    assert outcomes == [
        ("confirmed", ""),
        ("waitlisted", "1"),
        ("already_enrolled", ""),
        ("clash", ""),
    ]
    assert "boeking-regels" not in page(client)  # shown once
    db_session.expire_all()
    booked = dict(
        db_session.execute(
            select(Enrolment.user_id, Enrolment.status).where(Enrolment.session_id == session.id)
        )
        .tuples()
        .all()
    )
    assert booked == {
        members[0].id: "confirmed",
        members[1].id: "waitlisted",
        members[2].id: "confirmed",
    }
    listed = html.split('id="team-inschrijvingen"')[1].split("</table>")[0]
    rows = re.findall(r'id="inschrijving-\d+" data-status="(\w+)"', listed)
    assert sorted(rows) == ["confirmed", "confirmed", "confirmed", "waitlisted"]  # + elsewhere


def test_all_or_nothing_books_nobody_when_not_everyone_fits(client, make, db_session):
    _team, leader, members = a_team(make, 3)
    session = make.session(capacity={"in_person": 2})
    db_session.commit()
    make.login(client, leader)
    response = client.post(
        "/mijn-team/boeken",
        data={
            "booking-session": session.id,
            "booking-fill": "all",
            "booking-members": [m.id for m in members],
        },
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "utrecht-alert--error" in html and 'id="teamboeking"' in html
    for m in members:  # the choice is kept
        assert re.search(rf'<input checked[^>]*name="booking-members"[^>]*value="{m.id}"', html)
    assert count(db_session, Enrolment) == 0


def test_booking_outside_the_team_is_forbidden(client, make, db_session):
    _team, leader, (mine,) = a_team(make, 1)
    _other, _other_leader, (theirs,) = a_team(make, 1)
    other_team_only = make.session(visibility="team", team_id=_other.id)
    session = make.session()
    participant = make.user()
    db_session.commit()
    make.login(client, leader)
    response = client.post(
        "/mijn-team/boeken",
        data={
            "booking-session": session.id,
            "booking-fill": "partial",
            "booking-members": [mine.id, theirs.id],
        },
    )
    assert response.status_code == 403
    response = client.post(
        "/mijn-team/boeken",
        data={
            "booking-session": other_team_only.id,
            "booking-fill": "partial",
            "booking-members": [mine.id],
        },
    )
    # The leader may see that the session exists only as far as the booking form offered it;
    # the service answers a team booking of another team's closed session as one of a
    # session that does not exist (invariant 7).
    assert response.status_code == 404
    assert (
        client.post(
            "/mijn-team/boeken",
            data={
                "booking-session": 999999,
                "booking-fill": "partial",
                "booking-members": [mine.id],
            },
        ).status_code
        == 404
    )
    client.post("/uitloggen")
    make.login(client, participant)
    assert client.get("/mijn-team").status_code == 403
    assert (
        client.post(
            "/mijn-team/boeken",
            data={
                "booking-session": session.id,
                "booking-fill": "partial",
                "booking-members": [participant.id],
            },
        ).status_code
        == 403
    )
    assert count(db_session, Enrolment) == 0


def test_leader_cancels_a_members_place_after_the_deadline_recorded_late(client, make, db_session):
    _team, leader, (ann, bob) = a_team(make, 2)
    _other, other_leader, _ = a_team(make, 1)
    session = make.session(cancellation_deadline=make.future(days=3))
    place = services.enrol(session.id, ann, actor=ann).enrolment
    early = services.enrol(session.id, bob, actor=bob).enrolment
    db_session.commit()
    db_session.get(Session, session.id).cancellation_deadline = utcnow() - timedelta(hours=2)
    db_session.commit()

    make.login(client, other_leader)
    assert (
        client.post(
            f"/inschrijvingen/{place.id}/annuleren", data={"status": "confirmed"}
        ).status_code
        == 404  # not theirs to read: as if there were no such place, as in the API
    )
    client.post("/uitloggen")
    assert status_of(db_session, place.id) == "confirmed"

    make.login(client, leader)
    html = page(client)
    row = html.split(f'id="inschrijving-{place.id}"')[1].split("</tr>")[0]
    assert f"/inschrijvingen/{place.id}/annuleren" in row
    response = client.post(
        f"/inschrijvingen/{place.id}/annuleren", data={"status": "confirmed", "next": "/mijn-team"}
    )
    assert response.status_code == 303
    db_session.expire_all()
    cancelled = db_session.get(Enrolment, place.id)
    assert (cancelled.status, cancelled.late_cancel, cancelled.cancelled_by_id) == (
        "cancelled",
        True,
        leader.id,
    )
    assert status_of(db_session, early.id) == "confirmed"


def test_in_company_requests_are_sent_and_listed(client, make, db_session):
    team, leader, _ = a_team(make, 1)
    course = make.course("DISC teamtraining")
    participant = make.user(team_=team)
    db_session.commit()
    make.login(client, leader)
    assert f'<option lang="nl" value="{course.id}">' in page(client)  # a Dutch-only title
    response = client.post(
        "/mijn-team/maatwerk",
        data={
            "incompany-topic": "DISC voor ons team",
            "incompany-group_size": "12",
            "incompany-preferred_dates": "Twee ochtenden in maart",
            "incompany-course": course.id,
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/mijn-team#maatwerk"
    )
    db_session.expire_all()
    (request,) = db_session.scalars(select(InCompanyRequest)).all()
    assert (request.team_id, request.group_size, request.course_id, request.status) == (
        team.id,
        12,
        course.id,
        "open",
    )
    assert f'id="verzoek-maatwerk-{request.id}" data-status="open"' in page(client)

    for data in (
        {"incompany-topic": "", "incompany-group_size": "5"},
        {"incompany-topic": "X", "incompany-group_size": "abc"},
        {"incompany-topic": "X", "incompany-group_size": "-3"},
        {"incompany-topic": "X" * 301, "incompany-group_size": "5"},
        {"incompany-topic": "X", "incompany-group_size": "5", "incompany-course": "999999"},
    ):
        response = client.post("/mijn-team/maatwerk", data=data)
        assert response.status_code == 422, data
        assert "utrecht-form-field-error-message" in response.get_data(as_text=True), data
    client.post("/uitloggen")
    make.login(client, participant)
    assert (
        client.post(
            "/mijn-team/maatwerk", data={"incompany-topic": "X", "incompany-group_size": "5"}
        ).status_code
        == 403
    )
    assert count(db_session, InCompanyRequest) == 1


def test_team_page_makes_a_fixed_number_of_statements(client, make, db_session, count_queries):
    team, leader, members = a_team(make, 2)
    approval = make.course(requires_approval=True)

    def grow(people, days):
        for offset, person in enumerate(people):
            session = make.session(
                mode="hybrid",
                capacity={"in_person": 1, "online": 1},
                start=make.future(days=days + offset),
            )
            services.enrol(session.id, person, actor=person, mode="in_person")
            extra = make.user(team_=team)
            services.enrol(session.id, extra, actor=extra, mode="in_person")  # waitlisted
            asking = make.user(team_=team)
            services.enrol(
                make.session(approval, start=make.future(days=days + offset)).id,
                asking,
                actor=asking,
            )
        db_session.commit()

    grow(members[:1], 10)
    team_services.request_in_company(actor=leader, topic="Eerste", group_size=4)
    db_session.commit()
    make.login(client, leader)
    count_queries.reset()
    page(client)
    few = len(count_queries)
    grow(members[1:] + [make.user(team_=team) for _ in range(4)], 20)
    for topic in ("Tweede", "Derde"):
        team_services.request_in_company(actor=leader, topic=topic, group_size=4)
    db_session.commit()
    count_queries.reset()
    html = page(client)
    assert html.count('id="verzoek-maatwerk-') == 3
    assert len(count_queries) == few, count_queries.statements
