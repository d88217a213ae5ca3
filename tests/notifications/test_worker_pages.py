"""Organisers see the messages that could not be delivered (/beheer/berichten), filter them,
and send them again; nobody else may."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.accounts.models import Role
from booking.core.db import utcnow
from booking.core.errors import PermissionDenied
from booking.core.models import AuditEntry
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.services import send_again
from booking.notifications.worker import drain
from tests.conftest import make_app
from tests.notifications.test_smtp import smtp_server
from tests.notifications.test_worker import queue_messages, rows

FIXTURES = (smtp_server,)
PAGE = "/beheer/berichten"
TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def as_role(client, make, role=Role.ORGANISER):
    person = make.user(role)
    make.login(client, person)
    return person


def fail(message_ids, error="550 5.1.1 unknown mailbox", attempts=1) -> None:
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))
    ):
        message.status, message.last_error, message.attempts = "failed", error, attempts
    db.session.commit()


def status(message_id: int) -> tuple[str, int]:
    db.session.rollback()
    message = db.session.get(OutboxMessage, message_id)
    return message.status, message.attempts


def resent() -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == "message.sent_again")
    return list(db.session.scalars(query))


def test_a_refused_message_is_listed_and_sent_again_after_the_fix(client, make, smtp_server):
    queue_messages(make, 3, emails=("anna@example.nl", "typo@example.nl", "bert@example.nl"))
    smtp_server.handler.unknown.add("typo@example.nl")
    drain(backend=smtp_server.backend(), now=utcnow() + timedelta(seconds=1))
    failed = next(m for m in rows() if m.status == "failed")
    as_role(client, make)

    html = client.get(PAGE).get_data(as_text=True)
    row = re.search(rf'<tr[^>]*id="message-{failed.id}".*?</tr>', html, re.S).group(0)
    assert "typo@example.nl" in row  # recipient
    assert "unknown mailbox" in row and "550" in row  # the server's answer
    assert 'data-kind="enrolment_confirmed"' in row
    assert re.search(r"utrecht-table__cell--numeric\">\s*1\s*<", row)  # attempts
    assert "anna@example.nl" not in html  # delivered messages are not listed

    smtp_server.handler.unknown.clear()  # the address was corrected at the server's end
    response = client.post(f"{PAGE}/{failed.id}/opnieuw")
    assert response.status_code == 302
    assert status(failed.id) == ("pending", 0)
    (audit,) = resent()
    assert (audit.target_type, audit.target_id) == ("outbox_messages", failed.id)

    drain(backend=smtp_server.backend(), now=utcnow() + timedelta(seconds=2))
    assert status(failed.id) == ("sent", 1)
    received = smtp_server.handler.message_ids()
    assert received[failed.message_id] == 1
    assert sum(received.values()) == 3
    assert 'id="no-failed"' in client.get(PAGE).get_data(as_text=True)


def test_the_page_counts_pending_messages_and_filters_by_kind_and_session(client, make):
    first, second, third, _ = queue_messages(make, 4)
    fail([first, second, third])
    other_session = make.session()
    message = db.session.get(OutboxMessage, third)
    message.kind, message.session_id = "reminder", other_session.id
    db.session.commit()
    as_role(client, make, Role.ADMIN)

    html = client.get(PAGE).get_data(as_text=True)
    assert re.search(r'id="pending-count" data-count="1"', html)
    assert re.search(r'id="failed-count" data-count="3"', html)
    listed = lambda html: sorted(int(i) for i in re.findall(r'id="message-(\d+)"', html))  # noqa: E731
    assert listed(html) == [first, second, third]
    assert listed(client.get(f"{PAGE}?soort=reminder").get_data(as_text=True)) == [third]
    session_id = db.session.get(OutboxMessage, first).session_id
    assert listed(client.get(f"{PAGE}?sessie={session_id}").get_data(as_text=True)) == [
        first,
        second,
    ]
    # Unknown filters show everything rather than failing.
    assert listed(client.get(f"{PAGE}?soort=nonsense&sessie=99999999999").get_data(True)) == [
        first,
        second,
        third,
    ]


def test_send_all_again_resends_what_the_filter_shows(client, make):
    first, second, third = queue_messages(make, 3)
    fail([first, second, third], attempts=19)
    message = db.session.get(OutboxMessage, third)
    message.kind = "reminder"
    db.session.commit()
    as_role(client, make)
    response = client.post(f"{PAGE}/opnieuw", data={"soort": "enrolment_confirmed"})
    assert response.status_code == 302 and "soort=enrolment_confirmed" in response.location
    assert [status(first), status(second), status(third)] == [
        ("pending", 0),
        ("pending", 0),
        ("failed", 19),
    ]


def test_sending_again_twice_changes_nothing_the_second_time(client, make):
    (only,) = queue_messages(make, 1)
    fail([only])
    as_role(client, make)
    client.post(f"{PAGE}/{only}/opnieuw")
    client.post(f"{PAGE}/{only}/opnieuw")
    assert status(only) == ("pending", 0)
    assert len(resent()) == 1
    assert client.post(f"{PAGE}/99999/opnieuw").status_code == 404


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.TEAM_LEADER, Role.HR])
def test_others_get_403_and_change_nothing(client, make, role):
    (only,) = queue_messages(make, 1)
    fail([only])
    as_role(client, make, role)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}/{only}/opnieuw").status_code == 403
    assert client.post(f"{PAGE}/opnieuw").status_code == 403
    assert status(only) == ("failed", 1)


def test_anonymous_visitors_are_sent_to_the_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/inloggen" in response.location


def test_send_again_needs_the_csrf_token(database_url, make):
    client = make_app(database_url, WTF_CSRF_ENABLED=True).test_client()
    (only,) = queue_messages(make, 1)
    fail([only])
    organiser = make.user(Role.ORGANISER)
    db.session.commit()
    login_token = TOKEN.search(client.get("/inloggen").get_data(as_text=True)).group(1)
    client.post(
        "/inloggen",
        data={"email": organiser.email, "password": make.PASSWORD, "csrf_token": login_token},
    )
    html = client.get(PAGE).get_data(as_text=True)
    forms = re.findall(r'<form([^>]*method="post"[^>]*)>(.*?)</form>', html, re.S)
    assert all(TOKEN.search(body) for _, body in forms)  # ours and the layout's
    actions = [re.search(r'action="([^"]*)"', attributes).group(1) for attributes, _ in forms]
    assert {f"{PAGE}/{only}/opnieuw", f"{PAGE}/opnieuw"} <= set(actions)

    assert client.post(f"{PAGE}/{only}/opnieuw").status_code == 400
    assert client.post(f"{PAGE}/opnieuw").status_code == 400
    assert status(only) == ("failed", 1)
    token = TOKEN.search(html).group(1)
    assert client.post(f"{PAGE}/{only}/opnieuw", data={"csrf_token": token}).status_code == 302
    assert status(only) == ("pending", 0)


def test_many_failed_messages_are_paged(client, make, app, monkeypatch, count_queries):
    ids = queue_messages(make, 7)
    fail(ids)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    as_role(client, make)
    pages = [client.get(f"{PAGE}?pagina={n}").get_data(as_text=True) for n in (1, 2, 3)]
    shown = [re.findall(r'id="message-(\d+)"', html) for html in pages]
    assert [len(s) for s in shown] == [3, 3, 1]
    assert Counter(int(i) for s in shown for i in s) == Counter(ids)
    count_queries.reset()
    client.get(f"{PAGE}?pagina=1")
    few = len(count_queries)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 7)
    count_queries.reset()
    client.get(f"{PAGE}?pagina=1")
    assert len(count_queries) == few  # no query per listed message


def test_the_service_itself_refuses_others_and_counts_what_it_changed(make):
    """The rule lives in the service, not only in the page's role check."""
    first, second = queue_messages(make, 2)
    fail([first, second])
    messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    with pytest.raises(PermissionDenied):
        send_again(messages, make.user(Role.TEAM_LEADER))
    assert status(first) == ("failed", 1)
    organiser = make.user(Role.ORGANISER)
    stale = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert send_again(stale[:1], organiser) == 1
    db.session.commit()
    # A second organiser still holding both rows as failed: only the one still failed counts.
    assert send_again(messages, make.user(Role.ORGANISER)) == 1
    db.session.commit()
    assert status(first) == ("pending", 0) and status(second) == ("pending", 0)
    assert len(resent()) == 2
