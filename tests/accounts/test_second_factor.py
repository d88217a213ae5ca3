"""Two-step verification (TOTP and recovery codes), the session's time limits, logging out
everywhere, and API tokens that expire and need the password.

The codes are computed by pyotp from the secret the page shows: the real algorithm, as an
authenticator app runs it. Time is moved by editing the moments stamped in the session (or the
pending log-in), never by sleeping.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from flask import session
from flask_login import login_user
from sqlalchemy import select

from booking.accounts import second_factor, services, session_limits
from booking.accounts.models import ApiToken, RecoveryCode, Role, TotpCredential
from booking.core.db import utcnow
from booking.core.errors import PermissionDenied, ValidationError
from booking.extensions import db
from tests import factories
from tests.accounts.cli_support import Cli

STAFF_ROLES = (Role.ORGANISER, Role.HR, Role.ADMIN, Role.ADVISOR)


@pytest.fixture(autouse=True)
def _english(client, monkeypatch):
    """The pages in English, the source language: the Dutch of these new texts is merged into
    the catalogues later. People are made with English as their language too."""
    client.set_cookie("lang", "en", domain="localhost")
    original = factories.user
    monkeypatch.setattr(factories, "user", lambda *a, **k: original(*a, **({"language": "en"} | k)))


@pytest.fixture
def required(app, monkeypatch):
    """The production default: these roles must use an app (TestingConfig turns it off)."""
    monkeypatch.setitem(app.config, "TOTP_REQUIRED_ROLES", "organiser,hr,admin,advisor")


def enable(person) -> tuple[pyotp.TOTP, list[str]]:
    """Set up an app for a person through the service, confirmed with the previous time
    step's code (as a phone a little behind would), so the current step is still unused."""
    credential = second_factor.begin_setup(person)
    totp = pyotp.TOTP(second_factor.secret_of(credential))
    codes = second_factor.confirm_setup(person, totp.at(time.time() - 30))
    db.session.commit()
    return totp, codes


def log_in(client, make, person, next_=None):
    path = "/inloggen" + (f"?next={next_}" if next_ else "")
    return client.post(path, data={"email": person.email, "password": make.PASSWORD})


def enter(client, code: str):
    return client.post("/inloggen/code", data={"code": code})


def text(response) -> str:
    return response.get_data(as_text=True)


# -- the second step of logging in ----------------------------------------------------------


def test_with_an_app_the_password_alone_does_not_log_in(client, make, db_session):
    person = make.user(Role.PARTICIPANT)
    totp, _codes = enable(person)

    response = log_in(client, make, person, next_="/account")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inloggen/code")
    assert client.get("/mijn").status_code == 302  # not logged in yet
    page = client.get("/inloggen/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in text(page)

    response = enter(client, totp.now())
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert client.get("/mijn").status_code == 200
    with client.session_transaction() as stored:
        assert stored["auth_method"] == "password+totp"
        assert "second_factor_pending" not in stored


def test_a_wrong_code_is_refused_at_the_field(client, make, db_session):
    person = make.user(Role.PARTICIPANT)
    totp, _codes = enable(person)
    log_in(client, make, person)
    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    response = enter(client, wrong)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in text(response) and "This code is not right" in text(response)
    assert enter(client, "").status_code == 422
    assert enter(client, "12 34").status_code == 422
    assert client.get("/mijn").status_code == 302


def test_a_code_is_accepted_once(client, make, db_session):
    person = make.user(Role.PARTICIPANT)
    totp, _codes = enable(person)
    code = totp.now()
    log_in(client, make, person)
    assert enter(client, code).status_code == 302
    client.post("/uitloggen")

    log_in(client, make, person)
    replay = enter(client, code)
    assert replay.status_code == 422  # the same code, seen again: refused
    assert client.get("/mijn").status_code == 302
    # The next time step's code (the app shows it within 30 seconds) is accepted.
    later = totp.at(time.time() + 30)
    assert later != code
    assert enter(client, later).status_code == 302
    assert client.get("/mijn").status_code == 200


def test_the_service_refuses_a_replayed_step_and_counts_failures(make, db_session):
    person = make.user(Role.PARTICIPANT)
    totp, _codes = enable(person)
    now = utcnow()
    code = totp.at(now)
    assert second_factor.verify(person, code, now) == "totp"
    assert second_factor.verify(person, code, now) is None
    assert second_factor.verify(person, totp.at(now - timedelta(seconds=30)), now) is None
    assert second_factor.verify(person, totp.at(now + timedelta(seconds=90)), now) is None
    assert second_factor.credential_of(person).failed_attempts == 3


def test_too_many_wrong_codes_end_the_attempt_even_with_the_old_cookie(
    client, make, db_session, app
):
    person = make.user(Role.PARTICIPANT)
    totp, _codes = enable(person)
    log_in(client, make, person)
    with client.session_transaction() as stored:
        pending = dict(stored["second_factor_pending"])
    for _ in range(app.config["TOTP_MAX_ATTEMPTS"] - 1):
        assert enter(client, "000000" if totp.now() != "000000" else "111111").status_code == 422
    last = enter(client, "000000" if totp.now() != "000000" else "111111")
    assert last.status_code == 302 and "/inloggen" in last.headers["Location"]
    assert "Too many wrong codes" in text(client.get("/inloggen"))
    assert enter(client, totp.now()).status_code == 302  # no attempt left: back to log in
    assert client.get("/mijn").status_code == 302

    # Sending the cookie from before the failures again does not give new attempts: they are
    # counted in the database.
    with client.session_transaction() as stored:
        stored["second_factor_pending"] = pending
    response = enter(client, totp.now())
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")
    assert client.get("/mijn").status_code == 302

    # Logging in again with the password starts a new attempt.
    log_in(client, make, person)
    assert enter(client, totp.now()).status_code == 302
    assert client.get("/mijn").status_code == 200


def test_the_code_must_follow_the_password_within_minutes(client, make, db_session, app):
    person = make.user(Role.PARTICIPANT)
    totp, _codes = enable(person)
    log_in(client, make, person)
    with client.session_transaction() as stored:
        stored["second_factor_pending"]["started"] -= app.config["TOTP_PENDING_MINUTES"] * 60 + 1
        stored.modified = True
    response = enter(client, totp.now())
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert "took too long" in text(client.get("/inloggen"))
    assert client.get("/mijn").status_code == 302


def test_the_code_step_without_a_password_first_sends_to_the_log_in(client):
    response = client.get("/inloggen/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    with client.session_transaction() as stored:
        stored["second_factor_pending"] = {"user_id": "x"}
    assert client.post("/inloggen/code", data={"code": "123456"}).status_code == 302


def test_a_password_change_elsewhere_ends_the_pending_step(client, make, db_session):
    person = make.user(Role.PARTICIPANT)
    totp, _codes = enable(person)
    log_in(client, make, person)
    services.set_password(person, "een heel ander wachtwoord")
    db_session.commit()
    response = enter(client, totp.now())
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert client.get("/mijn").status_code == 302


# -- recovery codes -------------------------------------------------------------------------


def test_a_recovery_code_logs_in_once(client, make, db_session):
    person = make.user(Role.PARTICIPANT)
    _totp, codes = enable(person)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db_session.scalars(select(RecoveryCode.code_hash)).all()
    assert not set(codes) & set(stored)  # only digests are kept

    log_in(client, make, person)
    response = enter(client, codes[0].upper().replace("-", " "))  # as someone might type it
    assert response.status_code == 302
    assert "9 are left" in text(client.get("/mijn"))
    client.post("/uitloggen")

    log_in(client, make, person)
    assert enter(client, codes[0]).status_code == 422  # used
    assert enter(client, codes[1]).status_code == 302
    db_session.rollback()
    assert second_factor.recovery_codes_left(person) == 8


def test_new_recovery_codes_replace_the_old_and_need_the_password(client, make, db_session):
    person = make.user(Role.PARTICIPANT)
    totp, old = enable(person)
    log_in(client, make, person)
    enter(client, totp.now())
    refused = client.post(
        "/account/tweestapsverificatie", data={"action": "recovery", "codes-password": "wrong!"}
    )
    assert refused.status_code == 422 and "not your current password" in text(refused)
    response = client.post(
        "/account/tweestapsverificatie",
        data={"action": "recovery", "codes-password": make.PASSWORD},
    )
    assert response.status_code == 200
    new = re.findall(r'<code class="utrecht-code">([a-z0-9-]{19})</code>', text(response))
    assert len(new) == 10 and not set(new) & set(old)
    assert response.headers["Cache-Control"] == "no-store"
    db_session.rollback()
    assert second_factor.verify(person, old[0]) is None
    assert second_factor.verify(person, new[0]) == "recovery"


# -- setting up -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_roles_that_require_it_must_set_it_up_first(client, make, db_session, required, role):
    person = make.user(role)
    db_session.commit()
    response = log_in(client, make, person)
    assert response.status_code == 302
    for path in ("/mijn", "/account", "/"):
        page = client.get(path)
        assert page.status_code == 302, path
        assert page.headers["Location"].endswith("/account/tweestapsverificatie")
    setup = client.get("/account/tweestapsverificatie")
    assert setup.status_code == 200
    assert "Your role requires two-step verification" in text(setup)
    assert setup.headers["Cache-Control"] == "no-store"
    svg = text(setup).split("<svg", 1)[1].split("</svg>")[0]
    assert "style=" not in svg and "<script" not in svg  # a strict CSP allows it

    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', text(setup)).group(1)
    secret = secret.replace(" ", "")
    db_session.rollback()
    credential = db_session.scalar(select(TotpCredential))
    assert credential.confirmed_at is None
    assert secret not in credential.secret and secret not in repr(credential)

    wrong = client.post(
        "/account/tweestapsverificatie", data={"action": "confirm", "totp-code": "12345"}
    )
    assert wrong.status_code == 422 and "This code is not right" in text(wrong)
    again = client.get("/account/tweestapsverificatie")
    assert secret in text(again).replace(" ", "")  # a reload shows the same secret

    done = client.post(
        "/account/tweestapsverificatie",
        data={"action": "confirm", "totp-code": pyotp.TOTP(secret).now()},
    )
    assert done.status_code == 200
    codes = re.findall(r'<code class="utrecht-code">([a-z0-9-]{19})</code>', text(done))
    assert len(codes) == 10
    assert client.get("/mijn").status_code == 200  # this session proved the code
    with client.session_transaction() as stored:
        assert stored["auth_method"] == "password+totp"
    # Shown once: the page now only counts them.
    later = text(client.get("/account/tweestapsverificatie"))
    assert codes[0] not in later and "10 unused recovery codes" in later
    # Next time the password alone is not enough.
    client.post("/uitloggen")
    assert log_in(client, make, person).headers["Location"].endswith("/inloggen/code")


def test_participants_and_team_leaders_are_not_forced(client, make, db_session, required):
    for role in (Role.PARTICIPANT, Role.TEAM_LEADER):
        person = make.user(role)
        db_session.commit()
        log_in(client, make, person)
        assert client.get("/mijn").status_code == 200
        client.post("/uitloggen")


def test_anyone_may_turn_it_on_and_off_but_not_a_role_that_requires_it(
    client, make, db_session, required
):
    person = make.user(Role.PARTICIPANT)
    totp, _codes = enable(person)
    log_in(client, make, person)
    enter(client, totp.now())
    page = text(client.get("/account/tweestapsverificatie"))
    assert "Turn off two-step verification" in page
    refused = client.post(
        "/account/tweestapsverificatie", data={"action": "disable", "off-password": "wrong"}
    )
    assert refused.status_code == 422
    response = client.post(
        "/account/tweestapsverificatie", data={"action": "disable", "off-password": make.PASSWORD}
    )
    assert response.status_code == 302
    db_session.rollback()
    assert not second_factor.is_enabled(person)
    assert db_session.scalar(select(RecoveryCode)) is None

    organiser = make.user(Role.ORGANISER)
    enable(organiser)
    with pytest.raises(PermissionDenied) as refused_error:
        second_factor.disable(organiser, make.PASSWORD)
    assert refused_error.value.code == "totp_required"
    db_session.rollback()
    assert second_factor.is_enabled(organiser)


def test_the_setup_page_is_for_people_who_are_logged_in(client):
    response = client.get("/account/tweestapsverificatie")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


# -- single sign-on and other ways of logging in ----------------------------------------------


def sign_in_as(client, person, method: str | None):
    """What another way of logging in leaves in the session: Flask-Login's user and, for
    single sign-on, the flag its callback sets before `login_user`."""
    with client.session_transaction() as stored:
        stored["_user_id"] = person.get_id()
        stored["_fresh"] = True
        if method:
            stored["auth_method"] = method
        now = utcnow().timestamp()
        stored["logged_in_at"] = stored["seen_at"] = now


@pytest.mark.parametrize("with_app", [False, True])
def test_single_sign_on_is_exempt(client, make, db_session, required, with_app):
    person = make.user(Role.ORGANISER)
    if with_app:
        enable(person)
    db_session.commit()
    sign_in_as(client, person, "sso")
    assert client.get("/mijn").status_code == 200
    assert client.get("/account").status_code == 200


def test_another_way_of_logging_in_still_asks_for_the_code_or_the_setup(
    client, make, db_session, required
):
    with_app = make.user(Role.PARTICIPANT)
    totp, _codes = enable(with_app)
    sign_in_as(client, with_app, None)  # e.g. an invitation link: one factor
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen/code")
    assert client.get("/mijn").status_code == 302
    response = enter(client, totp.now())
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert client.get("/mijn").status_code == 200

    organiser = make.user(Role.ORGANISER)
    db_session.commit()
    other = client.application.test_client()
    sign_in_as(other, organiser, "password")
    response = other.get("/mijn")
    assert response.headers["Location"].endswith("/account/tweestapsverificatie")

    participant = make.user(Role.PARTICIPANT)
    db_session.commit()
    third = client.application.test_client()
    sign_in_as(third, participant, None)
    assert third.get("/mijn").status_code == 200


# -- the session's time limits ----------------------------------------------------------------


def move_back(client, key: str, seconds: float) -> None:
    with client.session_transaction() as stored:
        stored[key] -= seconds


def test_every_log_in_stamps_the_session(app, make, db_session):
    person = make.user()
    db_session.commit()
    with app.test_request_context():
        login_user(person)  # as the invitation link and single sign-on do
        assert session["logged_in_at"] == session["seen_at"]
        assert abs(session["logged_in_at"] - time.time()) < 5


@pytest.mark.parametrize(
    ("role", "idle_minutes"), [(Role.ORGANISER, 30), (Role.TEAM_LEADER, 30), (Role.HR, 30)]
)
def test_staff_are_logged_out_after_30_idle_minutes(client, make, db_session, role, idle_minutes):
    person = make.user(role)
    db_session.commit()
    log_in(client, make, person)
    move_back(client, "seen_at", (idle_minutes - 1) * 60)
    assert client.get("/mijn").status_code == 200  # 29 minutes: still there, and seen now
    move_back(client, "seen_at", (idle_minutes + 1) * 60)
    response = client.get("/account?x=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inloggen?next=/account?x%3D1")
    login_page = text(client.get("/inloggen"))
    assert "after 30 minutes without activity" in login_page
    assert client.get("/mijn").status_code == 302
    with client.session_transaction() as stored:
        assert "logged_in_at" not in stored and "auth_method" not in stored


def test_participants_have_the_longer_idle_limit(client, make, db_session):
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    log_in(client, make, person)
    move_back(client, "seen_at", 119 * 60)
    assert client.get("/mijn").status_code == 200
    move_back(client, "seen_at", 121 * 60)
    assert client.get("/mijn").status_code == 302


def test_the_absolute_limit_ends_an_active_session(client, make, db_session):
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    log_in(client, make, person)
    move_back(client, "logged_in_at", 11.9 * 3600)
    assert client.get("/mijn").status_code == 200
    move_back(client, "logged_in_at", 0.2 * 3600)  # active all along, but 12 hours are up
    response = client.get("/mijn")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert "12 hours" in text(client.get("/inloggen"))


def test_a_password_change_does_not_restart_the_absolute_limit(client, make, db_session):
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    log_in(client, make, person)
    move_back(client, "logged_in_at", 3600)
    with client.session_transaction() as stored:
        first = stored["logged_in_at"]
    response = client.post(
        "/account",
        data={
            "action": "password",
            "pw-current": make.PASSWORD,
            "pw-new": "een nieuw lang wachtwoord",
            "pw-confirm": "een nieuw lang wachtwoord",
        },
    )
    assert response.status_code == 302
    with client.session_transaction() as stored:
        assert stored["logged_in_at"] == first


def test_the_limits_come_from_the_settings(app, make, db_session, monkeypatch):
    person = make.user(Role.ORGANISER)
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    now = utcnow()
    stamps: dict = {}
    session_limits.stamp_log_in(stamps, person, now - timedelta(minutes=4))
    assert session_limits.ended(stamps, person, now) is None  # 4 minutes idle; seen now
    assert session_limits.ended(stamps, person, now + timedelta(minutes=4, seconds=59)) is None
    later = now + timedelta(minutes=10)
    assert "5 minuten" in str(session_limits.ended(stamps, person, later))  # Dutch by default


def test_api_tokens_are_not_affected_by_the_session_limits(client, make, db_session):
    person = make.user(Role.ORGANISER)
    _token, plain = services.create_api_token(person, "koppeling")
    db_session.commit()
    log_in(client, make, person)
    move_back(client, "seen_at", 3 * 3600)
    move_back(client, "logged_in_at", 24 * 3600)
    response = client.get("/api/v1/me/enrolments", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    assert client.get("/mijn").status_code == 302  # the browser's session has ended


# -- API tokens -------------------------------------------------------------------------------


def test_new_tokens_expire_and_expired_ones_are_refused(make, db_session):
    person = make.user()
    token, plain = services.create_api_token(person, "koppeling", days=30)
    old, old_plain = services.create_api_token(person, "van vroeger")
    old.expires_at = None  # made before tokens had an expiry
    db_session.commit()
    assert abs((token.expires_at - utcnow()) - timedelta(days=30)) < timedelta(minutes=1)
    assert services.user_for_token(plain).id == person.id
    assert services.user_for_token(old_plain).id == person.id  # keeps working
    token.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    assert services.user_for_token(plain) is None
    with pytest.raises(ValidationError):
        services.create_api_token(person, "te lang", days=366)


def test_an_expired_token_answers_401(client, make, db_session):
    person = make.user()
    token, plain = services.create_api_token(person, "koppeling", days=30)
    token.expires_at = utcnow() - timedelta(minutes=1)
    db_session.commit()
    response = client.get("/api/v1/me/enrolments", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_a_new_token_on_the_account_page_needs_the_current_password(client, make, db_session):
    person = make.user()
    db_session.commit()
    log_in(client, make, person)
    for password in ("", "not my password"):
        response = client.post(
            "/account",
            data={
                "action": "token",
                "token-name": "HR",
                "token-days": "90",
                "token-password": password,
            },
        )
        assert response.status_code == 422
        assert 'data-testid="new-token"' not in text(response)
    bad_days = client.post(
        "/account",
        data={
            "action": "token",
            "token-name": "HR",
            "token-days": "999",
            "token-password": make.PASSWORD,
        },
    )
    assert bad_days.status_code == 422
    db_session.rollback()
    assert db_session.scalar(select(ApiToken)) is None

    response = client.post(
        "/account",
        data={
            "action": "token",
            "token-name": "HR",
            "token-days": "365",
            "token-password": make.PASSWORD,
        },
    )
    assert response.status_code == 200
    plain = re.search(r'data-testid="new-token">([^<]+)<', text(response)).group(1)
    db_session.rollback()
    token = db_session.scalar(select(ApiToken))
    assert abs((token.expires_at - utcnow()) - timedelta(days=365)) < timedelta(minutes=1)
    assert services.user_for_token(plain).id == person.id
    assert "Expires" in text(client.get("/account"))


def test_create_token_takes_days(app, make, db_session):
    make.user(email="koppeling@schiedam.nl", password=None)
    db_session.commit()
    cli = Cli(app)
    result = cli("create-token", "koppeling@schiedam.nl", "--days", "7", code=0)
    token = db.session.scalar(select(ApiToken))
    assert abs((token.expires_at - utcnow()) - timedelta(days=7)) < timedelta(minutes=1)
    assert services.user_for_token(result.stdout.splitlines()[-1]) is not None
    cli("create-token", "koppeling@schiedam.nl", "--days", "0", code=2)
    default = cli("create-token", "koppeling@schiedam.nl", code=0)
    assert "valid until" in default.stdout


# -- log out everywhere, and revoking tokens ----------------------------------------------------


def test_log_out_everywhere_ends_every_device_and_can_revoke_the_tokens(app, make, db_session):
    person = make.user()
    _token, plain = services.create_api_token(person, "koppeling")
    db_session.commit()
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, make, person)
    log_in(phone, make, person)

    response = laptop.post("/account/overal-uitloggen", data={})
    assert response.status_code == 302
    assert laptop.get("/mijn").status_code == 302 and phone.get("/mijn").status_code == 302
    assert services.user_for_token(plain) is not None  # not asked: the tokens keep working

    log_in(phone, make, person)
    response = phone.post("/account/overal-uitloggen", data={"everywhere-revoke_tokens": "y"})
    assert "1 API-token is ingetrokken" in text(phone.get(response.headers["Location"]))
    db_session.rollback()
    assert services.user_for_token(plain) is None
    assert phone.get("/mijn").status_code == 302


def test_a_password_change_can_revoke_the_tokens(client, make, db_session):
    person = make.user()
    _token, plain = services.create_api_token(person, "koppeling")
    db_session.commit()
    log_in(client, make, person)
    form = {
        "action": "password",
        "pw-current": make.PASSWORD,
        "pw-new": "een nieuw lang wachtwoord",
        "pw-confirm": "een nieuw lang wachtwoord",
    }
    client.post("/account", data=form)
    db_session.rollback()
    assert services.user_for_token(plain) is not None
    form |= {
        "pw-current": form["pw-new"],
        "pw-new": "nog een nieuw wachtwoord",
        "pw-revoke_tokens": "y",
    }
    form["pw-confirm"] = form["pw-new"]
    response = client.post("/account", data=form)
    assert response.status_code == 302
    db_session.rollback()
    assert services.user_for_token(plain) is None
    assert client.get("/mijn").status_code == 200  # this device stays logged in


def test_reset_second_factor_forgets_the_app(app, make, db_session, required):
    person = make.user(Role.ORGANISER, email="kwijt@schiedam.nl")
    enable(person)
    Cli(app)("reset-second-factor", "kwijt@schiedam.nl", code=0)
    assert db.session.scalar(select(TotpCredential)) is None
    assert db.session.scalar(select(RecoveryCode)) is None


def test_the_secret_stays_out_of_the_logs_and_the_address(client, make, db_session, caplog):
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    log_in(client, make, person)
    with caplog.at_level("DEBUG"):
        page = client.get("/account/tweestapsverificatie")
        secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', text(page)).group(1)
        secret = secret.replace(" ", "")
        client.post(
            "/account/tweestapsverificatie",
            data={"action": "confirm", "totp-code": pyotp.TOTP(secret).now()},
        )
    assert any(r.name == "booking.request" for r in caplog.records)  # the request log ran
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert secret not in logged
    db_session.rollback()
    assert second_factor.is_enabled(person)
