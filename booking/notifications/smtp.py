"""Sending over SMTP with a timeout, and telling temporary failures from permanent ones.

Standard library `smtplib`, not Flask-Mail: Flask-Mail has no SMTP timeout, and a worker
stuck on a silent server sends nothing else.

What the worker does with a failure depends on its class:
- `PermanentFailure`: the server refused *this message* with a 5xx reply (unknown mailbox,
  recipient or sender refused, content rejected). Trying again cannot help; the message is
  marked failed and shown to organisers, who can send it again.
- `TemporaryFailure`: a 4xx reply, a refused or dropped connection, a timeout, a DNS or other
  OS error, or a problem of the server session rather than of the message (greeting, HELO,
  STARTTLS, log-in): retried with backoff. `server_problem` says the server itself is not
  usable right now, so the worker stops its pass instead of waiting out the timeout once for
  every message in the queue.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

MAX_ERROR = 2000  # characters of a server reply kept in `last_error`


class DeliveryError(Exception):
    permanent = False

    def __init__(self, message: str, *, code: int | None = None, server_problem: bool = False):
        super().__init__(message[:MAX_ERROR])
        self.code = code
        self.server_problem = server_problem


class TemporaryFailure(DeliveryError):
    permanent = False


class PermanentFailure(DeliveryError):
    permanent = True


def _text(reply) -> str:
    if isinstance(reply, bytes):
        return reply.decode("utf-8", errors="replace")
    return str(reply)


def classify(error: BaseException) -> DeliveryError:
    """The worker's view of an exception raised while connecting or sending."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        codes = [code for code, _ in replies]
        reply = "; ".join(f"{code} {_text(text)}" for code, text in replies) or str(error)
        code = min(codes) if codes else None
        if code is not None and 500 <= code < 600:  # every recipient refused for good
            return PermanentFailure(f"recipient refused: {reply}", code=code)
        return TemporaryFailure(
            f"recipient refused: {reply}", code=code, server_problem=code == 421
        )
    if isinstance(
        error, (smtplib.SMTPConnectError, smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError)
    ):
        # The server refused the session, not this message: every message would meet the same.
        reply = f"{error.smtp_code} {_text(error.smtp_error)}"
        return TemporaryFailure(
            f"{type(error).__name__}: {reply}", code=error.smtp_code, server_problem=True
        )
    if isinstance(error, smtplib.SMTPResponseException):  # MAIL FROM or DATA refused
        code = error.smtp_code
        reply = f"{code} {_text(error.smtp_error)}"
        if 500 <= code < 600:
            return PermanentFailure(reply, code=code)
        # 421: "service not available, closing channel" is about the server, not the message.
        return TemporaryFailure(reply, code=code, server_problem=code == 421)
    if isinstance(error, OSError):  # refused, reset, timeout, DNS, TLS, disconnected
        return TemporaryFailure(f"{type(error).__name__}: {error}", server_problem=True)
    return TemporaryFailure(f"{type(error).__name__}: {error}")


class SmtpBackend:
    """Where and how to connect; `open()` gives a connection for one pass of the worker."""

    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        *,
        timeout: float,
        use_tls: bool = False,
        use_ssl: bool = False,
        username: str | None = None,
        password: str | None = None,
    ):
        self.host, self.port, self.timeout = host, port, timeout
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.username, self.password = username, password

    @classmethod
    def from_config(cls, config) -> SmtpBackend:
        return cls(
            config["MAIL_SERVER"],
            int(config["MAIL_PORT"]),
            timeout=float(config["MAIL_TIMEOUT"]),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
        )

    def open(self) -> SmtpConnection:
        return SmtpConnection(self)


class SmtpConnection:
    """One SMTP session, opened at the first message and reused for the next ones; after any
    failure it is dropped and the next message connects afresh."""

    def __init__(self, backend: SmtpBackend):
        self.backend = backend
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        b = self.backend
        context = ssl.create_default_context()
        if b.use_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(timeout=b.timeout, context=context)
        else:
            smtp = smtplib.SMTP(timeout=b.timeout)
        try:
            smtp.connect(b.host, b.port)
            if b.use_tls and not b.use_ssl:
                smtp.starttls(context=context)
            if b.username:
                smtp.login(b.username, b.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, email: EmailMessage, *, sender: str, recipient: str) -> None:
        """Hand the message to the server or raise a `DeliveryError`."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(email, from_addr=sender, to_addrs=[recipient])
        except Exception as error:
            self._drop()
            raise classify(error) from error

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass  # the messages are sent; a failed goodbye changes nothing
        finally:
            self._drop()
