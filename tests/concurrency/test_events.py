"""Event registration under real concurrency (PostgreSQL): the overall capacity, the last
place of one workshop, and choice changes racing the promotions they cause."""

from __future__ import annotations

from booking.accounts.models import User
from booking.core.db import atomic
from booking.events import services
from booking.extensions import db
from tests.concurrency.invariants import assert_event_invariants, statuses
from tests.concurrency.racing import race, unexpected


def _festival(make, capacity, *, small=1, rounds=2):
    organiser = make.user("organiser", password=None)
    event = atomic(
        services.create_event,
        services.EventData(title=f"Festival {make.n()}", kind="festival", capacity=capacity),
        organiser,
    )
    venue = make.physical_venue(rooms=(("Zaal 1", 200), ("Zaal 2", 200)))
    items = []
    for number in range(rounds):
        start = make.future(10, 9 + 3 * number)
        items.append(
            make.session(
                make.course(),
                start=start,
                hours=2,
                capacity={"in_person": small},
                venue=venue,
                room=venue.rooms[0],
                event_id=event.id,
            ).id
        )
        items.append(
            make.session(
                make.course(),
                start=start,
                hours=2,
                capacity={"in_person": 100},
                venue=venue,
                room=venue.rooms[1],
                event_id=event.id,
            ).id
        )
    db.session.commit()
    return event.id, items


def register_job(event_id, user_id, choices):
    def prepare():
        person = db.session.get(User, user_id)

        def work():
            outcome = services.register(event_id, person, actor=person, choices=choices)
            return outcome.registration.id

        return lambda: atomic(work)

    return prepare


def change_job(registration_id, user_id, choices):
    def prepare():
        person = db.session.get(User, user_id)
        return lambda: atomic(
            lambda: services.change_choices(registration_id, actor=person, choices=choices).id
        )

    return prepare


def test_many_registering_never_exceed_the_overall_capacity(app, make):
    event_id, items = _festival(make, capacity=7)
    people = [make.user(password=None).id for _ in range(20)]
    db.session.commit()

    results = race(app, [register_job(event_id, p, [items[1], items[3]]) for p in people])

    assert not unexpected(results, "event_full")
    assert sum(r.ok for r in results) == 7
    assert sum(r.code() == "event_full" for r in results) == 13
    assert_event_invariants(event_id, *items)


def test_many_for_the_last_place_of_one_workshop(app, make):
    event_id, items = _festival(make, capacity=None, small=1)
    people = [make.user(password=None).id for _ in range(12)]
    db.session.commit()

    results = race(app, [register_job(event_id, p, [items[0], items[2]]) for p in people])

    assert not unexpected(results)
    placed = [s for s, _mode in statuses(items[0]).values() if s == "confirmed"]
    waiting = [s for s, _mode in statuses(items[0]).values() if s == "waitlisted"]
    assert len(placed) == 1 and len(waiting) == 11
    assert_event_invariants(event_id, *items)


def test_choice_changes_racing_promotions(app, make):
    """Holders of the small workshop move to the big one while others cancel their places
    directly: each freed place goes to the next in line once, and nobody ends with two
    choices in one slot or a place the registration does not know."""
    event_id, items = _festival(make, capacity=None, small=3, rounds=1)
    small, big = items
    people = [make.user(password=None) for _ in range(10)]
    registrations = [
        atomic(lambda p=p: services.register(event_id, p, actor=p, choices=[small]).registration.id)
        for p in people
    ]
    db.session.commit()
    movers = list(zip(registrations[:3], people[:3], strict=True))
    jobs = [change_job(r, p.id, [big]) for r, p in movers]
    jobs += [change_job(r, p.id, []) for r, p in zip(registrations[3:5], people[3:5], strict=True)]
    jobs += [register_job(event_id, make.user(password=None).id, [small]) for _ in range(3)]
    db.session.commit()

    results = race(app, jobs)

    assert not unexpected(results)
    held = [s for s, _mode in statuses(small).values() if s == "confirmed"]
    assert len(held) == 3
    assert_event_invariants(event_id, small, big)
