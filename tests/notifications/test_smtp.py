"""Sending over SMTP against a real server on loopback (aiosmtpd), and how failures are told
apart. The servers here are also the fixtures of the worker tests (imported from there)."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
import socket
import threading
import time
from collections import Counter
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from booking.notifications.smtp import PermanentFailure, SmtpBackend, TemporaryFailure, classify

# -- servers ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps what it accepted, and misbehaves on request:
    `outage` answers 421 to every message, `unknown` addresses get 550 at RCPT, `delay`
    makes every DATA slow, and a cleared `gate` holds every DATA until it is set."""

    def __init__(self):
        self.received: list[EmailMessage] = []
        self.outage = False
        self.unknown: set[str] = set()
        self.delay = 0.0
        self.refused = 0  # messages answered 421
        self.started = 0  # DATA commands begun
        self.gate = threading.Event()
        self.gate.set()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return f"550 5.1.1 <{address}>: Recipient address rejected: unknown mailbox"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.started += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        while not self.gate.is_set():
            await asyncio.sleep(0.01)
        with self._lock:
            if self.outage:
                self.refused += 1
                return "421 4.3.2 Service not available, try again later"
            message = BytesParser(policy=policy.default).parsebytes(envelope.content)
            message.envelope_to = list(envelope.rcpt_tos)
            self.received.append(message)
        return "250 2.0.0 OK: queued"

    def message_ids(self) -> Counter:
        with self._lock:
            return Counter(str(m["Message-ID"]) for m in self.received)


class Server:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = Recorder()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> Server:
        self.controller.start()
        return self

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.controller.stop()

    def backend(self, timeout: float = 5.0) -> SmtpBackend:
        return SmtpBackend("127.0.0.1", self.port, timeout=timeout)


class SilentServer:
    """Accepts connections (the kernel completes them) and never says a word."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def smtp_server():
    server = Server().start()
    yield server
    server.stop()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
def closed_port() -> int:
    """A port nobody listens on: connections are refused."""
    return free_port()


def a_message(to: str = "anna@example.nl", message_id: str = "<m1@test>") -> EmailMessage:
    email = EmailMessage()
    email["Subject"], email["From"], email["To"] = "Test", "centre@example.nl", to
    email["Message-ID"] = message_id
    email.set_content("Hallo")
    return email


def send(backend: SmtpBackend, email: EmailMessage, to: str = "anna@example.nl") -> None:
    with backend.open() as connection:
        connection.send(email, sender="centre@example.nl", recipient=to)


# -- tests ---------------------------------------------------------------------------------------


def test_a_message_reaches_the_server_for_the_given_recipient(smtp_server):
    send(smtp_server.backend(), a_message(message_id="<abc@test>"))
    (received,) = smtp_server.handler.received
    assert received["Message-ID"] == "<abc@test>"
    assert received.envelope_to == ["anna@example.nl"]


def test_one_connection_carries_several_messages(smtp_server):
    with smtp_server.backend().open() as connection:
        for n in range(3):
            connection.send(
                a_message(message_id=f"<{n}@test>"), sender="c@example.nl", recipient="a@x.nl"
            )
    assert smtp_server.handler.message_ids() == Counter(
        {"<0@test>": 1, "<1@test>": 1, "<2@test>": 1}
    )


def test_421_is_temporary_and_about_the_server(smtp_server):
    smtp_server.handler.outage = True
    with pytest.raises(TemporaryFailure) as caught:
        send(smtp_server.backend(), a_message())
    assert caught.value.code == 421 and caught.value.server_problem
    assert "421" in str(caught.value)


def test_550_for_the_recipient_is_permanent(smtp_server):
    smtp_server.handler.unknown.add("nobody@example.nl")
    with pytest.raises(PermanentFailure) as caught:
        send(smtp_server.backend(), a_message(to="nobody@example.nl"), to="nobody@example.nl")
    assert caught.value.code == 550 and not caught.value.server_problem
    assert "unknown mailbox" in str(caught.value)
    assert smtp_server.handler.received == []


def test_after_a_refused_recipient_the_next_message_still_goes(smtp_server):
    smtp_server.handler.unknown.add("nobody@example.nl")
    with smtp_server.backend().open() as connection:
        with pytest.raises(PermanentFailure):
            connection.send(a_message(), sender="c@example.nl", recipient="nobody@example.nl")
        connection.send(
            a_message(message_id="<ok@test>"), sender="c@example.nl", recipient="a@x.nl"
        )
    assert smtp_server.handler.message_ids() == Counter({"<ok@test>": 1})


def test_connection_refused_is_temporary(closed_port):
    backend = SmtpBackend("127.0.0.1", closed_port, timeout=2)
    with pytest.raises(TemporaryFailure) as caught:
        send(backend, a_message())
    assert caught.value.server_problem and "ConnectionRefusedError" in str(caught.value)


def test_a_silent_server_times_out_instead_of_hanging(silent_server):
    backend = SmtpBackend("127.0.0.1", silent_server.port, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(TemporaryFailure) as caught:
        send(backend, a_message())
    assert time.monotonic() - started < 5
    assert caught.value.server_problem and "timed out" in str(caught.value)


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.nl": (450, b"greylisted")}), False),
        (smtplib.SMTPRecipientsRefused({"a@x.nl": (550, b"no such user")}), True),
        (smtplib.SMTPSenderRefused(553, b"sender refused", "c@x.nl"), True),
        (smtplib.SMTPDataError(554, b"content rejected"), True),
        (smtplib.SMTPDataError(451, b"local error"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad password"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (socket.gaierror(-2, "Name or service not known"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_what_is_temporary_and_what_is_permanent(error, permanent):
    assert classify(error).permanent is permanent
