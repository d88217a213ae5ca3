"""The certificate PDF as its reader meets it: the text (name, certification, dates) read
back with pypdf in both languages, and the QR code decoded from the rendered page with
zxing-cpp, which must be the verification link of the award's code."""

from __future__ import annotations

import io
from datetime import date

import pypdfium2
import pytest
import zxingcpp
from babel.dates import format_date
from pypdf import PdfReader

from booking.certifications import certificate, services
from booking.certifications.models import CompletionRule
from booking.certifications.services import CertificationInput
from booking.core.db import atomic
from booking.core.timez import local


@pytest.fixture
def award(make, db_session):
    """A by-hand award of a certification valid 24 months, completed on 3 March 2026."""
    organiser = make.user("organiser")
    holder = make.user()
    course = make.course(certified=True)
    certification = atomic(
        services.define,
        CertificationInput(
            name_nl="Projectassistent",
            name_en="Project assistant",
            course_ids=[course.id],
            rule=CompletionRule.ALL_MEETINGS,
            validity_months=24,
        ),
        actor=organiser,
    )
    return atomic(
        services.award_by_hand,
        certification.id,
        holder.email,
        completed_on=date(2026, 3, 3),
        evidence_note="Eerder gevolgd bij Gemeente Rotterdam; certificaat gezien.",
        actor=organiser,
    )


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def _qr_codes(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=3).to_pil()
    finally:
        document.close()
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize(
    ("language", "name"), [("nl", "Projectassistent"), ("en", "Project assistant")]
)
def test_the_certificate_says_who_what_and_until_when(app, award, language, name):
    pdf = certificate.render_pdf(award, language)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert award.user.name in text
    assert name in text
    issued = format_date(local(award.issued_at).date(), "long", locale=language)
    expires = format_date(local(award.expires_at).date(), "long", locale=language)
    assert local(award.expires_at).date() == date(2028, 3, 3)
    assert issued in text and expires in text
    assert award.code in text
    assert app.config["CENTRE_NAME"] in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_qr_code_is_the_verification_link(app, award, language):
    codes = _qr_codes(certificate.render_pdf(award, language))
    assert codes == [certificate.verify_url(award)]
    assert codes[0].endswith(f"/verify/{award.code}")
