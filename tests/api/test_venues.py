"""Venues through the API: physical with rooms, online with a join link."""

from __future__ import annotations

import pytest

from booking.api.venues import split_address
from booking.scheduling.models import Venue
from tests.api.conftest import bearer

PHYSICAL = {
    "name": "Stadskantoor Vlaardingen",
    "kind": "physical",
    "address": "Westnieuwland 6",
    "postcode": "3131 VX",
    "city": "Vlaardingen",
    "rooms": [{"name": "Raadzaal", "capacity": 40}, {"name": "Kamer 2", "capacity": 6}],
}
ONLINE = {
    "name": "Zoom",
    "kind": "online",
    "provider": "Zoom",
    "join_url": "https://zoom.example/j/123",
}


def test_add_a_physical_venue(client, world, organiser, db_session):
    response = client.post("/api/v1/venues", json=PHYSICAL, headers=organiser)
    assert response.status_code == 201, response.get_json()
    venue = response.get_json()
    assert response.headers["Location"] == f"/api/v1/venues/{venue['id']}"
    assert venue["full_address"] == "Westnieuwland 6, 3131 VX Vlaardingen"
    assert sorted((r["name"], r["capacity"]) for r in venue["rooms"]) == [
        ("Kamer 2", 6),
        ("Raadzaal", 40),
    ]
    assert client.get(response.headers["Location"]).get_json()["name"] == PHYSICAL["name"]


def test_add_an_online_venue(client, world, organiser, token):
    response = client.post("/api/v1/venues", json=ONLINE, headers=organiser)
    assert response.status_code == 201
    venue = response.get_json()
    assert venue["join_url"] == ONLINE["join_url"] and venue["rooms"] == []
    anonymous = client.get(f"/api/v1/venues/{venue['id']}").get_json()
    assert anonymous["join_url"] is None and anonymous["provider"] == "Zoom"
    participant = client.get(
        "/api/v1/venues?kind=online", headers=bearer(token("participant"))
    ).get_json()
    assert all(v["join_url"] is None for v in participant["items"])
    listed = client.get("/api/v1/venues?kind=online", headers=organiser).get_json()["items"]
    assert {v["join_url"] for v in listed} == {ONLINE["join_url"], "https://teams.example/j/1"}


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Stadserf 1, 3112 DZ Schiedam", ("Stadserf 1", "3112 DZ", "Schiedam")),
        ("Stadserf 1, 3112dz Schiedam", ("Stadserf 1", "3112 DZ", "Schiedam")),
        ("Stadserf 1 3112 DZ  Schiedam", ("Stadserf 1", "3112 DZ", "Schiedam")),
        ("Lange Haven 145, Den Haag", ("Lange Haven 145", None, "Den Haag")),
        ("Stadserf 1", None),
        ("Stadserf 1, 3112 DZ", None),
        (", Schiedam", None),
    ],
)
def test_split_address(address, expected):
    assert split_address(address) == expected


def test_an_address_in_one_line_is_split(client, world, organiser, db_session):
    body = {
        "name": "Stadhuis Schiedam",
        "kind": "physical",
        "address": "Stadserf 1, 3112 DZ Schiedam",
        "rooms": [{"name": "Zaal", "capacity": 12}],
    }
    response = client.post("/api/v1/venues", json=body, headers=organiser)
    assert response.status_code == 201, response.get_json()
    venue = response.get_json()
    assert (venue["address"], venue["postcode"], venue["city"]) == (
        "Stadserf 1",
        "3112 DZ",
        "Schiedam",
    )
    assert db_session.get(Venue, venue["id"]).city == "Schiedam"


def test_an_address_that_cannot_be_split_names_city(client, world, organiser):
    body = {
        "name": "Ergens",
        "kind": "physical",
        "address": "Stadserf 1",
        "rooms": [{"name": "Zaal", "capacity": 12}],
    }
    response = client.post("/api/v1/venues", json=body, headers=organiser)
    assert response.status_code == 422
    assert "city" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PHYSICAL, "kind": "hybrid"}, "kind"),
        ({k: v for k, v in PHYSICAL.items() if k != "kind"}, "kind"),
        ({**PHYSICAL, "kind": ["physical"]}, "kind"),
        ({**PHYSICAL, "name": "Stadskantoor"}, "name"),  # taken by the world fixture
        ({**PHYSICAL, "name": ""}, "name"),
        ({**PHYSICAL, "address": None, "city": None}, "address"),
        ({**PHYSICAL, "postcode": "3131 VX XXXXX"}, "postcode"),
        ({**PHYSICAL, "city": "x" * 101}, "city"),
        ({**PHYSICAL, "rooms": []}, "rooms"),
        ({**PHYSICAL, "rooms": [{"name": "A", "capacity": 0}]}, "rooms.0.capacity"),
        ({**PHYSICAL, "rooms": [{"name": "A", "capacity": -3}]}, "rooms.0.capacity"),
        ({**PHYSICAL, "rooms": [{"name": "A", "capacity": "12"}]}, "rooms.0.capacity"),
        ({**PHYSICAL, "rooms": [{"name": "A", "capacity": 10**6}]}, "rooms.0.capacity"),
        ({**PHYSICAL, "rooms": [{"name": "A"}]}, "rooms.0.capacity"),
        ({**PHYSICAL, "rooms": [{"name": "", "capacity": 3}]}, "rooms.0.name"),
        ({**PHYSICAL, "rooms": [{"name": "x" * 101, "capacity": 3}]}, "rooms.0.name"),
        (
            {**PHYSICAL, "rooms": [{"name": "A", "capacity": 3}, {"name": "a", "capacity": 3}]},
            "rooms.1.name",
        ),
        ({**PHYSICAL, "rooms": [{"name": "A", "capacity": 3, "floor": 2}]}, "rooms.0.floor"),
        ({**PHYSICAL, "rooms": {"name": "A", "capacity": 3}}, "rooms"),
        ({**PHYSICAL, "join_url": "https://x.example"}, "join_url"),
        ({**ONLINE, "join_url": "ftp://zoom.example/j/1"}, "join_url"),
        ({**ONLINE, "join_url": "niet een link"}, "join_url"),
        ({**ONLINE, "provider": ""}, "provider"),
        ({**ONLINE, "rooms": []}, "rooms"),
    ],
)
def test_invalid_venues_are_422_naming_the_field(client, world, organiser, body, field):
    response = client.post("/api/v1/venues", json=body, headers=organiser)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"], response.get_json()


def test_list_venues_with_paging(client, world, organiser):
    everything = client.get("/api/v1/venues").get_json()
    assert everything["total"] == 3 and everything["has_more"] is False
    assert [v["name"] for v in everything["items"]] == ["Bibliotheek", "Stadskantoor", "Teams"]
    page = client.get("/api/v1/venues?per_page=2&page=2").get_json()
    assert [v["name"] for v in page["items"]] == ["Teams"]
    first = client.get("/api/v1/venues?per_page=2").get_json()
    assert first["has_more"] is True
    physical = client.get("/api/v1/venues?kind=physical").get_json()["items"]
    assert {v["kind"] for v in physical} == {"physical"}
    stadskantoor = next(v for v in physical if v["name"] == "Stadskantoor")
    assert [(r["name"], r["capacity"]) for r in stadskantoor["rooms"]] == [
        ("Zaal 1", 20),
        ("Zaal 2", 8),
    ]
    assert client.get("/api/v1/venues?kind=hybrid").status_code == 422


def test_inactive_venues_only_for_organisers(client, world, organiser, db_session):
    db_session.get(Venue, world.other_venue_id).active = False
    db_session.commit()
    names = [v["name"] for v in client.get("/api/v1/venues").get_json()["items"]]
    assert "Bibliotheek" not in names
    assert client.get(f"/api/v1/venues/{world.other_venue_id}").status_code == 404
    assert (
        client.get(f"/api/v1/venues/{world.other_venue_id}", headers=organiser).status_code == 200
    )


def test_unknown_venue_is_404(client, world):
    assert client.get("/api/v1/venues/424242").status_code == 404
    assert client.get("/api/v1/venues/99999999999999999999").status_code == 404
