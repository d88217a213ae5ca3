"""What every outbox message says, in Dutch and English, as text and HTML."""

from __future__ import annotations

import contextvars
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract
from sqlalchemy import select

from booking.core.db import atomic
from booking.enrolment import services
from booking.enrolment.messages import MessageKind, context
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render, render_many
from booking.scheduling.models import Session
from config import ROOT
from tests.enrolment.helpers import enrol
from tests.notifications.test_render_world import (
    JOIN_URL,
    build_world,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LEFTOVERS = re.compile(r"%\(|\{\{|\{%|\bNone\b|Undefined|\[booking\]")


@pytest.fixture
def world(make, db_session):
    return build_world(make)


def in_language(message: OutboxMessage, language: str):
    message.language = language
    try:
        return render(message)
    finally:
        db.session.rollback()  # the row keeps the language the engine gave it


def amsterdam_hours(session) -> str:
    meeting = session.meetings[0]
    start, end = (t.astimezone(AMSTERDAM) for t in (meeting.starts_at, meeting.ends_at))
    return f"{start:%H:%M}–{end:%H:%M}"


# -- every kind, both languages -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_kind_renders_completely(world, language):
    seen = set()
    for message in world.messages():
        rendered = in_language(message, language)
        seen.add(message.kind)
        what = (message.kind, message.email, language)
        assert rendered.subject.strip() and "\n" not in rendered.subject, what
        for body in (rendered.subject, rendered.text, rendered.html):
            assert not LEFTOVERS.search(body), (what, LEFTOVERS.search(body).group(0))
        assert rendered.html.startswith("<!doctype html>")
        assert f'<html lang="{language}">' in rendered.html
        assert "<h1" in rendered.html and "<title>" in rendered.html
        recipient = world_person(world, message)
        assert recipient.name in rendered.text, what
        if message.kind != MessageKind.IN_COMPANY_REQUESTED:
            session = db.session.get(Session, message.session_id)
            assert session.course.title in rendered.subject, what
            assert session.course.title in rendered.text, what
            assert amsterdam_hours(session) in rendered.text, what
            if message.kind not in ("approval_requested", "team_booking_summary"):
                assert f"#sessie-{session.id}" in rendered.text + rendered.html, what
        labels = ("When", "Where", "Course") if language == "en" else ("Wanneer", "Waar", "Cursus")
        if message.kind != MessageKind.IN_COMPANY_REQUESTED:
            assert all(f"{label}:" in rendered.text for label in labels), what
    assert seen == {k.value for k in MessageKind}


def world_person(world, message):
    return next(p for p in world.people.values() if p.id == message.user_id)


def test_dates_are_in_the_readers_language(world):
    message = world.message("reminder", "kees")
    session = world.sessions["changes"]
    start = session.meetings[0].starts_at.astimezone(AMSTERDAM)
    nl, en = in_language(message, "nl"), in_language(message, "en")
    dutch_days = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    english_days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert f"{dutch_days[start.weekday()]} {start.day} " in nl.text
    assert f"{english_days[start.weekday()]} {start.day} " in en.text
    assert "Dear Kees Kok," in en.text


# -- the join link ------------------------------------------------------------------------------


def test_the_meeting_url_is_in_no_message_and_no_invite(world):
    """Issue 9: mails and invites never carry the meeting's own URL (only /deelnemen links),
    and outside the hour before the start no message carries a join link at all."""
    for message in world.messages():
        rendered = render(message)
        everything = rendered.text + rendered.html + (rendered.ics or "")
        assert JOIN_URL not in everything, (message.kind, message.email)
        assert "/deelnemen/" not in everything, (message.kind, message.email)


def reminder_clock(monkeypatch, message, before):
    session = db.session.get(Session, message.session_id)
    monkeypatch.setattr(context, "utcnow", lambda: session.starts_at - before)


def test_join_link_only_in_the_reminder_within_the_hour(world, monkeypatch):
    kees = world.message("reminder", "kees")  # a confirmed online place
    early = in_language(kees, "en")
    assert "/deelnemen/" not in early.text
    assert "The join link appears on your place page an hour before the start." in early.text
    reminder_clock(monkeypatch, kees, timedelta(minutes=30))
    inside = render(kees)
    assert "/deelnemen/" in inside.text and "/deelnemen/" in inside.html
    assert JOIN_URL not in inside.text + inside.html + (inside.ics or "")
    assert "/deelnemen/" not in (inside.ics or "")
    lies = world.message("reminder", "lies")  # in person
    reminder_clock(monkeypatch, lies, timedelta(minutes=30))
    assert "/deelnemen/" not in render(lies).text
    # Never in the confirmation (or any other kind), even within the hour.
    for kind, who in (("promoted", "cor"), ("approved", "gijs"), ("mode_changed", "kees")):
        message = world.message(kind, who)
        reminder_clock(monkeypatch, message, timedelta(minutes=30))
        assert "/deelnemen/" not in render(message).text, (kind, who)


# -- what each kind says ------------------------------------------------------------------------


def test_waitlist_position_and_who_booked(world):
    text = in_language(world.message("waitlisted", "fenna"), "en").text
    assert "You are number 2 on the waitlist for a place online." in text
    quinn = [in_language(m, "en").text for m in world.messages("waitlisted", "quinn")]
    assert any("Ruud de Vries put you on the waitlist." in t for t in quinn)
    piet = in_language(world.message("enrolment_confirmed", "piet"), "en").text
    assert "Ruud de Vries booked this place for you." in piet


def test_offer_names_its_deadline_and_where_to_answer(world):
    message = world.messages("offer", "eva")[0]
    deadline = datetime.fromisoformat(message.data["expires_at"]).astimezone(AMSTERDAM)
    rendered = in_language(message, "en")
    assert f"before {deadline:%A} {deadline.day} {deadline:%B %Y, %H:%M}." in rendered.text
    session = world.sessions["offers"]
    page = f"http://localhost/cursussen/{session.course.slug}#sessie-{session.id}"
    assert page in rendered.text and f'href="{page}"' in rendered.html
    assert "Accept or decline the offer before" in rendered.text
    for answer in ("accepteren", "afslaan"):  # one link each, to the page that answers
        link = re.search(rf"http://localhost/aanbod/\S+antwoord={answer}#antwoord", rendered.text)
        assert link and f'href="{link.group(0)}"' in rendered.html


def test_approval_messages(world):
    request = in_language(world.messages("approval_requested")[0], "en")
    assert "Gijs Groen would like to follow Assertiviteitstraining" in request.text
    assert "Please decide before" in request.text
    assert "http://localhost/mijn-team" in request.text
    assert request.ics is None  # the leader gets no invite for someone else's place
    pending = in_language(world.message("approval_pending", "gijs"), "en").text
    assert "We hold a place for you until" in pending
    approved = in_language(world.message("approved", "gijs"), "en").text
    assert "Approved by: Ruud de Vries" in approved and "Comment: Goed plan" in approved
    declined = in_language(world.message("approval_declined", "hans"), "en")
    assert "Reason: Geen budget <b>meer</b>" in declined.text
    assert "Geen budget &lt;b&gt;meer&lt;/b&gt;" in declined.html
    assert "<b>meer</b>" not in declined.html
    expired = in_language(world.message("approval_expired", "ilse"), "en").text
    assert "not approved in time" in expired


def test_approval_request_to_an_organiser_links_to_the_session_people(make, db_session):
    course = make.course("Projectassistent", requires_approval=True)
    session = make.session(course)
    organiser = make.user("organiser")
    loner = make.user()  # no team leader: the organisers decide
    enrol(session, loner)
    message = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.kind == "approval_requested", OutboxMessage.user_id == organiser.id
        )
    )
    text = render(message).text
    assert f"http://localhost/beheer/sessies/{session.id}/deelnemers" in text


def test_cancellations_say_who_and_why(world):
    own = in_language(world.message("cancelled", "anna"), "en").text
    assert "You cancelled it yourself." in own and "late cancellation" not in own
    late = in_language(world.message("cancelled", "dina"), "en").text
    assert "Olga Organisator of Talent MVS cancelled it." in late
    assert "counts as a late cancellation" in late and "Reason: Dubbel geboekt" in late
    dropped = [in_language(m, "en").text for m in world.messages("session_cancelled")]
    assert all("has been cancelled" in t and "Reason: Trainer ziek" in t for t in dropped)


def test_team_leader_cancellation(make, db_session):
    leader = make.user("team_leader")
    member = make.user(team_=leader.team, language="en")
    outcome = enrol(make.session(), member)
    atomic(services.cancel, outcome.enrolment.id, actor=leader)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "cancelled"))
    assert f"Your team leader {leader.name} cancelled it." in render(message).text


def test_changes_say_what_changed_with_the_new_details(world):
    changed = in_language(world.message("session_changed", "lies"), "en").text
    assert "The date or times are different." in changed
    assert "The place is different." not in changed
    assert amsterdam_hours(world.sessions["changes"]) in changed
    assert "Stadskantoor, Stadserf 1, 3112 DZ Schiedam, Zaal Financiën" in changed
    moved = in_language(world.message("mode_changed", "kees"), "en").text
    assert "you now take part online" in moved and "online via Teams" in moved


def test_reminder_and_team_summary(world):
    reminder = in_language(world.message("reminder", "lies"), "en").text
    assert "A reminder: Netwerken met LinkedIn starts on" in reminder
    summary = in_language(world.message("team_booking_summary", "leader"), "en")
    assert "- Piet Post: has a place" in summary.text
    assert "- Quinn Quist: is on the waitlist (number 1)" in summary.text
    assert "<li>Piet Post: has a place</li>" in summary.html
    assert "http://localhost/mijn-team" in summary.text


def test_in_company_request_to_organisers(world):
    rendered = in_language(world.message("in_company_requested", "organiser"), "en")
    assert rendered.subject == "In-company request from Financiën (Gemeente Schiedam)"
    text = rendered.text
    assert "Ruud de Vries asks for an in-company session for Financiën" in text
    assert "Topic: Omgaan met <weerstand>" in text and "Number of participants: 12" in text
    assert "Preferred dates: Liefst op dinsdag in maart" in text
    assert "Course: DISC teamtraining" in text
    assert "http://localhost/beheer/incompany" in text
    assert "Omgaan met &lt;weerstand&gt;" in rendered.html


def test_html_escapes_what_people_typed(world):
    rendered = render(world.message("enrolment_confirmed", "bram"))
    assert "<script>" not in rendered.html
    assert "Bram &lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "Bram <script>alert(1)</script>" in rendered.text  # plain text is not HTML
    cor = render(world.message("promoted", "cor")).html
    assert "Cor &amp; Co" in cor


def test_invites_follow_the_place(world):
    assert render(world.message("mode_changed", "kees")).ics_method == "REQUEST"
    assert render(world.message("cancelled", "anna")).ics_method == "CANCEL"
    assert render(world.message("reminder", "kees")).ics is None
    rendered = render(world.message("promoted", "cor"))
    assert "METHOD:REQUEST" in rendered.ics and "invite.ics" in rendered.text


# -- links --------------------------------------------------------------------------------------


def test_base_url_setting_wins(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://opleidingen.example.nl/boeken")
    text = render(world.message("offer_declined", "eva")).text
    session = world.sessions["offers"]
    assert (
        f"https://opleidingen.example.nl/boeken/cursussen/{session.course.slug}#sessie-{session.id}"
    ) in text
    assert "http://localhost" not in text


def test_without_server_name_development_links_to_the_dev_server(world, app, monkeypatch):
    message_id = world.message("waitlisted", "fenna").id
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "BASE_URL", None)

    def in_a_worker(production: bool) -> str:
        monkeypatch.setitem(app.config, "PRODUCTION", production)
        with app.app_context():  # no request, no SERVER_NAME: as the worker runs
            try:
                return render(db.session.get(OutboxMessage, message_id)).text
            finally:
                db.session.remove()

    assert "http://127.0.0.1:5000/cursussen/" in contextvars.Context().run(in_a_worker, False)
    with pytest.raises(RuntimeError, match="BASE_URL"):
        contextvars.Context().run(in_a_worker, True)


# -- batches ------------------------------------------------------------------------------------


def _fresh_messages(limit: int) -> list[OutboxMessage]:
    db.session.commit()
    db.session.expunge_all()  # as a worker starts: nothing loaded yet
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id).limit(limit)))


def test_a_batch_renders_in_a_fixed_number_of_queries(world, make, count_queries):
    for _ in range(10):  # more sessions, venues and people than the world has
        enrol(make.session(mode="online"), make.user(), mode="online")
    assert len(world.messages()) >= 50
    counts = {}
    for size in (5, 50):
        messages = _fresh_messages(size)
        count_queries.reset()
        rendered = render_many(messages)
        counts[size] = len(count_queries)
        assert len(rendered) == size and all(r.subject for r in rendered)
    assert counts[50] == counts[5] <= 5, counts


def test_a_message_without_session_rows_still_renders(world):
    message = world.message("in_company_requested", "organiser")
    assert render(message).text  # no session, no enrolment: nothing to load for them


# -- translations -------------------------------------------------------------------------------


def _messages_in(pattern: str) -> set:
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
    found = set()
    for path in (ROOT / "templates" / "notifications").glob(pattern):
        with path.open("rb") as handle:
            for _line, message, _comments, _context in extract("jinja2", handle, keywords=keywords):
                found.add(message)
    return found


def test_text_templates_say_nothing_the_html_templates_do_not():
    """The catalogue is extracted from .html templates only (babel.cfg), so every sentence of
    a .txt template must also occur in an .html one to be translated."""
    text, html = _messages_in("*.txt"), _messages_in("*.html")
    assert text and text <= html, sorted(text - html)
