"""The outbox worker against a real SMTP server on loopback: outages, refusals, timeouts and
retries, and the .eml folder of the embedded default. Messages are queued by the enrolment
engine itself, and rendered and built by the real `render`/`build`."""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from booking.core.db import utcnow
from booking.extensions import db
from booking.notifications import worker
from booking.notifications.filedrop import FileBackend, eml_name
from booking.notifications.models import OutboxMessage
from booking.notifications.smtp import SmtpBackend
from booking.notifications.worker import drain, next_attempt_at
from tests.enrolment.helpers import enrol
from tests.notifications.test_smtp import Server, closed_port, silent_server, smtp_server

FIXTURES = (closed_port, silent_server, smtp_server)  # the SMTP servers, shared with test_smtp


def queue_messages(make, count: int, emails=()) -> list[int]:
    """`count` people enrol (fifteen to a session): the engine queues one confirmation each."""
    session = None
    for n in range(count):
        if n % 15 == 0:
            session = make.session(capacity={"in_person": 15})
        email = emails[n] if n < len(emails) else None
        enrol(session, make.user(email=email))
    db.session.commit()
    return list(db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))


def rows() -> list[OutboxMessage]:
    db.session.rollback()  # what the worker committed, not what this session remembers
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def later(minutes: float = 0):
    return utcnow() + timedelta(seconds=1, minutes=minutes)


def test_due_messages_are_sent_once_and_recorded(make, smtp_server):
    ids = queue_messages(make, 3)
    result = drain(backend=smtp_server.backend(), now=later())
    assert (result.sent, result.retried, result.failed) == (3, 0, 0)
    sent = rows()
    assert [m.id for m in sent] == ids
    assert {m.status for m in sent} == {"sent"}
    assert all(m.sent_at is not None and m.attempts == 1 and m.subject for m in sent)
    assert all(m.body_text for m in sent)  # what was said is kept with the row
    assert smtp_server.handler.message_ids() == Counter({m.message_id: 1 for m in sent})
    by_id = {str(e["Message-ID"]): e for e in smtp_server.handler.received}
    assert all(by_id[m.message_id].envelope_to == [m.email] for m in sent)
    assert drain(backend=smtp_server.backend(), now=later(60)).tried == 0  # nothing sent twice


def test_after_a_421_outage_every_message_is_delivered_exactly_once(make, smtp_server):
    ids = queue_messages(make, 4)
    handler = smtp_server.handler
    handler.outage = True
    start = later()
    first = drain(backend=smtp_server.backend(), now=start)
    assert (first.retried, first.interrupted) == (1, True)  # a 421 ends the pass
    (tried, *waiting) = rows()
    assert (tried.status, tried.attempts) == ("pending", 1)
    assert "421" in tried.last_error
    delay = (tried.next_attempt_at - start).total_seconds()
    assert 0.8 * 60 <= delay <= 1.2 * 60  # the first retry within a minute or two
    assert all(m.attempts == 0 for m in waiting)  # untouched, still due

    # The outage lasts half an hour; the worker passes every 30 seconds.
    for step in range(1, 61):
        drain(backend=smtp_server.backend(), now=start + timedelta(seconds=30 * step))
    during = rows()
    assert {m.status for m in during} == {"pending"} and handler.received == []
    assert all(m.attempts >= 3 for m in during)  # every message was tried again and again
    assert sum(m.attempts for m in during) == handler.refused
    # The delay grew: after a few attempts the next one is minutes away, not one.
    assert all(
        m.next_attempt_at - (start + timedelta(minutes=30)) > timedelta(minutes=1.5) for m in during
    )

    handler.outage = False
    after = drain(backend=smtp_server.backend(), now=start + timedelta(hours=6))
    assert after.sent == 4
    done = rows()
    assert [m.id for m in done] == ids and {m.status for m in done} == {"sent"}
    assert handler.message_ids() == Counter({m.message_id: 1 for m in done})
    assert drain(backend=smtp_server.backend(), now=start + timedelta(days=3)).tried == 0
    assert handler.message_ids() == Counter({m.message_id: 1 for m in done})


def test_a_550_for_one_address_fails_that_message_at_once(make, smtp_server):
    queue_messages(make, 3, emails=("anna@example.nl", "nobody@example.nl", "bert@example.nl"))
    smtp_server.handler.unknown.add("nobody@example.nl")
    result = drain(backend=smtp_server.backend(), now=later())
    assert (result.sent, result.failed, result.retried) == (2, 1, 0)
    by_email = {m.email: m for m in rows()}
    refused = by_email["nobody@example.nl"]
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert "550" in refused.last_error and "unknown mailbox" in refused.last_error
    assert by_email["anna@example.nl"].status == by_email["bert@example.nl"].status == "sent"
    assert sorted(m.envelope_to[0] for m in smtp_server.handler.received) == [
        "anna@example.nl",
        "bert@example.nl",
    ]
    assert drain(backend=smtp_server.backend(), now=later(60 * 24)).tried == 0  # not retried


def test_the_log_names_ids_and_codes_not_addresses(make, smtp_server, caplog):
    queue_messages(make, 2, emails=("anna@example.nl", "nobody@example.nl"))
    smtp_server.handler.unknown.add("nobody@example.nl")
    with caplog.at_level(logging.INFO, logger="booking.worker"):
        drain(backend=smtp_server.backend(), now=later())
    lines = [r.getMessage() for r in caplog.records if r.name == "booking.worker"]
    assert any(line.startswith("outbox sent id=") for line in lines)
    assert any("outbox failed" in line and "code=550" in line for line in lines)
    assert not any("@" in line for line in lines)


def test_connection_refused_is_retried_and_nothing_is_lost(make, closed_port):
    queue_messages(make, 3)
    start = later()
    backend = SmtpBackend("127.0.0.1", closed_port, timeout=2)
    result = drain(backend=backend, now=start)
    assert (result.retried, result.interrupted) == (1, True)
    tried, *waiting = rows()
    assert tried.status == "pending" and tried.attempts == 1
    assert "ConnectionRefusedError" in tried.last_error
    assert all(m.attempts == 0 and m.status == "pending" for m in waiting)

    server = Server(port=closed_port).start()  # the server comes back
    try:
        result = drain(backend=backend, now=start + timedelta(minutes=5))
        assert result.sent == 3
        done = rows()
        assert {m.status for m in done} == {"sent"}
        assert server.handler.message_ids() == Counter({m.message_id: 1 for m in done})
    finally:
        server.stop()


def test_a_server_that_never_answers_times_out_and_is_retried(make, silent_server):
    queue_messages(make, 2)
    start = later()
    result = drain(backend=SmtpBackend("127.0.0.1", silent_server.port, timeout=0.5), now=start)
    assert (result.retried, result.interrupted) == (1, True)
    tried, waiting = rows()
    assert tried.status == "pending" and "timed out" in tried.last_error
    assert waiting.attempts == 0

    port = silent_server.port
    silent_server.close()
    server = Server(port=port).start()
    try:
        result = drain(backend=server.backend(), now=start + timedelta(minutes=5))
        assert result.sent == 2
        assert server.handler.message_ids() == Counter({m.message_id: 1 for m in rows()})
    finally:
        server.stop()


def test_retries_grow_from_a_minute_to_hours_with_jitter_then_give_up_after_two_days(app):
    created = utcnow()
    moment, waits = created, []
    for attempts in range(1, 100):
        retry = next_attempt_at(attempts, created, moment)
        if retry is None:
            break
        waits.append(retry - moment)
        moment = retry
    assert timedelta(minutes=0.8) <= waits[0] <= timedelta(minutes=1.2)
    assert timedelta(minutes=1.6) <= waits[1] <= timedelta(minutes=2.4)
    assert max(waits) <= timedelta(hours=4.8) and waits[-1] >= timedelta(hours=3.2)
    assert all(a <= b * 1.5 for a, b in itertools.pairwise(waits))  # roughly growing
    tried_for = moment - created
    assert timedelta(hours=46) <= tried_for <= timedelta(hours=56), tried_for
    assert 15 <= len(waits) + 1 <= 25  # attempts in all

    # A worker that was down for days does not give up on a message tried only a few times.
    assert next_attempt_at(3, created - timedelta(days=5), created) is not None


def test_a_message_tried_for_two_days_fails(make, closed_port):
    queue_messages(make, 1)
    message = rows()[0]
    message.attempts = 30
    message.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    drain(backend=SmtpBackend("127.0.0.1", closed_port, timeout=1), now=later())
    (message,) = rows()
    assert (message.status, message.attempts) == ("failed", 31)
    assert message.last_error.startswith("gave up after 31 attempts")


def test_messages_wait_until_their_next_attempt(make, smtp_server):
    queue_messages(make, 1)
    message = rows()[0]
    message.next_attempt_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    assert drain(backend=smtp_server.backend(), now=later()).tried == 0
    assert drain(backend=smtp_server.backend(), now=later(11)).sent == 1


def test_a_message_that_cannot_be_rendered_is_retried_and_the_rest_is_sent(
    make, smtp_server, monkeypatch
):
    first, _ = queue_messages(make, 2)
    real = worker.render

    def render(message):
        if message.id == first:
            db.session.execute(select(1).where(OutboxMessage.id == -1))  # a query, then a bug
            raise KeyError("missing data")
        return real(message)

    monkeypatch.setattr(worker, "render", render)
    result = drain(backend=smtp_server.backend(), now=later())
    assert (result.sent, result.retried) == (1, 1)
    broken, fine = rows()
    assert (broken.status, broken.attempts) == ("pending", 1)
    assert "could not render" in broken.last_error and "KeyError" in broken.last_error
    assert fine.status == "sent"
    monkeypatch.setattr(worker, "render", real)  # the fix is deployed
    assert drain(backend=smtp_server.backend(), now=later(5)).sent == 1


def test_a_stop_request_finishes_the_current_message_then_stops(make, smtp_server):
    import threading

    queue_messages(make, 3)
    stop = threading.Event()

    class StopAfterOne:
        name = "smtp"

        def __init__(self):
            self.inner = smtp_server.backend().open()

        def open(self):
            return self

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.inner.close()

        def send(self, email, **kwargs):
            stop.set()  # SIGTERM arrives while this message is being sent
            self.inner.send(email, **kwargs)

    result = drain(backend=StopAfterOne(), now=later(), stop=stop)
    assert result.sent == 1
    assert [m.status for m in rows()] == ["sent", "pending", "pending"]


# -- the embedded default: one .eml per message --------------------------------------------------


def test_the_file_backend_writes_one_parseable_eml_per_message(make, tmp_path):
    queue_messages(make, 2)
    folder = tmp_path / "mail"
    assert drain(backend=FileBackend(folder), now=later()).sent == 2
    files = sorted(folder.iterdir())
    sent = rows()
    assert [f.name for f in files] == sorted(eml_name(m.message_id) for m in sent)
    for message in sent:
        raw = (folder / eml_name(message.message_id)).read_bytes()
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        assert parsed["Message-ID"] == message.message_id
        assert parsed["To"] == message.email
        assert parsed["Subject"] == message.subject
        assert parsed.get_body(("plain",)) is not None

    # Sent again (an organiser's "send again"): the same file, replaced, no temporary left.
    sent[0].status, sent[0].attempts, sent[0].next_attempt_at = "pending", 0, utcnow()
    db.session.commit()
    assert drain(backend=FileBackend(folder), now=later(1)).sent == 1
    assert sorted(folder.iterdir()) == files


def test_eml_names_are_safe_file_names():
    assert eml_name("<3f2a@talentmvs.example.nl>") == "3f2a@talentmvs.example.nl.eml"
    assert eml_name("<../../etc/passwd>") == "_.._etc_passwd.eml"
    assert "/" not in eml_name("<a/b@c>")


def test_the_backend_follows_the_settings(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    assert isinstance(worker.mail_backend(), FileBackend)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 7.5)
    backend = worker.mail_backend()
    assert isinstance(backend, SmtpBackend) and backend.timeout == 7.5
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "pigeon")
    with pytest.raises(RuntimeError):
        worker.mail_backend()


def test_development_delivers_to_a_folder_and_production_over_smtp():
    from config import DevelopmentConfig, ProductionConfig

    assert DevelopmentConfig.MAIL_BACKEND == "file"
    assert DevelopmentConfig.MAIL_FOLDER.endswith("mail")
    assert ProductionConfig.MAIL_BACKEND == "smtp"
    assert DevelopmentConfig.REMINDER_HOURS == 24


def test_the_sender_is_named_after_the_centre(app):
    header, envelope = worker.sender_addresses(app.config)
    assert envelope == app.config["MAIL_DEFAULT_SENDER"]
    assert header == f"{app.config['CENTRE_NAME']} <{envelope}>"
