"""A small festival for the events tests (service and API)."""

from booking.core.db import atomic
from booking.events import services


def make_festival(make, db_session):
    """Two rounds of two parallel workshops; the first workshop of round 1 has one place."""
    organiser = make.user("organiser")
    event = atomic(
        services.create_event,
        services.EventData(title="Loopbaanfestival", kind="festival", capacity=3),
        organiser,
    )
    venue = make.physical_venue(rooms=(("Zaal 1", 20), ("Zaal 2", 20)))
    round1, round2 = make.future(10, 9), make.future(10, 13)
    small = {"in_person": 1}
    items = [
        make.session(
            make.course(),
            start=round1,
            hours=2,
            capacity=small,
            venue=venue,
            room=venue.rooms[0],
            event_id=event.id,
        ),
        make.session(
            make.course(),
            start=round1,
            hours=2,
            venue=venue,
            room=venue.rooms[1],
            event_id=event.id,
        ),
        make.session(
            make.course(),
            start=round2,
            hours=2,
            venue=venue,
            room=venue.rooms[0],
            event_id=event.id,
        ),
        make.session(
            make.course(),
            start=round2,
            hours=2,
            venue=venue,
            room=venue.rooms[1],
            event_id=event.id,
        ),
    ]
    db_session.commit()
    return event.id, [s.id for s in items], organiser
