"""Every route of the URL map and every operation of the OpenAPI document, asked by anonymous,
participant, team leader, HR, advisor, organiser and administrator users of two organisations:
each gets the answer tests/authorization/matrix.py writes down for them."""

from __future__ import annotations

import re

import pytest

from booking import create_app
from tests.authorization import walk
from tests.authorization.matrix import MATRIX
from tests.authorization.world import EVERYONE, World, build, restore, snapshot
from tests.conftest import empty_database

# The people of organisation B who are no staff of the centre: for them a session closed to
# organisation A is as a session that does not exist, on every path.
OUTSIDERS = ("participant_b", "leader_b", "hr_b", "advisor_b")


@pytest.fixture(scope="module")
def built(app) -> tuple[World, dict]:
    empty_database(app)  # whatever the test before left
    with app.app_context():
        world = build()
        rows = snapshot()
    return world, rows


@pytest.fixture
def world(app, db_session, built) -> World:
    """The world, as built: its rows put back into the database."""
    world, rows = built
    restore(rows)
    return World(logins=world.logins, tokens=world.tokens, ids={**world.ids})


def _routes() -> list[str]:
    return walk.routes(create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))


ROUTES = _routes()


def test_every_route_has_an_entry():
    missing = sorted(set(ROUTES) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(ROUTES))
    assert not missing, f"routes without an entry in tests/authorization/matrix.py: {missing}"
    assert not stale, f"entries for routes that are gone: {stale}"


def test_every_api_operation_is_in_the_matrix(client):
    document = client.get("/api/v1/openapi.json").get_json()
    found = set()
    for template, operations in document["paths"].items():
        for method in operations:
            rule = re.sub(r"\{(\w+)\}", r"<\1>", template)
            found.add((method.upper(), re.sub(r"<(?:int:)?(\w+)>", r"<\1>", rule)))
    in_matrix = {
        (route.split(" ", 1)[0], re.sub(r"<(?:int:)?(\w+)>", r"<\1>", route.split(" ", 1)[1]))
        for route in MATRIX
    }
    assert len(found) > 90
    assert not found - in_matrix, sorted(found - in_matrix)


def _order(route: str) -> list[str]:
    """Who is refused asks first, so nobody they could not reach has changed yet; then each
    person who is let through."""
    expected = MATRIX[route]
    api = route.split(" ", 1)[1].startswith("/api/")
    refused = [w for w in EVERYONE if expected.answer(w, api=api) != "ok"]
    return refused + [w for w in EVERYONE if w not in refused]


@pytest.mark.parametrize("route", ROUTES)
def test_route(app, built, world, route):
    method = route.split(" ", 1)[0]
    api = route.split(" ", 1)[1].startswith("/api/")
    expected = MATRIX[route]
    wrong = []
    for who in _order(route):
        got, status = walk.ask(app, route, world, who)
        want = expected.answer(who, api=api)
        if got != want:
            wrong.append(f"{who}: expected {want}, got {got} ({status})")
        if method in walk.MUTATING and status < 400:
            restore(built[1])  # what they changed is undone for the next person
    assert not wrong, f"{route}\n  " + "\n  ".join(wrong)


SESSION_ROUTES = [route for route in ROUTES if "<int:session_id>" in route]


@pytest.mark.parametrize("route", SESSION_ROUTES)
def test_a_session_closed_to_another_organisation_is_as_missing(app, world, route):
    """The answer never tells a closed session from a missing one: a 404, or the refusal a
    missing id gets too (a 403 for a page that is the organisers' whatever the id)."""
    missing = World(logins=world.logins, tokens=world.tokens, ids={**world.ids})
    missing.ids["session"] = 2_000_000_000
    world.ids["session"] = world.ids["closed_session"]
    wrong = []
    for who in OUTSIDERS:
        got, status = walk.ask(app, route, world, who)
        as_missing, _ = walk.ask(app, route, missing, who)
        if got not in ("403", "404") or got != as_missing:
            wrong.append(f"{who}: got {got} ({status}), for a missing session {as_missing}")
    assert not wrong, f"{route}\n  " + "\n  ".join(wrong)
