"""Webhooks: the subscription filter, the payload, the target check, the API, and the proof
of issue 12: a real HTTP receiver on loopback that is down for a while gets every event
once, in order per subject, with a valid signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from booking.accounts.services import create_api_token
from booking.core.db import atomic, utcnow
from booking.enrolment import services as enrolment
from booking.webhooks import delivery, services
from booking.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery


@pytest.fixture
def private_ok(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)


class Receiver:
    """An HTTP server on 127.0.0.1 that answers 503 to its first `down_for` requests."""

    def __init__(self, down_for: int):
        self.down_for = down_for
        self.requests: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 503 if len(receiver.answers) < receiver.down_for else 200
                receiver.answers.append(status)
                if status == 200:
                    receiver.requests.append((dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _hook(url, events, actor):
    return atomic(services.register, url, events, actor)


def _deliveries(db_session):
    db_session.rollback()
    return list(db_session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


# -- the target check ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "https://192.168.0.5/",
        "http://[::1]:8080/x",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/hook",
        "ftp://93.184.215.14/hook",
        "javascript:alert(1)",
        "http:///nohost",
    ],
)
def test_unsafe_targets_are_refused(app, make, db_session, url):
    organiser = make.user("organiser")
    with pytest.raises(services.UnsafeTarget) as refused:
        _hook(url, ["enrolment.confirmed"], organiser)
    assert refused.value.code == "unsafe_target"
    assert refused.value.status == 422
    assert db_session.scalar(select(Webhook.id)) is None


def test_a_host_resolving_to_loopback_is_refused(app, make, monkeypatch):
    organiser = make.user("organiser")
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))],
    )
    with pytest.raises(services.UnsafeTarget):
        _hook("https://hooks.example.com/in", ["enrolment.confirmed"], organiser)


def test_the_setting_allows_private_targets(app, make, private_ok):
    organiser = make.user("organiser")
    webhook, secret = _hook("http://127.0.0.1:9/hook", ["enrolment.confirmed"], organiser)
    assert webhook.id and len(secret) == 64
    assert webhook.secret_encrypted != secret and services.secret_of(webhook) == secret


def test_a_public_address_is_allowed(app, make):
    organiser = make.user("organiser")
    webhook, _ = _hook("https://93.184.215.14/hook", ["enrolment.confirmed"], organiser)
    assert webhook.url == "https://93.184.215.14/hook"


def test_only_organisers_and_known_events(app, make, private_ok):
    with pytest.raises(services.PermissionDenied):
        _hook("http://127.0.0.1/h", ["enrolment.confirmed"], make.user("participant"))
    with pytest.raises(services.ValidationError) as refused:
        _hook("http://127.0.0.1/h", ["enrolment.exploded"], make.user("organiser"))
    assert refused.value.code == "unknown_event"


# -- events become deliveries -------------------------------------------------------------------


def test_subscribed_webhooks_get_the_event_with_its_payload(app, make, db_session, private_ok):
    organiser = make.user("organiser")
    confirmed, _ = _hook("http://127.0.0.1:9/a", ["enrolment.confirmed"], organiser)
    _hook("http://127.0.0.1:9/b", ["certification.awarded"], organiser)
    inactive, _ = _hook("http://127.0.0.1:9/c", ["enrolment.confirmed"], organiser)
    atomic(services.remove, inactive.id, organiser)
    session = make.session(make.course("Timemanagement"))
    person = make.user("participant", email="anna@gemeente.example.nl")
    place = atomic(enrolment.enrol, session.id, person, actor=person).enrolment

    rows = _deliveries(db_session)
    assert [(row.webhook_id, row.event, row.subject) for row in rows] == [
        (confirmed.id, "enrolment.confirmed", f"enrolment:{place.id}")
    ]
    body = json.loads(rows[0].body)
    assert body["event"] == "enrolment.confirmed"
    assert body["delivery"] == rows[0].delivery_id
    assert body["data"]["enrolment"] == {"id": place.id, "status": "confirmed", "mode": "in_person"}
    assert body["data"]["session"]["id"] == session.id
    assert body["data"]["course"]["title"] == "Timemanagement"
    assert body["data"]["person"]["email"] == "anna@gemeente.example.nl"


def test_a_rolled_back_enrolment_sends_nothing(app, make, db_session, private_ok):
    organiser = make.user("organiser")
    _hook("http://127.0.0.1:9/a", ["enrolment.confirmed"], organiser)
    session = make.session()
    person = make.user("participant")

    def enrol_then_fail():
        enrolment.enrol(session.id, person, actor=person)
        raise RuntimeError("something later failed")

    with pytest.raises(RuntimeError):
        atomic(enrol_then_fail)
    assert _deliveries(db_session) == []


# -- the proof: a receiver that is down for a while ---------------------------------------------


def test_a_receiver_down_for_a_while_gets_everything_once_in_order(
    app, make, db_session, private_ok
):
    organiser = make.user("organiser")
    session = make.session(capacity={"in_person": 1})
    first, second = make.user("participant"), make.user("participant")
    with Receiver(down_for=5) as receiver:
        _webhook, secret = _hook(
            receiver.url,
            ["enrolment.confirmed", "enrolment.waitlisted", "enrolment.cancelled"],
            organiser,
        )
        a = atomic(enrolment.enrol, session.id, first, actor=first).enrolment.id
        b = atomic(enrolment.enrol, session.id, second, actor=second).enrolment.id
        atomic(enrolment.cancel, a, actor=first)  # the waiting one gets the place
        expected = {
            f"enrolment:{a}": ["enrolment.confirmed", "enrolment.cancelled"],
            f"enrolment:{b}": ["enrolment.waitlisted", "enrolment.confirmed"],
        }
        assert len(_deliveries(db_session)) == 4

        now = utcnow()
        for _tick in range(20):  # time moves on instead of sleeping
            delivery.deliver_due(now)
            now += timedelta(minutes=30)
        db_session.rollback()

    assert receiver.answers.count(503) == 5
    got: dict[str, list[str]] = {}
    ids = []
    for headers, body in receiver.requests:
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Booking-Signature"], signature)
        payload = json.loads(body)
        assert headers["X-Booking-Event"] == payload["event"]
        assert headers["X-Booking-Delivery"] == payload["delivery"]
        got.setdefault(f"enrolment:{payload['data']['enrolment']['id']}", []).append(
            payload["event"]
        )
        ids.append(payload["delivery"])
    assert got == expected  # every event, in order per subject
    assert len(ids) == len(set(ids)) == 4  # each once
    rows = _deliveries(db_session)
    assert {row.status for row in rows} == {DeliveryStatus.DELIVERED}
    assert sum(row.attempts for row in rows) == 4 + 5


def test_a_delivery_that_never_succeeds_fails_after_the_limit(
    app, make, db_session, private_ok, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 3)
    organiser = make.user("organiser")
    session = make.session()
    person = make.user("participant")
    with Receiver(down_for=1000) as receiver:
        _hook(receiver.url, ["enrolment.confirmed", "enrolment.cancelled"], organiser)
        place = atomic(enrolment.enrol, session.id, person, actor=person).enrolment.id
        atomic(enrolment.cancel, place, actor=person)
        now = utcnow()
        for _tick in range(10):
            delivery.deliver_due(now)
            now += timedelta(hours=5)
    rows = _deliveries(db_session)
    assert [(row.status, row.attempts, row.last_status_code) for row in rows] == [
        (DeliveryStatus.FAILED, 3, 503),
        (DeliveryStatus.FAILED, 3, 503),
    ]
    assert len(receiver.answers) == 6


def test_the_target_is_checked_again_before_delivery(app, make, db_session, private_ok):
    organiser = make.user("organiser")
    _hook("http://127.0.0.1:9/hook", ["enrolment.confirmed"], organiser)
    person = make.user("participant")
    atomic(enrolment.enrol, make.session().id, person, actor=person)
    app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = False  # private_ok puts it back
    delivery.deliver_due(utcnow())
    (row,) = _deliveries(db_session)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert row.last_error.startswith("unsafe_target")


# -- the API ------------------------------------------------------------------------------------


def _bearer(make, db_session, role="organiser"):
    _, plain = create_api_token(make.user(role, password=None))
    db_session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_the_api_registers_lists_and_removes(app, client, make, db_session, private_ok):
    organiser = _bearer(make, db_session)
    answer = client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/in", "events": ["enrolment.confirmed"]},
        headers=organiser,
    )
    assert answer.status_code == 201
    created = answer.get_json()
    assert len(created["secret"]) == 64
    listed = client.get("/api/v1/webhooks", headers=organiser).get_json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    assert "secret" not in listed[0]
    one = client.get(f"/api/v1/webhooks/{created['id']}", headers=organiser)
    assert one.status_code == 200 and "secret" not in one.get_json()
    log = client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=organiser)
    assert log.status_code == 200 and log.get_json() == {"items": []}
    assert client.delete(f"/api/v1/webhooks/{created['id']}", headers=organiser).status_code == 200
    gone = client.get(f"/api/v1/webhooks/{created['id']}", headers=organiser)
    assert gone.status_code == 404
    assert gone.get_json()["error"]["code"] == "webhook_not_found"


def test_the_api_refuses_unsafe_targets_and_participants(app, client, make, db_session):
    organiser = _bearer(make, db_session)
    answer = client.post(
        "/api/v1/webhooks",
        json={"url": "http://10.0.0.8/in", "events": ["enrolment.confirmed"]},
        headers=organiser,
    )
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "unsafe_target"
    answer = client.post(
        "/api/v1/webhooks",
        json={"url": "https://93.184.215.14/in", "events": ["nope"]},
        headers=organiser,
    )
    assert answer.status_code == 422
    participant = _bearer(make, db_session, "participant")
    assert client.get("/api/v1/webhooks", headers=participant).status_code == 403


def test_the_event_names_are_in_the_openapi_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = json.dumps(document)
    for name in ("enrolment.confirmed", "attendance.recorded", "certification.revoked"):
        assert name in schema
    assert "/api/v1/webhooks" in document["paths"]
