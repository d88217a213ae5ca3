"""Listing sessions: filters, paging, closed sessions walled off, and no query per row."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from booking.catalogue.models import Course
from booking.core.timez import AMSTERDAM
from tests.api.conftest import bearer


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [s["id"] for s in response.get_json()["items"]]


@pytest.fixture
def closed(make, db_session, world):
    """Open, organisation-only and team-only sessions, with people inside and outside."""
    org, other_org = make.organisation(), make.organisation()
    team, other_team = make.team(org), make.team(org)
    course = db_session.get(Course, world.course_id)
    sessions = {
        "open": make.session(course, start=make.future(3)),
        "org": make.session(
            course, start=make.future(4), visibility="organisation", organisation_id=org.id
        ),
        "team": make.session(course, start=make.future(5), visibility="team", team_id=team.id),
    }
    db_session.commit()
    return {
        "ids": {k: s.id for k, s in sessions.items()},
        "org": org,
        "other_org": other_org,
        "team": team,
        "other_team": other_team,
    }


def test_closed_sessions_are_walled_off(client, closed, token):
    s = closed["ids"]
    everyone = {s["open"]}
    cases = [
        ({}, everyone),
        (bearer(token("participant", org=closed["other_org"])), everyone),
        (bearer(token("hr", org=closed["other_org"])), everyone),
        (bearer(token("participant", org=closed["org"])), everyone | {s["org"]}),
        (bearer(token("participant", team_=closed["other_team"])), everyone | {s["org"]}),
        (bearer(token("team_leader", team_=closed["team"])), set(s.values())),
        (bearer(token("participant", team_=closed["team"])), set(s.values())),
        (bearer(token("hr", org=closed["org"])), set(s.values())),
        (bearer(token("organiser")), set(s.values())),
        (bearer(token("admin")), set(s.values())),
    ]
    for headers, expected in cases:
        assert set(ids(client.get("/api/v1/sessions", headers=headers))) == expected
        for name, session_id in s.items():
            status = client.get(f"/api/v1/sessions/{session_id}", headers=headers).status_code
            assert status == (200 if session_id in expected else 404), (name, headers)


def test_filters(client, world, make, db_session, post_session):
    physical = post_session(days=3)
    online = post_session("online", days=4)
    hybrid = post_session(
        "hybrid", days=5, room_id=world.small_room_id, capacity={"in_person": 8, "online": 10}
    )
    other_course = make.course("DISC teamtraining")
    db_session.commit()
    other = post_session(days=6, course_id=other_course.id)

    assert ids(client.get("/api/v1/sessions")) == [
        physical["id"],
        online["id"],
        hybrid["id"],
        other["id"],
    ]
    assert ids(client.get(f"/api/v1/sessions?course={other_course.id}")) == [other["id"]]
    assert ids(client.get("/api/v1/sessions?mode=physical")) == [physical["id"], other["id"]]
    assert ids(client.get("/api/v1/sessions?mode=online")) == [online["id"]]
    assert ids(client.get("/api/v1/sessions?mode=hybrid")) == [hybrid["id"]]
    assert ids(client.get("/api/v1/sessions?mode=in_person")) == [
        physical["id"],
        hybrid["id"],
        other["id"],
    ]

    day4 = make.future(4).astimezone(AMSTERDAM).date().isoformat()
    assert ids(client.get(f"/api/v1/sessions?from={day4}&to={day4}")) == [online["id"]]
    start5 = make.future(5)
    assert ids(client.get("/api/v1/sessions?from=" + quote(start5.isoformat()))) == [
        hybrid["id"],
        other["id"],
    ]
    # A "+" that was not percent-encoded arrives as a space; it is still read as an offset.
    spaced = start5.astimezone(AMSTERDAM).isoformat().replace("+", " ")
    assert ids(client.get(f"/api/v1/sessions?to={spaced}")) == [physical["id"], online["id"]]
    zulu = (start5 - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get(f"/api/v1/sessions?from={zulu}&to={day4}")) == []


def test_available_filter(client, world, make, db_session):
    course = db_session.get(Course, world.course_id)
    free = make.session(course, start=make.future(3))
    full = make.session(course, start=make.future(4))
    full.seats[0].confirmed = full.seats[0].capacity  # as enrolments will do
    db_session.commit()
    assert ids(client.get("/api/v1/sessions?available=true")) == [free.id]
    assert ids(client.get("/api/v1/sessions?available=false")) == [full.id]
    detail = client.get(f"/api/v1/sessions/{full.id}").get_json()
    assert detail["confirmed"] == {"in_person": 10, "online": 0}
    assert detail["free"] == {"in_person": 0, "online": 0}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2027-03-23T10:00:00", "from"),
        ("to=23-03-2027", "to"),
        ("from=2027-02-30", "from"),
        ("from=yesterday", "from"),
        ("from=0001-01-01", "from"),
        ("to=9999-12-31T23:59:59-12:00", "to"),
        ("course=abc", "course"),
        ("course=0", "course"),
        ("course=99999999999999999999", "course"),
        ("mode=teleport", "mode"),
        ("available=maybe", "available"),
        ("page=-1", "page"),
        ("per_page=1000", "per_page"),
        ("page=1.5", "page"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(client, world, query, field):
    response = client.get(f"/api/v1/sessions?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_paging(client, world, make, db_session):
    course = db_session.get(Course, world.course_id)
    made = [make.session(course, start=make.future(3 + i)).id for i in range(5)]
    db_session.commit()
    first = client.get("/api/v1/sessions?per_page=2").get_json()
    assert [s["id"] for s in first["items"]] == made[:2]
    assert (first["page"], first["per_page"], first["has_more"], first["total"]) == (
        1,
        2,
        True,
        None,
    )
    last = client.get("/api/v1/sessions?per_page=2&page=3").get_json()
    assert [s["id"] for s in last["items"]] == made[4:]
    assert last["has_more"] is False
    assert client.get("/api/v1/sessions?per_page=2&page=9").get_json()["items"] == []


def _make_sessions(make, db_session, world, count: int) -> None:
    course = db_session.get(Course, world.course_id)
    online = make.online_venue()
    for i in range(count):
        venue = make.physical_venue()
        make.session(course, mode="hybrid", start=make.future(3 + i), venue=venue, online=online)
    db_session.commit()
    db_session.expunge_all()


@pytest.mark.parametrize("as_organiser", [False, True])
def test_the_list_needs_the_same_number_of_queries_for_2_and_20(
    client, world, make, db_session, count_queries, token, as_organiser
):
    headers = bearer(token("organiser")) if as_organiser else {}
    client.get("/api/v1/sessions", headers=headers)  # records the token's first use
    counts = []
    for count in (2, 18):  # 2, then 20 in all
        _make_sessions(make, db_session, world, count)
        count_queries.reset()
        response = client.get("/api/v1/sessions?per_page=50", headers=headers)
        counts.append(len(count_queries))
        assert len(response.get_json()["items"]) == (2 if not counts[1:] else 20)
        db_session.expunge_all()
    assert counts[0] == counts[1], count_queries.statements
    assert counts[0] <= 12, count_queries.statements  # token, user, sessions + one per relation
