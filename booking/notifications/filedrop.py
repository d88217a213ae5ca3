"""The embedded default: every message as one `.eml` file in a folder (`instance/mail/`).

No SMTP server is needed to see what the application sends: open the files with any mail
program, or read them as text. The file is written under a temporary name and renamed, so a
reader never sees half a message, and its name is the stable Message-ID, so sending the same
message again replaces the file instead of adding a second one.
"""

from __future__ import annotations

import os
import re
import tempfile
from email import policy as mail_policy
from email.message import EmailMessage
from pathlib import Path

from booking.notifications.smtp import TemporaryFailure

_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


def eml_name(message_id: str) -> str:
    """`<3f2a...@talentmvs.example.nl>` -> `3f2a...@talentmvs.example.nl.eml`."""
    bare = message_id.strip().strip("<>") or "message"
    return _UNSAFE.sub("_", bare).lstrip(".")[:200] + ".eml"


class FileBackend:
    name = "file"

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def open(self) -> FileBackend:
        return self

    def __enter__(self) -> FileBackend:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def path_for(self, email: EmailMessage) -> Path:
        return self.folder / eml_name(str(email["Message-ID"] or ""))

    def send(self, email: EmailMessage, *, sender: str, recipient: str) -> None:
        """Write the message as it would go over the wire (CRLF line ends)."""
        target = self.path_for(email)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = email.as_bytes(policy=mail_policy.SMTP)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                    stream.flush()
                    os.fsync(stream.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:  # a full disk or a folder we may not write: try again later
            raise TemporaryFailure(
                f"{type(error).__name__}: {error.strerror or error}", server_problem=True
            ) from error

    def close(self) -> None:
        return None
