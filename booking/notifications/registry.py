"""What the features tell notifications: their message kinds, the attachments some messages
carry, how the failed-messages page names a session, and the periodic duties the worker runs.

Notifications imports no feature (docs/architecture.md, the layers): a feature registers here
when the app is created (create_app calls each feature's `register(app)`), and the outbox,
the renderer, the page and the duty runner look up what was registered for *this* app. Every
table is per app (in `app.extensions`), so two apps in one process never share kinds, and
registering again on a new app is harmless.

- A **family** (`Family`) is one feature's way to load, for a whole batch of messages, the
  rows its templates read (`load`, a fixed number of queries whatever the batch's size), and
  to turn one message into template variables and subject parameters (`describe`).
- A **kind** (`Kind`) is one message a family can send: the code stored in
  `outbox_messages.kind` (never renamed: rows wait in the outbox under it), its label on the
  failed-messages page, its subject (a lazy gettext string with %(...)s parameters) and its
  templates (`<template>.txt` and `<template>.html`).
- An **attachment provider** gives a message of a family its calendar invite, or None.
- A **file provider** gives a message of a family its files (a certificate's PDF, a QR
  code's image shown in the HTML by `cid:<content_id>`): a list, often empty.
- A **session lookup** names sessions on the failed-messages page (label and link).
- A **duty** is a function `duty(now) -> dict[str, int]` run on every tick of the leader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from flask import Flask, current_app

EXTENSION = "notifications.registry"


class UnknownMessageKind(LookupError):
    """No feature registered this message kind with the app (a programming error: a kind is
    declared by the feature that sends it, and registered in its `register(app)`)."""


@dataclass(frozen=True)
class Content:
    """What a family says about one message: the variables its templates read and the
    parameters of its kind's subject."""

    variables: dict[str, Any]
    subject: dict[str, Any]


class Family(Protocol):
    name: str

    def load(self, messages: list) -> Any:
        """Everything the templates of these messages read, in a fixed number of queries."""

    def describe(self, message, batch: Any) -> Content:
        """One message's template variables and subject parameters (in the current locale)."""


@dataclass(frozen=True)
class Kind:
    code: str  # as stored in outbox_messages.kind
    family: str  # the Family.name that renders it
    label: Any  # lazy string: the failed-messages page's filter and column
    subject: Any  # lazy string with %(name)s parameters from Content.subject
    template: str  # "<folder>/<name>", rendered as .txt and .html


@dataclass(frozen=True)
class Invite:
    """A text/calendar attachment: a VCALENDAR whose METHOD is `method` (REQUEST or CANCEL)."""

    text: str
    method: str


@dataclass(frozen=True)
class File:
    """A file sent with a message. With a `content_id` it is an inline part of the HTML
    (`<img src="cid:...">`), else an attachment the reader can save."""

    filename: str
    content_type: str  # "application/pdf", "image/png"
    data: bytes
    content_id: str | None = None


@dataclass(frozen=True)
class SessionName:
    """How the failed-messages page shows a session: its label, a link, and an order."""

    label: str
    url: str | None
    sort_key: Any


AttachmentProvider = Callable[[Any, Any], Invite | None]  # (message, batch) -> Invite | None
FileProvider = Callable[[Any, Any], list[File]]  # (message, batch) -> files
SessionLookup = Callable[[set[int]], Mapping[int, SessionName]]
Duty = Callable[[datetime | None], dict[str, int]]


@dataclass
class Registry:
    families: dict[str, Family] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    attachments: dict[str, list[AttachmentProvider]] = field(default_factory=dict)
    files: dict[str, list[FileProvider]] = field(default_factory=dict)
    session_lookup: SessionLookup | None = None
    duties: dict[str, Duty] = field(default_factory=dict)  # in registration order


def registry(app: Flask | None = None) -> Registry:
    app = app or current_app
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions[EXTENSION] = Registry()
    return found


# -- registering (at app creation) ----------------------------------------------------------------


def kinds_of(codes: Iterable, family: str, labels: Mapping, subjects: Mapping, folder: str):
    """One Kind per code of a feature's enum, its templates `<folder>/<code>`."""
    return tuple(
        Kind(
            code=str(code),
            family=family,
            label=labels[code],
            subject=subjects[code],
            template=f"{folder}/{code}",
        )
        for code in codes
    )


def register_kinds(app: Flask, family: Family, kinds: Iterable[Kind]) -> None:
    """Declare a family and the kinds it renders. A code belongs to one family only; a
    refused registration changes nothing."""
    table = registry(app)
    kinds = list(kinds)
    for kind in kinds:
        if kind.family != family.name:
            raise ValueError(
                f"kind {kind.code!r} is of family {kind.family!r}, not {family.name!r}"
            )
        owner = table.kinds.get(kind.code)
        if owner is not None and owner.family != kind.family:
            raise ValueError(f"message kind {kind.code!r} is already {owner.family!r}'s")
    table.families[family.name] = family
    table.kinds.update((kind.code, kind) for kind in kinds)


def register_attachment(app: Flask, family: str, provider: AttachmentProvider) -> None:
    """`provider(message, batch)` (batch as the family loaded it) gives an Invite or None."""
    providers = registry(app).attachments.setdefault(family, [])
    if provider not in providers:
        providers.append(provider)


def register_files(app: Flask, family: str, provider: FileProvider) -> None:
    """`provider(message, batch)` gives the files sent with a message of `family` (its
    kinds decide: a provider returns [] for the kinds it does not serve)."""
    providers = registry(app).files.setdefault(family, [])
    if provider not in providers:
        providers.append(provider)


def register_session_lookup(app: Flask, lookup: SessionLookup) -> None:
    registry(app).session_lookup = lookup


def register_duty(app: Flask, name: str, duty: Duty) -> None:
    """A periodic duty: idempotent (a successor leader may run the same work again), runs
    its own transactions, returns its counts (their keys appear in the worker's log line)."""
    registry(app).duties[name] = duty


# -- looking up (at run time, in an app context) --------------------------------------------------


def find_kind(code: str) -> Kind | None:
    return registry().kinds.get(str(code))


def kind(code: str) -> Kind:
    """The registered kind of this code; UnknownMessageKind when no feature registered it."""
    found = find_kind(code)
    if found is None:
        raise UnknownMessageKind(
            f"no feature registered the message kind {str(code)!r}; a feature declares its "
            "kinds and registers them when the app is created (notifications.registry)"
        )
    return found


def kinds() -> list[Kind]:
    return list(registry().kinds.values())


def family(name: str) -> Family:
    return registry().families[name]


def attachment_providers(family_name: str) -> list[AttachmentProvider]:
    return list(registry().attachments.get(family_name, ()))


def file_providers(family_name: str) -> list[FileProvider]:
    return list(registry().files.get(family_name, ()))


def session_names(ids: Iterable[int]) -> Mapping[int, SessionName]:
    ids = {i for i in ids if i}
    lookup = registry().session_lookup
    if not ids or lookup is None:
        return {}
    return lookup(ids)


def duties() -> list[tuple[str, Duty]]:
    return list(registry().duties.items())
