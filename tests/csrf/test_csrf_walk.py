"""Every state-changing route is refused without a CSRF token, found by walking the URL map.

An app with CSRF protection on (the unit-test configuration turns it off) over the demo world
plus what the demo does not make (a trainer, seats kept, an in-company request, a people
upload, a link to choose a password). An administrator logs in through the real form; then
every rule with POST, PUT, PATCH or DELETE is sent with the session cookie and real ids but
without a token: a page is refused with the CSRF error page, and no row of any table changed.
The same request with the token is not refused for CSRF (so the walk proves the token is what
matters, not a 404 or a missing route). A new route is walked without anyone listing it.

The API (`/api/`) is the one exemption: it authenticates by bearer token only
(`booking/api/auth.py` never reads the session cookie), so a write carrying only the browser's
cookie is a 401 with the JSON error shape, and nothing changes.

A GET carries no token, so the walk also opens every GET route with the cookie and real ids:
none changes a row, but the few listed in WRITING_GETS, which a secret in the address
authorises rather than the cookie.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.accounts import onboarding
from booking.accounts.models import Organisation, PeopleImport, Role, Team, User
from booking.accounts.services import create_api_token
from booking.advising.models import AdvisorBooking, AdvisorProfile, AdvisorSlot
from booking.attendance import services as attendance
from booking.attendance.models import SessionTrainer
from booking.calendar.feeds import new_token
from booking.catalogue.models import Category, Course, FundingProgramme, Speaker, TargetGroup
from booking.certifications.models import Award, Certification
from booking.core.db import atomic, utcnow
from booking.demo import DEMO_PASSWORD, seed_demo
from booking.enrolment import organiser, team
from booking.enrolment.join_links import join_token
from booking.enrolment.models import Enrolment, EnrolmentStatus, InCompanyRequest
from booking.enrolment.offer_links import offer_token
from booking.events.models import EventRegistration
from booking.extensions import csrf, db
from booking.notifications.models import OutboxMessage
from booking.scheduling.models import Event, Meeting, SeatReservation, Session, Venue
from booking.webhooks import services as webhooks
from booking.webhooks.models import Webhook
from tests.accounts.onboarding_support import outbox, secret_of
from tests.conftest import make_app

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN = re.compile(r'<input[^>]*name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')
CSRF_TEXT = ("Dit formulier kan niet worden verwerkt", "This form cannot be processed")
ADMIN = "beheer@talentmvs.example.nl"

# What is exempt from the CSRF check, and why. The test below compares it with what
# Flask-WTF's CSRFProtect actually exempts, so an exemption cannot be added silently.
EXEMPT_BLUEPRINTS = {
    "api": "bearer tokens only: the browser's cookie is never read, so a forged form has "
    "nothing to ride on (proved below: a cookie-only write is a 401)",
}
EXEMPT_VIEWS: dict[str, str] = {}

# Asked last in the pass with a token: they end the log-in (or change the page language).
LAST = ("accounts.set_language", "accounts.login", "accounts.logout")
SESSION_ENDING = {"accounts.logout", "second_factor.log_out_everywhere"}


@pytest.fixture
def csrf_app(database_url):
    return make_app(database_url, WTF_CSRF_ENABLED=True)


def _first(model, *where):
    order = model.__mapper__.primary_key
    found = db.session.scalars(select(model).where(*where).order_by(*order).limit(1)).first()
    assert found is not None, f"the walk's world has no {model.__name__}"
    return found


def build_world(make) -> dict:
    """The demo world and the few things it does not make; returns the secrets of links."""
    assert seed_demo()
    admin = _first(User, User.email == ADMIN)
    session = db.session.get(Session, _first(Enrolment).session_id)
    atomic(
        attendance.name_trainer,
        session.id,
        _first(User, User.role == Role.PARTICIPANT).email,
        actor=admin,
    )
    open_session = _first(
        Session,
        Session.status == "scheduled",
        Session.mode == "physical",
        Session.meetings.any(Meeting.starts_at > utcnow() + timedelta(days=3)),
    )
    atomic(
        organiser.reserve_seats,
        open_session.id,
        actor=admin,
        organisation_id=_first(Organisation).id,
        mode="in_person",
        seats=1,
        until=utcnow() + timedelta(days=1),
    )
    leader = _first(User, User.role == Role.TEAM_LEADER, User.team_id.is_not(None))
    atomic(team.request_in_company, actor=leader, topic="Timemanagement", group_size=8)
    db.session.add(PeopleImport(uploaded_by_id=admin.id, filename="mensen.csv", content=b"x"))
    atomic(webhooks.register, "https://93.184.215.14/in", ["certification.revoked"], admin)
    newcomer = make.user(password=None)
    email = newcomer.email
    atomic(onboarding.send_invitation, newcomer, sender=admin)
    db.session.commit()
    (invitation,) = outbox("account_invitation", email)
    return {"secret": secret_of(invitation)}


LISTS = {
    "categories": Category,
    "target-groups": TargetGroup,
    "funding-programmes": FundingProgramme,
}
SIMPLE = {
    "award_id": Award,
    "booking_id": AdvisorBooking,
    "certification_id": Certification,
    "course_id": Course,
    "event_id": Event,
    "message_id": OutboxMessage,
    "org_id": Organisation,
    "organisation_id": Organisation,
    "registration_id": EventRegistration,
    "request_id": InCompanyRequest,
    "slot_id": AdvisorSlot,
    "speaker_id": Speaker,
    "team_id": Team,
    "upload_id": PeopleImport,
    "venue_id": Venue,
    "session_id": Session,
    "webhook_id": Webhook,
}


def path_values(rule, world: dict) -> dict:
    """Ids of real objects for the rule's parameters (a child and its own parent together)."""
    names = set(rule.arguments)
    values: dict = {}
    if {"session_id", "enrolment_id"} <= names:
        place = _first(Enrolment)
        values |= {"session_id": place.session_id, "enrolment_id": place.id}
    if {"session_id", "meeting_id"} <= names:
        meeting = _first(Meeting)
        values |= {"session_id": meeting.session_id, "meeting_id": meeting.id}
    if {"session_id", "reservation_id"} <= names:
        kept = _first(SeatReservation)
        values |= {"session_id": kept.session_id, "reservation_id": kept.id}
    if {"session_id", "user_id"} <= names:
        trainer = _first(SessionTrainer)
        values |= {"session_id": trainer.session_id, "user_id": trainer.user_id}
    if "user_id" in names and "user_id" not in values:  # an advisor (the advisors' page)
        values["user_id"] = _first(AdvisorProfile).user_id
    if "enrolment_id" in names and "enrolment_id" not in values:
        values["enrolment_id"] = _first(Enrolment).id
    if "kind" in names:
        values |= {"kind": "categorieen", "item_id": _first(Category).id}
    if "item_id" in names and "item_id" not in values:  # /api/v1/<list>/<item_id>
        values["item_id"] = _first(LISTS[rule.rule.split("/")[3]]).id
    if "slug" in names:
        model = Event if rule.rule.startswith("/evenementen/") else Course
        values["slug"] = _first(model).slug
    if "token" in names:
        values["token"] = offer_token(_first(Enrolment))
    if "secret" in names:
        values["secret"] = world["secret"]
    if "email" in names:
        values["email"] = _first(User, User.role == Role.PARTICIPANT).email
    if "person_id" in names:
        values["person_id"] = _first(User, User.role == Role.PARTICIPANT).id
    for name in names - values.keys():
        assert name in SIMPLE, f"{rule.rule}: no real object for <{name}>; add it to the walk"
        values[name] = _first(SIMPLE[name]).id
    return values


def state_changing_rules(app, *, api: bool):
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.methods & STATE_CHANGING and (rule.rule.startswith("/api/") == api)
    ]
    return sorted(
        rules,
        key=lambda r: (
            r.endpoint in LAST,
            LAST.index(r.endpoint) if r.endpoint in LAST else 0,
            r.rule,
        ),
    )


def requests_of(app, rules, world):
    """(endpoint, method, path) for every state-changing method of every rule."""
    with app.test_request_context():
        for rule in rules:
            path = app.url_map.bind("localhost").build(rule.endpoint, path_values(rule, world))
            for method in sorted(rule.methods & STATE_CHANGING):
                yield rule.endpoint, method, path


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, as text: what a refused request must leave exactly so."""
    db.session.rollback()
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        for table in db.metadata.sorted_tables
    }


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def refused_for_csrf(response) -> bool:
    if response.status_code != 400:
        return False
    if response.is_json:
        return response.get_json()["error"]["code"] == "csrf_failed"
    return any(text in response.get_data(as_text=True) for text in CSRF_TEXT)


def log_in(client, email: str, password: str) -> str:
    """Log in through the real form (its token taken from the page); the session's token."""
    html = client.get("/inloggen").get_data(as_text=True)
    response = client.post(
        "/inloggen",
        data={"email": email, "password": password, "csrf_token": TOKEN.search(html).group(1)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return page_token(client)


def page_token(client) -> str:
    return TOKEN.search(client.get("/account").get_data(as_text=True)).group(1)


def send(client, method, path, *, token=None, form=None):
    if path.endswith("/json"):  # the check-in page's script: JSON with the X-CSRFToken header
        headers = {"X-CSRFToken": token} if token else {}
        return client.open(path, method=method, json={}, headers=headers)
    data = dict(form or {})
    if token:
        data["csrf_token"] = token
    return client.open(path, method=method, data=data)


def test_the_exemptions_are_the_listed_ones_and_still_exist(csrf_app):
    assert {getattr(bp, "name", bp) for bp in csrf._exempt_blueprints} == set(EXEMPT_BLUEPRINTS)
    assert csrf._exempt_views == set(EXEMPT_VIEWS)
    assert set(EXEMPT_BLUEPRINTS) <= set(csrf_app.blueprints)
    endpoints = {rule.endpoint for rule in csrf_app.url_map.iter_rules()}
    assert {name.rsplit(".", 1)[-1] for name in EXEMPT_VIEWS} <= {
        e.rsplit(".", 1)[-1] for e in endpoints
    }
    # Every /api/ rule is the exempt blueprint's, and nothing outside /api/ is.
    for rule in csrf_app.url_map.iter_rules():
        assert rule.rule.startswith("/api/") == rule.endpoint.startswith("api."), rule.rule


def test_every_state_changing_page_needs_the_token(csrf_app, make, db_session):
    world = build_world(make)
    client = csrf_app.test_client()
    token = log_in(client, ADMIN, DEMO_PASSWORD)
    walked = list(requests_of(csrf_app, state_changing_rules(csrf_app, api=False), world))
    assert len(walked) > 80  # the walk found the routes (87 in December 2026)

    before = snapshot()
    unprotected = []
    for endpoint, method, path in walked:
        response = send(client, method, path)
        if not refused_for_csrf(response):
            unprotected.append((endpoint, method, path, response.status_code))
    assert unprotected == []
    assert changed_tables(before, snapshot()) == []
    assert client.get("/mijn").status_code == 200  # still logged in: the refusals ended nothing

    # With the token the same requests reach their views (a form error, a redirect, a page),
    # none is a CSRF refusal and none fails.
    refused, failed = [], []
    for endpoint, method, path in walked:
        response = send(client, method, path, token=token)
        if refused_for_csrf(response):
            refused.append((endpoint, path))
        if response.status_code >= 500:
            failed.append((endpoint, path, response.status_code))
        if endpoint in SESSION_ENDING:
            token = log_in(client, ADMIN, DEMO_PASSWORD)
    assert refused == []
    assert failed == []


def test_an_api_write_with_only_the_session_cookie_is_a_401(csrf_app, make, db_session):
    world = build_world(make)
    client = csrf_app.test_client()
    token = log_in(client, ADMIN, DEMO_PASSWORD)
    walked = list(requests_of(csrf_app, state_changing_rules(csrf_app, api=True), world))
    assert len(walked) > 50

    before = snapshot()
    answers = {}
    for _endpoint, method, path in walked:
        # The cookie, and even the page's CSRF token: neither is an API credential.
        response = client.open(path, method=method, json={}, headers={"X-CSRFToken": token})
        body = response.get_json(silent=True) or {}
        error = body.get("error") or {}
        shape = set(error) == {"code", "message", "fields"}
        if response.status_code != 401 or not shape:
            answers[(method, path)] = (response.status_code, body)
    assert answers == {}
    assert changed_tables(before, snapshot()) == []


def test_an_api_write_with_a_bearer_token_needs_no_csrf_token(csrf_app, make, db_session):
    admin = make.user(Role.ADMIN)
    secret = atomic(create_api_token, admin, "walk", days=30)[1]
    client = csrf_app.test_client()
    response = client.post(
        "/api/v1/categories",
        json={"name": "Digitaal", "name_en": "Digital"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.get_json()
    db_session.expire_all()
    assert db_session.scalar(select(Category.id).where(Category.name == "Digitaal"))


def test_logging_in_out_and_choosing_a_language_need_the_token(csrf_app, make, db_session):
    person = make.user()
    db_session.commit()
    client = csrf_app.test_client()
    # Login CSRF: a forged log-in form would sign the victim in as the attacker.
    response = client.post("/inloggen", data={"email": person.email, "password": make.PASSWORD})
    assert refused_for_csrf(response)
    assert client.get("/mijn").status_code == 302  # not logged in
    response = client.post("/taal", data={"language": "en", "next": "/"})
    assert refused_for_csrf(response)
    assert "Inloggen" in client.get("/inloggen").get_data(as_text=True)  # still Dutch
    response = client.post("/wachtwoord-vergeten", data={"email": person.email})
    assert refused_for_csrf(response)
    assert outbox("password_reset") == []

    log_in(client, person.email, make.PASSWORD)
    assert refused_for_csrf(client.post("/uitloggen"))
    assert client.get("/mijn").status_code == 200  # a forged log-out ends nothing


def test_a_token_of_another_session_is_refused(csrf_app, make, db_session):
    victim, attacker = make.user(), make.user()
    session = make.session()
    db_session.commit()
    victim_client, attacker_client = csrf_app.test_client(), csrf_app.test_client()
    log_in(victim_client, victim.email, make.PASSWORD)
    foreign = log_in(attacker_client, attacker.email, make.PASSWORD)
    path = f"/sessies/{session.id}/inschrijven"
    response = victim_client.post(path, data={"mode": "in_person", "csrf_token": foreign})
    assert refused_for_csrf(response)
    response = victim_client.post(path, data={"mode": "in_person", "csrf_token": "garbage"})
    assert refused_for_csrf(response)
    db_session.expire_all()
    assert db_session.scalars(select(Enrolment)).all() == []
    mine = page_token(victim_client)
    response = victim_client.post(path, data={"mode": "in_person", "csrf_token": mine})
    assert response.status_code == 303
    db_session.expire_all()
    (place,) = db_session.scalars(select(Enrolment)).all()
    assert place.user_id == victim.id and place.status == EnrolmentStatus.CONFIRMED


def test_the_check_in_script_gets_the_refusal_as_json(csrf_app, make, db_session):
    organiser_ = make.user(Role.ORGANISER)
    session = make.session()
    db_session.commit()
    client = csrf_app.test_client()
    log_in(client, organiser_.email, make.PASSWORD)
    response = client.post(f"/beheer/sessies/{session.id}/inchecken/json", json={"code": "X"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "csrf_failed" and error["message"].startswith(CSRF_TEXT[0])


# GET routes that may write, and why a forged link gains nothing: what authorises the write
# is a secret in the address, not the browser's cookie.
WRITING_GETS = {
    "second_factor.setup": "opening the set-up page makes the secret it shows, once (a reload "
    "shows the same; one already on is never touched): a forged link makes a pending secret "
    "that only the person's own browser is ever shown",
    "enrolment.join": "the join link's signed token names the place, not the cookie: opened "
    "from an hour before the start it records online attendance for that place, once "
    "(attendance.record_online), whoever's browser opens it",
}


def get_path_values(rule, world: dict) -> dict:
    names = set(rule.arguments)
    if rule.endpoint.startswith("calendar."):
        return {"token": world["feed"]}
    if rule.endpoint == "enrolment.join":
        return {"token": world["join"]}
    if "code" in names:  # /verify/<code>, /api/v1/verify/<code>
        return {"code": "ABCDEFGHJKMNPQRS"}  # well formed; only its digest is stored
    return path_values(rule, world) if names else {}


def test_no_page_opened_with_get_changes_anything(csrf_app, make, db_session):
    """A GET carries no CSRF token, so none may change what the cookie's owner owns: every GET
    route, with real ids, leaves every table as it was (but the listed ones)."""
    world = build_world(make)
    admin = _first(User, User.email == ADMIN)
    world["feed"] = atomic(new_token, admin)
    world["join"] = join_token(_first(Enrolment))
    db.session.commit()
    client = csrf_app.test_client()
    log_in(client, ADMIN, DEMO_PASSWORD)
    endpoints = {rule.endpoint for rule in csrf_app.url_map.iter_rules()}
    assert set(WRITING_GETS) <= endpoints  # the exemptions still exist

    rules = [
        rule
        for rule in csrf_app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint not in WRITING_GETS and rule.endpoint != "static"
    ]
    assert len(rules) > 100
    adapter = csrf_app.url_map.bind("localhost")
    before = snapshot()
    changed, failed = [], []
    with csrf_app.test_request_context():
        paths = [
            (rule.endpoint, adapter.build(rule.endpoint, get_path_values(rule, world)))
            for rule in rules
        ]
    for endpoint, path in paths:
        response = client.get(path)
        if response.status_code >= 500:
            failed.append((endpoint, path, response.status_code))
        after = snapshot()
        if changed_tables(before, after):
            changed.append((endpoint, changed_tables(before, after)))
            before = after
    assert failed == []
    assert changed == []
