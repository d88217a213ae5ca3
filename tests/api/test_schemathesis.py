"""Schemathesis over the whole OpenAPI document: every operation gets generated requests,
against a world of real data, as an administrator or an organiser (and now and then
anonymous), and every answer must be documented: no 5xx, a documented status, the documented
content type, and a body that matches the documented schema.

Deterministic (derandomized Hypothesis, no example database) and bounded (`EXAMPLES` per
operation), so that it fits in CI's two runs (SQLite and PostgreSQL). Writes through the API
change the database during the run; the suite empties it after the test, as after any other.
Stateful testing (links between operations) is left out: too slow for two runs in CI, and the
real ids below already reach the operations' deeper paths.
"""

from __future__ import annotations

import contextvars
import copy
import itertools
import os
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from booking.accounts.services import create_api_token
from booking.advising import advisors
from booking.api.openapi import document
from booking.enrolment.services import enrol
from tests.advising.conftest import MEETING
from tests.api.conftest import bearer, iso
from tests.events.fixtures import make_festival

# Examples per operation (~95 operations): valid requests, and requests the document forbids
# (which must be refused with a documented 4xx, never a 500).
# SCHEMATHESIS_SCALE=4 runs four times as many, for a deeper look by hand.
SCALE = int(os.environ.get("SCHEMATHESIS_SCALE", "1"))
EXAMPLES = {GenerationMode.POSITIVE: 25 * SCALE, GenerationMode.NEGATIVE: 10 * SCALE}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Failure:
    operation: str
    request: str
    status: int
    problem: str


@pytest.fixture
def real(make, db_session, client) -> dict:
    """A small world: ids per path parameter name that point at real objects, and tokens."""
    schiedam = make.organisation("Gemeente Schiedam")
    ict = make.team(schiedam, "ICT")
    admin = make.user("admin", password=None, language="en")
    organiser = make.user("organiser", password=None)
    participant = make.user(
        "participant", email="deelnemer@schiedam.example.nl", org=schiedam, team_=ict
    )
    leader = make.user("team_leader", email="leider@schiedam.example.nl", team_=ict, org=schiedam)
    make.category("loopbaan")
    make.target_group("mbo")
    course = make.course("Netwerken met LinkedIn", target_groups=["mbo"])
    venue = make.physical_venue("Stadskantoor", rooms=(("Zaal 1", 20),))
    make.online_venue("Teams")
    session = make.session(course, venue=venue, start=make.future(12), capacity={"in_person": 20})
    other = make.session(course, venue=venue, start=make.future(30), capacity={"in_person": 5})
    enrolment = enrol(session.id, participant, actor=participant).enrolment
    db_session.flush()
    event_id, event_sessions, _ = make_festival(make, db_session)
    adviser = make.user("advisor", org=None, education_level=None)
    advisors.set_advisor(adviser, advisors.ProfileData(meeting_url=MEETING), actor=adviser)
    _, admin_token = create_api_token(admin)
    _, organiser_token = create_api_token(organiser)
    _, participant_token = create_api_token(participant)
    db_session.commit()
    # What a client makes through the API: a registration, an advisor's slot and its booking.
    as_admin, as_participant = bearer(admin_token), bearer(participant_token)
    registration = client.post(
        f"/api/v1/events/{event_id}/registrations",
        json={"choices": [event_sessions[0]]},
        headers=as_participant,
    )
    assert registration.status_code == 201, registration.get_json()
    slot_ids = []
    for days in (3, 4):
        start = make.future(days, 10)
        slot = client.post(
            "/api/v1/advisor-slots",
            json={
                "advisor": adviser.email,
                "starts_at": iso(start),
                "ends_at": iso(start + timedelta(minutes=45)),
                "mode": "online",
            },
            headers=as_admin,
        )
        assert slot.status_code == 201, slot.get_json()
        slot_ids.append(slot.get_json()["id"])
    booked = client.post(
        f"/api/v1/advisor-slots/{slot_ids[0]}/booking", json={}, headers=as_participant
    )
    assert booked.status_code == 201, booked.get_json()
    return {
        "tokens": [admin_token, admin_token, organiser_token, None],
        "ids": {
            "session_id": [session.id, other.id],
            "enrolment_id": [enrolment.id],
            "course_id": [course.id],
            "venue_id": [venue.id],
            "organisation_id": [schiedam.id],
            "event_id": [event_id],
            "registration_id": [registration.get_json()["id"]],
            "slot_id": slot_ids,
            "booking_id": [booked.get_json()["id"]],
            "user_id": [participant.id, organiser.id],
            # never the administrator's own address: erasing it would end the run's token
            "email": [participant.email, leader.email],
        },
        "participant": participant.email,
        "session": session.id,
    }


def _label(case) -> str:
    query = f"?{case.query}" if case.query else ""
    body = f" body={case.body!r}"[:300] if case.body is not None else ""
    return f"{case.method} {case.formatted_path}{query}{body}"


def _with_real_ids(operation, mode, ids: dict):
    """Cases for one operation whose path parameters often name real objects (and small
    numbers, which are the ids of what the run itself creates)."""
    names = [p.name for p in operation.path_parameters]

    @st.composite
    def strategy(draw):
        case = draw(operation.as_strategy(generation_mode=mode))
        for name in names:
            choice = draw(st.integers(0, 3))
            if choice == 0:
                continue  # what schemathesis made of it
            if choice == 1 and name != "email" and name != "code":
                case.path_parameters[name] = draw(st.integers(1, 4))
            elif name in ids:
                case.path_parameters[name] = draw(st.sampled_from(ids[name]))
        return case

    return strategy()


def _send(app, case, token) -> tuple[int, str] | None:
    """One request, checked; (status, problem) when the answer is not as documented."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        # As IsolatedClient does: a fresh context per request, as a server would have.
        response = contextvars.Context().run(case.call, app=app, headers=headers)
    except Exception as error:  # the testing app lets a 500's exception through
        return 500, f"{type(error).__name__}: {error}"
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except FailureGroup as group:
        problems = "; ".join(f"{type(e).__name__}: {e}"[:400] for e in group.exceptions)
        return response.status_code, problems
    return None


def _exercise(app, operation, mode, real: dict, failures: list[Failure]) -> None:
    label = f"{operation.label} ({mode.value})"

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the report names the case
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_with_real_ids(operation, mode, real["ids"]), token=st.sampled_from(real["tokens"]))
    def run(case, token):
        found = _send(app, case, token)
        if found is not None:
            failures.append(Failure(label, _label(case), *found))

    try:
        run()
    except Unsatisfiable:
        # Nothing in the operation can be made invalid (no parameters, no body).
        assert mode is GenerationMode.NEGATIVE, operation.label


def test_every_operation_answers_as_documented(app, real):
    schema = schemathesis.openapi.from_dict(document())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 80  # the whole document, not a corner of it
    failures: list[Failure] = []
    started = time.monotonic()
    for operation, mode in itertools.product(operations, EXAMPLES):
        _exercise(app, operation, mode, real, failures)
    elapsed = time.monotonic() - started

    seen: dict[tuple[str, int], Failure] = {}
    for failure in failures:
        seen.setdefault((failure.operation, failure.status), failure)
    report = "\n\n".join(
        f"{f.operation} -> {f.status}\n  {f.request}\n  {f.problem}" for f in seen.values()
    )
    assert not seen, f"{len(seen)} undocumented answers in {elapsed:.0f}s:\n\n{report}"


def test_the_run_reaches_real_objects(app, client, real):
    """The real ids are real: the run's admin token reads the world it is given."""
    headers = {"Authorization": f"Bearer {real['tokens'][0]}"}
    session = client.get(f"/api/v1/sessions/{real['session']}", headers=headers)
    assert session.status_code == 200
    person = client.get(f"/api/v1/people/{real['participant']}", headers=headers)
    assert person.status_code == 200


def test_the_checks_catch_an_answer_that_breaks_the_document(app, real):
    """The harness is not blind: against a document that says something else, the same
    requests are reported (a missing documented field, an undocumented status)."""
    doc = copy.deepcopy(document())
    name = doc["paths"]["/api/v1/sessions/{session_id}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["$ref"].rsplit("/", 1)[-1]
    doc["components"]["schemas"][name]["required"].append("no_such_field")
    del doc["paths"]["/api/v1/sessions/{session_id}"]["get"]["responses"]["404"]
    operation = schemathesis.openapi.from_dict(doc)["/api/v1/sessions/{session_id}"]["GET"]
    token = real["tokens"][0]

    found = _send(app, operation.Case(path_parameters={"session_id": real["session"]}), token)
    assert found is not None and found[0] == 200 and "no_such_field" in found[1]
    found = _send(app, operation.Case(path_parameters={"session_id": 999999}), token)
    assert found is not None and found[0] == 404 and "Undocumented" in found[1]
