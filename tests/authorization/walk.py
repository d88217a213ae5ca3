"""How the authorization matrix walks the app: every route of the URL map, with its path
parameters filled from the world, asked by each person of the world.

An answer is reduced to what authorization decides:
- "login": a page sent an anonymous visitor to the log-in form;
- "401", "403", "404": refused (404: the object is hidden as if it did not exist);
- "ok": let through. What comes after authorization (a 400 or 422 for the empty form or
  body the matrix sends, a 409 for a state that does not allow it, a 200, a redirect) is
  the feature's own tests' business.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask

from tests.authorization.world import World

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}

# What fills a path parameter, by its name; a rule may name its own (RULE_PARAMETERS).
PARAMETERS = {
    "award_id": "award",
    "booking_id": "booking",
    "certification_id": "certification",
    "code": "!ONBEKEND-0000",
    "course_id": "course",
    "email": "email_a",
    "enrolment_id": "enrolment",
    "event_id": "event",
    "filename": "!css/theme.css",
    "kind": "!categorieen",
    "meeting_id": "meeting",
    "secret": "!onbekend-geheim-0000",
    "message_id": "message",
    "org_id": "org_a",
    "organisation_id": "org_a",
    "person_id": "participant_a",
    "registration_id": "registration",
    "request_id": "request",
    "reservation_id": "reservation",
    "session_id": "session",
    "slot_id": "slot",
    "speaker_id": "speaker",
    "team_id": "team_a",
    "token": "!onbekend-token-0000",
    "upload_id": "upload",
    "user_id": "trainer",
    "venue_id": "venue",
    "webhook_id": "webhook",
}
RULE_PARAMETERS = {
    "/api/v1/categories/<int:item_id>": {"item_id": "category"},
    "/api/v1/funding-programmes/<int:item_id>": {"item_id": "programme"},
    "/api/v1/target-groups/<int:item_id>": {"item_id": "target_group"},
    "/beheer/catalogus/<kind>/<int:item_id>": {"item_id": "category"},
    "/cursussen/<slug>/aanvragen": {"slug": "in_company_slug"},
    "/cursussen/<slug>": {"slug": "course_slug"},
    "/evenementen/<slug>": {"slug": "event_slug"},
    "/beheer/adviseurs/<int:user_id>": {"user_id": "advisor_a"},
}
# What a route needs to get past its first check of the input to where it decides who may:
# a choice between two buttons, or the ids a body must name. Most routes decide first.
FORMS = {
    "POST /inschrijvingen/<int:enrolment_id>/aanbod": lambda w: {"answer": "accept"},
    "POST /inschrijvingen/<int:enrolment_id>/besluit": lambda w: {"decision": "approve"},
    "POST /loopbaangesprekken/boekingen/<int:booking_id>/verplaatsen": lambda w: {
        "slot_id": w.slot
    },
    "POST /taal": lambda w: {"language": "en"},
}
BODIES = {
    "POST /api/v1/advisor-bookings/<int:booking_id>/move": lambda w: {"slot_id": w.slot},
    "POST /api/v1/check-in": lambda w: {"code": w.check_in_code, "meeting_id": w.meeting},
    "POST /api/v1/team-bookings": lambda w: {"session_id": w.session, "participants": [w.email_a]},
    "PUT /api/v1/event-registrations/<int:registration_id>": lambda w: {"choices": [w.event_item]},
}
_PARAMETER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def routes(app: Flask) -> list[str]:
    """Every "METHOD rule" the app answers (HEAD and OPTIONS are Flask's own)."""
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add(f"{method} {rule.rule}")
    return sorted(found)


def _value(rule: str, name: str, world: World) -> str:
    source = PARAMETERS.get(name)
    for prefix, names in RULE_PARAMETERS.items():
        if rule.startswith(prefix) and name in names:
            source = names[name]
            break  # the first, most particular prefix
    if source is None:
        raise LookupError(f"no value for <{name}> in {rule}: add it to PARAMETERS")
    if source.startswith("!"):
        return source[1:]
    return str(world.ids[source])


def path(rule: str, world: World) -> str:
    return _PARAMETER.sub(lambda match: _value(rule, match.group(1), world), rule)


def log_in_by_session(client, login_id: str) -> None:
    """What the log-in form leaves in the session, without hashing a password per person."""
    with client.session_transaction() as session:
        session["_user_id"] = login_id
        session["_fresh"] = True
        session["auth_method"] = "password"


def ask(app: Flask, route: str, world: World, who: str) -> tuple[str, int]:
    """The outcome of one request, and its status for the failure message."""
    method, rule = route.split(" ", 1)
    client = app.test_client()
    headers = {}
    if who != "anonymous":
        if rule.startswith("/api/"):
            headers["Authorization"] = f"Bearer {world.tokens[who]}"
        else:
            log_in_by_session(client, world.logins[who])
    kwargs = {}
    if route in BODIES:
        kwargs["json"] = BODIES[route](world)
    elif rule.startswith("/api/") and method in MUTATING:
        kwargs["json"] = {}
    if route in FORMS:
        kwargs["data"] = FORMS[route](world)
    response = client.open(path(rule, world), method=method, headers=headers, **kwargs)
    return outcome(response), response.status_code


def outcome(response) -> str:
    status = response.status_code
    if status in (401, 403, 404):
        return str(status)
    if status in (301, 302, 303, 307):
        target = urlsplit(response.headers.get("Location", ""))
        if target.path == "/inloggen" and "next=" in target.query:
            return "login"  # Flask-Login's answer: log in first, then come back
    return "ok"
