"""Notifications knows no feature: features register their message kinds, attachments and
periodic duties with it, and it refuses what nobody registered."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, inspect, select

from booking.enrolment.messages import MessageKind
from booking.extensions import db
from booking.notifications import registry
from booking.notifications.duties import ThreadLeadership, run_tick
from booking.notifications.models import OutboxMessage
from booking.notifications.registry import Kind, UnknownMessageKind
from booking.notifications.render import render
from booking.notifications.services import queue
from config import ROOT
from tests.notifications.test_worker import queue_messages

NOTIFICATIONS = ROOT / "booking" / "notifications"
ALLOWED = {"booking.core", "booking.extensions", "booking.notifications"}


def _booking_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}:{node.lineno}: relative import"
            names = [node.module or ""]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] == "booking"]
    return found


def test_notifications_imports_no_feature():
    """Only core, extensions and itself, at module level or inside a function alike."""
    files = sorted(NOTIFICATIONS.glob("*.py"))
    assert files
    wrong = [
        f"{path.name}:{line}: {name}"
        for path in files
        for line, name in _booking_imports(path)
        if not any(name == allowed or name.startswith(f"{allowed}.") for allowed in ALLOWED)
    ]
    assert wrong == []


def test_queue_refuses_a_kind_nobody_registered(make):
    person = make.user()
    with pytest.raises(UnknownMessageKind, match="no feature registered the message kind 'tea'"):
        queue(person, "tea")
    db.session.flush()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    queue(person, MessageKind.REMINDER)  # a registered one is queued, under its stored code
    db.session.flush()
    assert db.session.scalars(select(OutboxMessage.kind)).all() == ["reminder"]


def test_the_enrolment_engine_registers_its_nineteen_kinds(app):
    assert {k.family for k in registry.kinds()} == {
        "accounts",
        "enrolment",
        "advising",
        "events",
        "certifications",
        "evaluations",
    }
    kinds = {k.code: k for k in registry.kinds() if k.family == "enrolment"}
    assert set(kinds) == {k.value for k in MessageKind} and len(kinds) == 19
    assert kinds["offer"].template == "enrolment/messages/offer"
    with force_locale("en"):  # labels are lazy: in the reader's language
        assert str(kinds["reminder"].label) == "Reminder"
    with force_locale("nl"):
        assert str(kinds["reminder"].label) == "Herinnering"


def test_a_kind_belongs_to_one_family(app):
    class Other:
        name = "other"

    stolen = Kind("reminder", "other", "Reminder", "Reminder", "other/reminder")
    with pytest.raises(ValueError, match="already 'enrolment'"):
        registry.register_kinds(app, Other(), [stolen])
    assert "other" not in registry.registry(app).families  # refused: nothing registered
    assert registry.kind("reminder").family == "enrolment"


def test_the_outbox_no_longer_checks_kinds_in_the_database(app):
    """Migration 0004 dropped the CHECK that listed the enrolment engine's kinds."""
    checks = {c["name"] for c in inspect(db.engine).get_check_constraints("outbox_messages")}
    assert checks == {"ck_outbox_messages_status_valid"}


def test_a_registered_duty_runs_on_every_tick(app, monkeypatch, caplog):
    runs = []

    def tidy_up(now):
        runs.append(now)
        return {"tidied": 3}

    monkeypatch.setitem(registry.registry(app).duties, "tidy", tidy_up)
    leader = ThreadLeadership("test_registry")
    try:
        with caplog.at_level(logging.INFO, logger="booking.worker"):
            totals = run_tick(leader)
            assert run_tick(leader)["tidied"] == 3
    finally:
        leader.release()
    assert len(runs) == 2
    # The enrolment engine's duties ran first, with the keys the log line always had.
    assert totals == {
        "sessions": 0,
        "expired": 0,
        "released": 0,
        "promoted": 0,
        "reminders": 0,
        "expiry_notices": 0,
        "uploads_purged": 0,
        "account_links_purged": 0,
        "evaluation_invitations": 0,
        "tidied": 3,
    }
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("duties ")]
    assert lines[0] == (
        "duties sessions=0 expired=0 released=0 promoted=0 reminders=0 expiry_notices=0 "
        "uploads_purged=0 evaluation_invitations=0 account_links_purged=0 tidied=3"
    )


def test_a_follower_runs_no_duty(app, monkeypatch):
    runs = []
    monkeypatch.setitem(registry.registry(app).duties, "tidy", lambda now: runs.append(now) or {})
    leader, follower = ThreadLeadership("test_follower"), ThreadLeadership("test_follower")
    try:
        assert leader.acquire()
        assert run_tick(follower) is None
    finally:
        leader.release()
    assert runs == []


def test_a_family_without_attachment_providers_sends_no_invite(make, app, monkeypatch):
    """The invite is the calendar's: without its provider a confirmation has none."""
    (message_id,) = queue_messages(make, 1)
    message = db.session.get(OutboxMessage, message_id)
    assert render(message).ics_method == "REQUEST"
    monkeypatch.setitem(registry.registry(app).attachments, "enrolment", [])
    rendered = render(message)
    assert rendered.ics is None and rendered.ics_method is None
    assert "invite.ics" not in rendered.text
