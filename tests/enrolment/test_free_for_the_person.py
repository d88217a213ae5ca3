"""One definition of "places free for this person" (scheduling.queries.free_for): the catalogue,
the course page, the API's course list and its `available` filter count the same, with the
seats an organisation reserved free only for that organisation's people."""

from __future__ import annotations

import re

from booking.accounts.models import Role
from booking.accounts.services import create_api_token
from booking.enrolment import organiser, services

PLACES = re.compile(r'<span class="places[^"]*"[^>]*>\s*([^<]*)</span>')


def _count(text: str) -> int:
    """The number in "3 plaatsen vrij" (0 for "Vol ...")."""
    found = re.match(r"\d+", text.strip())
    return int(found.group()) if found else 0


def _seen_by(app, make, person, course) -> dict:
    client = app.test_client()
    headers = {}
    if person is not None:
        client.post("/inloggen", data={"email": person.email, "password": make.PASSWORD})
        _, token = create_api_token(person, "test")
        headers = {"Authorization": f"Bearer {token}"}
    catalogue = PLACES.findall(client.get("/").get_data(as_text=True))
    page = PLACES.findall(client.get(f"/cursussen/{course.slug}").get_data(as_text=True))
    courses = client.get("/api/v1/courses", headers=headers).get_json()["items"]
    available = client.get("/api/v1/sessions?available=true", headers=headers).get_json()
    return {
        "catalogue": [_count(t) for t in catalogue],
        "course page": [_count(t) for t in page],
        "api": [item["free_places"] for item in courses],
        "available": [item["id"] for item in available["items"]],
    }


def test_reserved_seats_are_free_only_for_the_reserving_organisation(app, client, make, db_session):
    course = make.course("Timemanagement")
    session = make.session(course, capacity={"in_person": 3})
    reserving, other = make.organisation(), make.organisation()
    boss = make.user(Role.ORGANISER)
    organiser.reserve_seats(
        session.id,
        actor=boss,
        organisation_id=reserving.id,
        mode="in_person",
        seats=2,
        until=make.future(days=5),
    )
    ours, theirs = make.user(org=reserving), make.user(org=other)
    db_session.commit()
    expected = {
        ours: {"catalogue": [3], "course page": [3], "api": [3], "available": [session.id]},
        theirs: {"catalogue": [1], "course page": [1], "api": [1], "available": [session.id]},
        None: {"catalogue": [1], "course page": [1], "api": [1], "available": [session.id]},
    }
    for person, seen in expected.items():
        assert _seen_by(app, make, person, course) == seen, person

    # The one seat free for anyone is taken: only the reserving organisation has places left.
    services.enrol(session.id, make.user(org=make.organisation()), actor=boss)
    db_session.commit()
    expected = {
        ours: {"catalogue": [2], "course page": [2], "api": [2], "available": [session.id]},
        theirs: {"catalogue": [0], "course page": [0], "api": [0], "available": []},
        None: {"catalogue": [0], "course page": [0], "api": [0], "available": []},
    }
    for person, seen in expected.items():
        assert _seen_by(app, make, person, course) == seen, person
