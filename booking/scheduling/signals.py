"""What scheduling tells the features built on it.

Scheduling sits below enrolment in the dependency order (docs/architecture.md), so it never
calls enrolment: it sends these signals and enrolment's receivers (`booking/enrolment/
receivers.py`, connected by create_app) act on them. Receivers run synchronously, inside the
sender's transaction and under its session lock, so what they write commits or rolls back
with the change that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()

session_changed = _signals.signal("session-changed")
"""A scheduled session changed (`update_session`, or a venue's name, address, join link or
room name under it). Sender: the locked Session. Keyword arguments: `times`, `place`,
`capacity` (bools: what changed). Receivers resync booked slots, tell people and fill new
places."""

plan_lookup = _signals.signal("session-plan-lookup")
"""The new-session form was opened for something a higher feature asked to be planned
(`/beheer/sessies/nieuw?request=<id>`: an in-company request). Sender: the id. A receiver
that knows it returns a `Plan`; when none does, the page answers 404."""

session_planned = _signals.signal("session-planned")
"""A session was scheduled for such a request, in the same transaction. Sender: the request
id. Keyword arguments: `session`, `actor`. The receiver links the request to the session (or
raises a DomainError, which rolls both back)."""

recording_added = _signals.signal("session-recording-added")
"""An ended session got a recording link, or a corrected one (`set_recording`), in the
sender's transaction. Sender: the locked Session. Keyword argument: `url`. The receiver
mails it to every confirmed place that was not mailed that URL yet."""


@dataclass(frozen=True)
class Plan:
    """What the new-session form is filled in with for a request it plans."""

    request_id: int
    course_id: int | None
    team_id: int
    notice: str  # shown to the organiser above the form
    problem: str | None = None  # why it cannot be planned (already handled), or None


def find_plan(request_id: int) -> Plan | None:
    for _receiver, plan in plan_lookup.send(request_id):
        if plan is not None:
            return plan
    return None
