"""Turning an outbox row into what is sent: subject, plain text, HTML and (for places) the
iCalendar invite. Runs in the worker, outside any transaction of the change.

INTERFACE (stable): `render(message) -> Rendered`. A worker with a batch calls
`render_many(messages)`: the messages are grouped by the family of their kind and each family
loads the rows its templates read once for its group (`Family.load`, a fixed number of
queries), so a batch costs a fixed number of queries whatever its size.

What a message says is its feature's: the family turns one message into template variables
and subject parameters (`Family.describe`), the kind names the subject and the templates, an
attachment provider adds the invite (notifications.registry). The text is written at send
time in the person's language (`message.language`), from `message.data` (what the feature
knew when it queued it) and the database as it is now.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from jinja2 import Environment

from booking.notifications import registry
from booking.notifications.models import OutboxMessage

LANGUAGES = ("nl", "en")


@dataclass
class Rendered:
    subject: str
    text: str
    html: str | None = None
    ics: str | None = None  # a VCALENDAR with METHOD REQUEST or CANCEL
    ics_method: str | None = None  # "REQUEST" or "CANCEL", equal to the VCALENDAR's METHOD
    files: tuple[registry.File, ...] = ()  # attachments and inline images (registry.File)


# -- plumbing -------------------------------------------------------------------------------------


def _environment() -> Environment:
    """The app's Jinja environment (i18n, autoescape by file name: .html escaped, .txt not)
    with block tags that leave no blank lines, so the text templates can stay readable."""
    env = current_app.extensions.get("notifications_jinja")
    if env is None:
        env = current_app.jinja_env.overlay(trim_blocks=True, lstrip_blocks=True)
        current_app.extensions["notifications_jinja"] = env
    return env


def _tidy(text: str) -> str:
    """Trailing spaces off (except the '-- ' signature line), at most one blank line."""
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if not line and (not tidy or not tidy[-1]):
            continue
        tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    return "\n".join(tidy) + "\n"


def _subject(kind: registry.Kind, params: dict) -> str:
    subject = str(kind.subject) % params
    subject = re.sub(r"\s+", " ", subject).strip(" ,:")  # no header injection, no dangling comma
    return subject[:250] or current_app.config["CENTRE_NAME"]


def _invite(message: OutboxMessage, kind: registry.Kind, batch: Any) -> registry.Invite | None:
    for provider in registry.attachment_providers(kind.family):
        invite = provider(message, batch)
        if invite is not None:
            return invite
    return None


# -- rendering ------------------------------------------------------------------------------------


def load(messages: Iterable[OutboxMessage]) -> dict[str, Any]:
    """Each family's batch for these messages, by family name."""
    groups: dict[str, list[OutboxMessage]] = defaultdict(list)
    for message in messages:
        groups[registry.kind(message.kind).family].append(message)
    return {name: registry.family(name).load(group) for name, group in groups.items()}


def render(message: OutboxMessage, batches: dict[str, Any] | None = None) -> Rendered:
    """Subject, text, HTML and invite of one message, in the recipient's language."""
    kind = registry.kind(message.kind)
    batches = batches if batches is not None else load([message])
    batch = batches[kind.family]
    language = message.language if message.language in LANGUAGES else "nl"
    with force_locale(language):
        content = registry.family(kind.family).describe(message, batch)
        invite = _invite(message, kind, batch)
        method = invite.method if invite is not None else None
        files = tuple(
            file
            for provider in registry.file_providers(kind.family)
            for file in provider(message, batch)
        )
        subject = _subject(kind, content.subject)
        variables = {
            **content.variables,
            "kind": kind.code,
            "lang": language,
            "subject": subject,
            "centre_name": current_app.config["CENTRE_NAME"],
            "centre_email": current_app.config["CENTRE_EMAIL"],
            "invite_method": method,
            "attached": [f.filename for f in files if f.content_id is None],
            "inline": [f.content_id for f in files if f.content_id],  # for <img src="cid:">
        }
        env = _environment()
        text = env.get_template(f"{kind.template}.txt").render(variables)
        html = env.get_template(f"{kind.template}.html").render(variables)
    html = html.strip() + "\n"
    return Rendered(
        subject=subject,
        text=_tidy(text),
        html=html,
        ics=invite.text if invite is not None else None,
        ics_method=method,
        files=files,
    )


def render_many(messages: Iterable[OutboxMessage]) -> list[Rendered]:
    """Render a batch with each family's rows loaded once (a fixed number of queries)."""
    messages = list(messages)
    batches = load(messages)
    return [render(message, batches) for message in messages]
