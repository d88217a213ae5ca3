"""The invariants of one session (docs/architecture.md, invariants 1-5), read after a race
with plain SQL on a fresh connection, as committed: `invariant_problems` lists every broken
one, `assert_invariants` fails with that list."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import text

from booking.extensions import db


def _rows(connection, sql: str, **params):
    return connection.execute(text(sql), params).mappings().all()


def _counters(connection, session_id: int) -> list[str]:
    problems = []
    rows = _rows(
        connection,
        """
        SELECT s.mode, s.capacity, s.confirmed, s.held, s.reserved,
          (SELECT count(*) FROM enrolments e WHERE e.session_id = s.session_id
             AND e.mode = s.mode AND e.status = 'confirmed') AS n_confirmed,
          (SELECT count(*) FROM enrolments e WHERE e.session_id = s.session_id
             AND e.mode = s.mode AND e.status IN ('pending_approval', 'offered')) AS n_held,
          (SELECT coalesce(sum(r.seats - r.used), 0) FROM seat_reservations r
             WHERE r.session_id = s.session_id AND r.mode = s.mode
             AND r.released_at IS NULL) AS n_reserved
        FROM session_seats s WHERE s.session_id = :sid ORDER BY s.mode""",
        sid=session_id,
    )
    for r in rows:
        m = r["mode"]
        if r["confirmed"] != r["n_confirmed"]:
            problems.append(
                f"{m}: counter confirmed={r['confirmed']} but "
                f"{r['n_confirmed']} confirmed enrolments"
            )
        if r["held"] != r["n_held"]:
            problems.append(f"{m}: counter held={r['held']} but {r['n_held']} pending/offered")
        if r["reserved"] != r["n_reserved"]:
            problems.append(
                f"{m}: counter reserved={r['reserved']} but {r['n_reserved']} unused reserved seats"
            )
        used = max(r["confirmed"], r["n_confirmed"]) + max(r["held"], r["n_held"]) + r["reserved"]
        if used > r["capacity"]:
            problems.append(
                f"{m}: overbooked: {r['n_confirmed']} confirmed + {r['n_held']} "
                f"held + {r['reserved']} reserved > capacity {r['capacity']}"
            )
    modes = {r["mode"] for r in rows}
    stray = _rows(
        connection,
        """
        SELECT id, mode FROM enrolments WHERE session_id = :sid
          AND status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered')""",
        sid=session_id,
    )
    problems += [
        f"enrolment {r['id']} in mode {r['mode']} the session does not offer"
        for r in stray
        if r["mode"] not in modes
    ]
    return problems


def _one_active(connection, session_id: int) -> list[str]:
    rows = _rows(
        connection,
        """
        SELECT user_id, count(*) AS n FROM enrolments
        WHERE session_id = :sid
          AND status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered')
        GROUP BY user_id HAVING count(*) > 1""",
        sid=session_id,
    )
    return [f"user {r['user_id']} has {r['n']} active enrolments" for r in rows]


def _queues(connection, session_id: int) -> list[str]:
    """Queue entries have a queue time and nobody else does; positions (as the engine computes
    them for pages) are 1..n per mode in queue order; nobody eligible waits beside a free seat."""
    from booking.enrolment import places

    problems = []
    rows = _rows(
        connection,
        """
        SELECT id, user_id, status, mode, waiting_for, queued_at FROM enrolments
        WHERE session_id = :sid ORDER BY queued_at, id""",
        sid=session_id,
    )
    queue: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        in_queue = r["status"] == "waitlisted" or (
            r["status"] == "confirmed" and r["waiting_for"] is not None
        )
        if in_queue and r["queued_at"] is None:
            problems.append(f"enrolment {r['id']} waits without a queue time")
        if not in_queue and r["queued_at"] is not None:
            problems.append(f"enrolment {r['id']} ({r['status']}) has a queue time")
        if in_queue and r["queued_at"] is not None:
            queue[r["mode"] if r["status"] == "waitlisted" else r["waiting_for"]].append(r["id"])
    told = places.positions([i for ids in queue.values() for i in ids])
    for mode, ids in queue.items():
        got = [told.get(i) for i in ids]
        if got != list(range(1, len(ids) + 1)):
            problems.append(f"{mode}: waitlist positions {got}, expected 1..{len(ids)}")
    waiting_beside_free = _rows(
        connection,
        """
        SELECT s.mode, s.capacity - s.confirmed - s.held - s.reserved AS free, e.id
        FROM session_seats s
        JOIN sessions se ON se.id = s.session_id
        JOIN enrolments e ON e.session_id = s.session_id AND (
             (e.status = 'waitlisted' AND e.mode = s.mode)
          OR (e.status = 'confirmed' AND e.waiting_for = s.mode))
        WHERE s.session_id = :sid AND se.status = 'scheduled' AND se.starts_at > now()
          AND s.capacity - s.confirmed - s.held - s.reserved > 0
          AND NOT EXISTS (
            SELECT 1 FROM booked_slots b JOIN enrolments o ON o.id = b.enrolment_id
            JOIN meetings m ON m.session_id = s.session_id
            WHERE b.user_id = e.user_id AND o.session_id <> s.session_id AND NOT b.overridden
              AND m.starts_at < b.ends_at AND m.ends_at > b.starts_at)""",
        sid=session_id,
    )
    problems += [
        f"{r['mode']}: enrolment {r['id']} waits while {r['free']} seats are free"
        for r in waiting_beside_free
    ]
    return problems


def _slots(connection, session_id: int) -> list[str]:
    rows = _rows(
        connection,
        """
        SELECT e.id, e.status, e.status IN ('pending_approval', 'confirmed', 'offered') AS placed,
          (SELECT count(*) FROM booked_slots b WHERE b.enrolment_id = e.id) AS slots,
          (SELECT count(*) FROM booked_slots b JOIN meetings m ON m.session_id = e.session_id
             AND m.starts_at = b.starts_at AND m.ends_at = b.ends_at
             WHERE b.enrolment_id = e.id AND b.user_id = e.user_id) AS matching,
          (SELECT count(*) FROM meetings m WHERE m.session_id = e.session_id) AS meetings
        FROM enrolments e WHERE e.session_id = :sid""",
        sid=session_id,
    )
    problems = []
    for r in rows:
        wanted = r["meetings"] if r["placed"] else 0
        if r["slots"] != wanted or (r["placed"] and r["matching"] != wanted):
            problems.append(
                f"enrolment {r['id']} ({r['status']}) has {r['slots']} booked slots "
                f"({r['matching']} matching a meeting), expected {wanted}"
            )
    overlaps = _rows(
        connection,
        """
        SELECT a.user_id, a.enrolment_id AS one, b.enrolment_id AS other FROM booked_slots a
        JOIN booked_slots b ON a.user_id = b.user_id AND a.id < b.id
          AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
        WHERE NOT a.overridden AND NOT b.overridden""",
    )
    problems += [
        f"user {r['user_id']} holds overlapping places (enrolments {r['one']} and {r['other']})"
        for r in overlaps
    ]
    return problems


def _outbox(connection, session_id: int) -> list[str]:
    """Every change wrote its message: one confirmation per place, one waitlist message per
    queue entry, one cancellation per cancelled enrolment, none twice."""
    rows = _rows(
        connection,
        """
        SELECT e.id, e.status, o.kind FROM enrolments e
        LEFT JOIN outbox_messages o ON o.enrolment_id = e.id
        WHERE e.session_id = :sid""",
        sid=session_id,
    )
    kinds: dict[int, Counter] = defaultdict(Counter)
    status: dict[int, str] = {}
    for r in rows:
        status[r["id"]] = r["status"]
        if r["kind"]:
            kinds[r["id"]][r["kind"]] += 1
    problems = []
    for enrolment_id, state in status.items():
        k = kinds[enrolment_id]
        placed_messages = k["enrolment_confirmed"] + k["promoted"] + k["approved"]
        if placed_messages > 1 or (state == "confirmed" and placed_messages != 1):
            problems.append(
                f"enrolment {enrolment_id} ({state}) has {placed_messages} "
                "confirmation/promotion messages"
            )
        if k["waitlisted"] > 1 or (state == "waitlisted" and k["waitlisted"] != 1):
            problems.append(
                f"enrolment {enrolment_id} ({state}) has {k['waitlisted']} waitlist messages"
            )
        if state == "waitlisted" and k["promoted"]:
            problems.append(f"enrolment {enrolment_id} waits but was told it was promoted")
        ended = k["cancelled"] + k["session_cancelled"]
        if ended > 1 or (state == "cancelled" and ended != 1):
            problems.append(f"enrolment {enrolment_id} ({state}) has {ended} cancellation messages")
    return problems


def invariant_problems(session_id: int) -> list[str]:
    """Every broken invariant of the session, read from the database as committed."""
    with db.engine.connect() as connection:
        return [
            *_counters(connection, session_id),
            *_one_active(connection, session_id),
            *_queues(connection, session_id),
            *_slots(connection, session_id),
            *_outbox(connection, session_id),
        ]


def assert_invariants(*session_ids: int) -> None:
    problems = [f"session {s}: {p}" for s in session_ids for p in invariant_problems(s)]
    assert not problems, "invariants broken:\n" + "\n".join(problems)


def kinds_count(session_id: int) -> Counter:
    """How many outbox messages of each kind the session has."""
    with db.engine.connect() as connection:
        rows = _rows(
            connection,
            "SELECT kind, count(*) AS n FROM outbox_messages WHERE session_id = :sid GROUP BY kind",
            sid=session_id,
        )
    return Counter({r["kind"]: r["n"] for r in rows})


def statuses(session_id: int) -> dict[int, tuple[str, str]]:
    """user id -> (status, mode) of their latest enrolment in the session."""
    with db.engine.connect() as connection:
        rows = _rows(
            connection,
            "SELECT user_id, status, mode FROM enrolments WHERE session_id = :sid ORDER BY id",
            sid=session_id,
        )
    return {r["user_id"]: (r["status"], r["mode"]) for r in rows}


# -- events -------------------------------------------------------------------------------------


def event_problems(event_id: int) -> list[str]:
    """Invariant 8 (overall capacity) and the registration's own rules, as committed: the
    counter equals the active registrations and stays within the capacity; one active
    registration per person; at most one choice per slot; every choice of an active
    registration is the person's enrolment in a session of the event."""
    problems = []
    with db.engine.connect() as connection:
        event = _rows(
            connection, "SELECT capacity, registered FROM events WHERE id = :e", e=event_id
        )[0]
        active = _rows(
            connection,
            "SELECT count(*) AS n FROM event_registrations WHERE event_id = :e "
            "AND status = 'active'",
            e=event_id,
        )[0]["n"]
        if event["registered"] != active:
            problems.append(f"counter {event['registered']} != {active} active registrations")
        if event["capacity"] is not None and active > event["capacity"]:
            problems.append(f"{active} registrations over the capacity {event['capacity']}")
        doubles = _rows(
            connection,
            "SELECT user_id FROM event_registrations WHERE event_id = :e AND status = 'active' "
            "GROUP BY user_id HAVING count(*) > 1",
            e=event_id,
        )
        problems += [f"user {r['user_id']} has two active registrations" for r in doubles]
        per_slot = _rows(
            connection,
            "SELECT r.id, s.starts_at FROM event_choices c "
            "JOIN event_registrations r ON r.id = c.registration_id "
            "JOIN sessions s ON s.id = c.session_id "
            "JOIN enrolments en ON en.id = c.enrolment_id "
            "WHERE r.event_id = :e AND r.status = 'active' AND en.status IN "
            "('pending_approval', 'confirmed', 'waitlisted', 'offered') "
            "GROUP BY r.id, s.starts_at, s.ends_at HAVING count(*) > 1",
            e=event_id,
        )
        problems += [f"registration {r['id']} has two choices in one slot" for r in per_slot]
        foreign = _rows(
            connection,
            "SELECT c.id FROM event_choices c JOIN event_registrations r "
            "ON r.id = c.registration_id JOIN enrolments en ON en.id = c.enrolment_id "
            "JOIN sessions s ON s.id = c.session_id WHERE r.event_id = :e AND "
            "(en.user_id <> r.user_id OR en.session_id <> c.session_id "
            "OR s.event_id IS DISTINCT FROM r.event_id)",
            e=event_id,
        )
        problems += [f"choice {r['id']} is not the person's place in the event" for r in foreign]
    return problems


def assert_event_invariants(event_id: int, *session_ids: int) -> None:
    problems = [f"event {event_id}: {p}" for p in event_problems(event_id)]
    problems += [f"session {s}: {p}" for s in session_ids for p in invariant_problems(s)]
    assert not problems, "invariants broken:\n" + "\n".join(problems)
