"""The certificate: one A4 page (landscape) in the holder's language, drawn with ReportLab.

It says who, which certification, since when and until when, which centre, and carries the
verification code, its link and a QR code of that link, so whoever is shown the paper can
check it at /verify/<code>. The text is in DejaVu Sans where the machine has it (names
with any European letter), else in ReportLab's bundled Vera.
"""

from __future__ import annotations

import io
import os
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from booking.certifications.models import Award
from booking.core.timez import local
from booking.core.urls import external_url

FONT_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
)
ACCENT = HexColor("#154273")  # Rijkshuisstijl's dark blue, as the pages
MUTED = HexColor("#535353")


def _fonts() -> tuple[str, str]:
    """(regular, bold) registered font names; registered once per process."""
    if "CertSans" in pdfmetrics.getRegisteredFontNames():
        return "CertSans", "CertSans-Bold"
    for regular, bold in FONT_CANDIDATES:
        if os.path.exists(regular) and os.path.exists(bold):
            break
    else:
        regular, bold = "Vera.ttf", "VeraBd.ttf"  # ReportLab's own fonts folder
    pdfmetrics.registerFont(TTFont("CertSans", regular))
    pdfmetrics.registerFont(TTFont("CertSans-Bold", bold))
    return "CertSans", "CertSans-Bold"


def verify_url(award: Award) -> str:
    return external_url("certifications.verify", code=award.code)


def _day(moment: datetime | None) -> str:
    return format_date(local(moment).date(), "long") if moment is not None else ""


def render_pdf(award: Award, language: str | None = None) -> bytes:
    """The certificate of this award, in `language` (the holder's when None)."""
    language = language or award.user.language or "nl"
    regular, bold = _fonts()
    centre = current_app.config["CENTRE_NAME"]
    buffer = io.BytesIO()
    with force_locale(language):
        link = verify_url(award)
        title = _("Certificate")
        pdf = canvas.Canvas(buffer, pagesize=landscape(A4), pageCompression=1)
        pdf.setTitle(f"{title} {award.certification.name(language)} - {award.user.name}")
        pdf.setAuthor(centre)
        pdf.setSubject(award.code)
        width, height = landscape(A4)
        pdf.setStrokeColor(ACCENT)
        pdf.setLineWidth(3)
        pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)

        pdf.setFillColor(ACCENT)
        pdf.setFont(bold, 13)
        pdf.drawString(25 * mm, height - 30 * mm, centre)
        pdf.setFont(bold, 34)
        pdf.drawCentredString(width / 2, height - 62 * mm, title)

        pdf.setFillColor(MUTED)
        pdf.setFont(regular, 14)
        pdf.drawCentredString(width / 2, height - 80 * mm, _("This is to certify that"))
        pdf.setFillColor(HexColor("#000000"))
        pdf.setFont(bold, 26)
        pdf.drawCentredString(width / 2, height - 96 * mm, award.user.name)
        pdf.setFillColor(MUTED)
        pdf.setFont(regular, 14)
        pdf.drawCentredString(width / 2, height - 110 * mm, _("has been awarded the certification"))
        pdf.setFillColor(ACCENT)
        pdf.setFont(bold, 22)
        pdf.drawCentredString(width / 2, height - 125 * mm, award.certification.name(language))

        pdf.setFillColor(HexColor("#000000"))
        pdf.setFont(regular, 12)
        lines = [_("Date of issue: %(date)s", date=_day(award.issued_at))]
        if award.expires_at is not None:
            lines.append(_("Valid until: %(date)s", date=_day(award.expires_at)))
        else:
            lines.append(_("Valid without an end date"))
        lines.append(_("Verification code: %(code)s", code=award.code))
        y = 58 * mm
        for line in lines:
            pdf.drawString(25 * mm, y, line)
            y -= 7 * mm
        pdf.setFillColor(MUTED)
        pdf.setFont(regular, 9)
        pdf.drawString(25 * mm, 22 * mm, _("Check this certificate at %(url)s", url=link))

        size = 42 * mm
        widget = QrCodeWidget(link, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, pdf, width - 25 * mm - size, 20 * mm)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()


def filename(award: Award) -> str:
    return f"certificate-{award.code}.pdf"
