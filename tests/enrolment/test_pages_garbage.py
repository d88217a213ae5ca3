"""Bad input on the enrolment pages gets a message (422 or an error flash), never a 500:
out-of-range ids, unknown choices, values of the wrong type."""

from __future__ import annotations

from sqlalchemy import func, select

from booking.accounts.models import Role
from booking.enrolment.models import Enrolment, InCompanyRequest

BIG = 10**30  # beyond any INTEGER column (and SQLite's 64 bits)


def count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


def a_team(make, size: int = 2):
    team = make.team()
    leader = make.user(Role.TEAM_LEADER, team_=team)
    return team, leader, [make.user(team_=team) for _ in range(size)]


def test_out_of_range_ids_are_404_or_422(client, make, db_session):
    _team, leader, (member, _) = a_team(make)
    session = make.session()
    db_session.commit()
    make.login(client, leader)
    for path in (
        f"/sessies/{BIG}/inschrijven",
        f"/inschrijvingen/{BIG}/annuleren",
        f"/inschrijvingen/{BIG}/aanbod",
        f"/inschrijvingen/{BIG}/besluit",
        f"/inschrijvingen/{BIG}/niet-meer-wachten",
        f"/inschrijvingen/{2**31}/annuleren",
    ):
        data = {"mode": "in_person", "answer": "accept", "decision": "approve"}
        assert client.post(path, data=data).status_code == 404, path
    for data in (
        {"booking-session": BIG, "booking-members": [member.id]},
        {"booking-session": session.id, "booking-members": [BIG]},
        {"booking-session": session.id, "booking-members": [member.id, -1]},
    ):
        response = client.post("/mijn-team/boeken", data={**data, "booking-fill": "partial"})
        assert response.status_code == 422, data
    for data in (
        {"incompany-group_size": str(BIG)},
        {"incompany-group_size": "5", "incompany-course": str(BIG)},
    ):
        response = client.post("/mijn-team/maatwerk", data={"incompany-topic": "X", **data})
        assert response.status_code == 422, data
    assert count(db_session, Enrolment) == count(db_session, InCompanyRequest) == 0


def test_bad_team_booking_input_gets_messages_not_500(client, make, db_session):
    _team, leader, members = a_team(make, 2)
    hybrid = make.session(mode="hybrid")
    physical = make.session()
    db_session.commit()
    make.login(client, leader)
    cases = [
        {"booking-session": physical.id, "booking-fill": "partial"},  # nobody chosen
        {"booking-fill": "partial", "booking-members": [members[0].id]},  # no session
        {"booking-session": physical.id, "booking-members": ["abc"], "booking-fill": "partial"},
        {"booking-session": "x", "booking-members": [members[0].id], "booking-fill": "partial"},
        {
            "booking-session": physical.id,
            "booking-members": [members[0].id],
            "booking-fill": "sometimes",
        },
    ]
    for data in cases:
        response = client.post("/mijn-team/boeken", data=data)
        assert response.status_code == 422, data
        assert "utrecht-form-field-error-message" in response.get_data(as_text=True), data
    response = client.post(
        "/mijn-team/boeken",
        data={  # hybrid without a mode
            "booking-session": hybrid.id,
            "booking-members": [members[0].id],
            "booking-fill": "partial",
        },
    )
    assert response.status_code == 422
    assert 'id="booking-mode-error"' in response.get_data(as_text=True)
    # A mode given for a session with one form is ignored rather than refused.
    response = client.post(
        "/mijn-team/boeken",
        data={
            "booking-session": physical.id,
            "booking-members": [members[0].id],
            "booking-mode": "online",
            "booking-fill": "partial",
        },
    )
    assert response.status_code == 303
    assert count(db_session, Enrolment) == 1
