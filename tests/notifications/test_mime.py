"""The e-mail as sent: headers, the multipart structure, and the invite parts (RFC 6047)."""

from __future__ import annotations

import email
from email import policy
from email.utils import parseaddr, parsedate_to_datetime

import icalendar
import pytest
import vobject

from booking.notifications.mime import build, calendar_method
from booking.notifications.registry import File
from booking.notifications.render import Rendered, render
from tests.notifications.test_render_world import build_world

SENDER = "opleidingen@talentmvs.example.nl"


@pytest.fixture
def world(make, db_session):
    return build_world(make)


def sent(message, rendered=None, sender=SENDER):
    """Build, flatten to bytes as SMTP would carry them, and parse back."""
    raw = build(message, rendered or render(message), sender).as_bytes()
    return raw, email.message_from_bytes(raw, policy=policy.default)


def lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def structure(parsed) -> list[tuple[int, str]]:
    def walk(part, depth):
        yield depth, part.get_content_type()
        if part.is_multipart():
            for child in part.iter_parts():
                yield from walk(child, depth + 1)

    return list(walk(parsed, 0))


INVITE_SHAPE = [
    (0, "multipart/mixed"),
    (1, "multipart/alternative"),
    (2, "text/plain"),
    (2, "text/html"),
    (2, "text/calendar"),
    (1, "application/ics"),
]


@pytest.mark.parametrize(
    ("kind", "who", "method"),
    [("mode_changed", "kees", "REQUEST"), ("cancelled", "anna", "CANCEL")],
)
def test_invite_structure_and_method(world, kind, who, method):
    message = world.message(kind, who)
    rendered = render(message)
    _, parsed = sent(message, rendered)
    assert structure(parsed) == INVITE_SHAPE

    alternative, attachment = parsed.get_payload()
    text, html, calendar = alternative.get_payload()
    assert lf(text.get_content()) == rendered.text  # CRLF on the wire, as SMTP wants
    assert lf(html.get_content()) == rendered.html
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"

    # The MIME method parameter equals the VCALENDAR's METHOD, read by two parsers.
    assert calendar.get_param("method") == method
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content_disposition() is None  # inline alternative, not a file
    body = calendar.get_content()
    assert icalendar.Calendar.from_ical(body)["METHOD"] == method
    assert vobject.readOne(body).method.value == method

    # The attachment is the same invite, byte for byte, named invite.ics.
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content() == rendered.ics.encode("utf-8")
    assert b"\r\nMETHOD:" + method.encode() + b"\r\n" in attachment.get_content()


def test_headers(world, app):
    message = world.message("promoted", "cor")
    raw, parsed = sent(message)
    assert parsed["Message-ID"] == message.message_id  # stable across retries
    assert parseaddr(parsed["From"]) == (app.config["CENTRE_NAME"], SENDER)
    assert parsed["To"] == message.email
    assert parsed["Subject"] == render(message).subject
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Content-Language"] == "nl"
    assert parsed["MIME-Version"] == "1.0"
    assert parsedate_to_datetime(parsed["Date"]) == message.created_at.replace(microsecond=0)
    assert [p for p in parsed.walk() if p is not parsed and p["MIME-Version"]] == []
    again_raw, _ = sent(message)
    assert again_raw.split(b"\n", 5)[:5] == raw.split(b"\n", 5)[:5]  # same headers


def test_a_named_sender_keeps_its_name(world):
    _, parsed = sent(world.message("promoted", "cor"), sender="Team Opleidingen <mail@x.nl>")
    assert parseaddr(parsed["From"]) == ("Team Opleidingen", "mail@x.nl")


def test_without_invite_no_calendar_parts(world):
    message = world.message("waitlisted", "fenna")
    rendered = render(message)
    assert rendered.ics is None
    _, parsed = sent(message, rendered)
    assert structure(parsed) == [
        (0, "multipart/mixed"),
        (1, "multipart/alternative"),
        (2, "text/plain"),
        (2, "text/html"),
    ]
    assert list(parsed.iter_attachments()) == []


def test_text_only_still_mixed_around_alternative(world):
    message = world.message("waitlisted", "fenna")
    _, parsed = sent(message, Rendered(subject="Onderwerp", text="Alleen tekst"))
    assert structure(parsed) == [
        (0, "multipart/mixed"),
        (1, "multipart/alternative"),
        (2, "text/plain"),
    ]
    assert lf(parsed.get_body(("plain",)).get_content()) == "Alleen tekst\n"


def test_utf8_everywhere_and_seven_bit_on_the_wire(world):
    message = world.message("in_company_requested", "organiser")
    raw, parsed = sent(message)
    assert raw.isascii()  # quoted-printable and base64: safe for any SMTP server
    assert parsed["Subject"] == "Incompany aanvraag van Financiën (Gemeente Schiedam)"  # nl
    assert "Financiën" in parsed.get_body(("plain",)).get_content()
    assert "Financiën" in parsed.get_body(("html",)).get_content()

    promoted = world.message("promoted", "vera")  # in person: the room is "Zaal Financiën"
    raw, parsed = sent(promoted)
    assert raw.isascii()
    calendar = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    assert "Zaal Financiën" in calendar.get_content()
    assert "Zaal Financiën" in parsed.get_body(("plain",)).get_content()
    assert "Vera Visser" in calendar.get_content()


def test_every_message_of_the_world_builds_and_parses_back(world):
    for message in world.messages():
        rendered = render(message)
        _, parsed = sent(message, rendered)
        assert parsed["Message-ID"] == message.message_id
        calendars = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
        files = [p for p in parsed.iter_attachments() if p.get_filename() == "invite.ics"]
        if rendered.ics is None:
            assert calendars == [] and files == []
        else:
            assert len(calendars) == len(files) == 1
            method = calendars[0].get_param("method")
            assert method == rendered.ics_method == calendar_method(calendars[0].get_content())


def test_a_disagreeing_method_is_refused(world):
    message = world.message("mode_changed", "kees")
    rendered = render(message)
    rendered.ics_method = "CANCEL"
    with pytest.raises(ValueError, match="METHOD"):
        build(message, rendered, SENDER)
    with pytest.raises(ValueError, match="METHOD"):
        calendar_method("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")


def test_a_subject_cannot_inject_headers(world):
    message = world.message("waitlisted", "fenna")
    rendered = Rendered(subject="Hallo\r\nBcc: iedereen@example.nl", text="x")
    _, parsed = sent(message, rendered)
    assert parsed["Bcc"] is None and parsed["Subject"] == "Hallo Bcc: iedereen@example.nl"


def test_files_are_attachments_and_inline_images_related_parts(world):
    """A feature's files (registry.File): a PDF as an attachment after the invite, an image
    with a content id inside the HTML's multipart/related, shown by cid:."""
    message = world.message("mode_changed", "kees")
    rendered = render(message)
    pdf = b"%PDF-1.4 certificate"
    png = b"\x89PNG\r\n\x1a\n qr"
    rendered.html = rendered.html.replace("</body>", '<img src="cid:qr@booking"></body>')
    rendered.files = (
        File("certificaat.pdf", "application/pdf", pdf),
        File("qr.png", "image/png", png, content_id="qr@booking"),
    )
    _, parsed = sent(message, rendered)
    assert structure(parsed) == [
        (0, "multipart/mixed"),
        (1, "multipart/alternative"),
        (2, "text/plain"),
        (2, "multipart/related"),
        (3, "text/html"),
        (3, "image/png"),
        (2, "text/calendar"),
        (1, "application/ics"),
        (1, "application/pdf"),
    ]
    attachments = {a.get_filename(): a for a in parsed.iter_attachments()}
    assert attachments["certificaat.pdf"].get_content() == pdf
    image = next(p for p in parsed.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<qr@booking>" and image.get_content() == png
    assert "cid:qr@booking" in parsed.get_body(("html",)).get_content()
