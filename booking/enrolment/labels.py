"""The words for an enrolment's status and an in-company request's, one table each for every
page that names one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from booking.core.labels import label
from booking.enrolment.models import EnrolmentStatus as S
from booking.enrolment.models import InCompanyStatus

STATUS_LABELS = {
    S.PENDING_APPROVAL: _l("Waiting for approval"),
    S.CONFIRMED: _l("Confirmed"),
    S.WAITLISTED: _l("On the waitlist"),
    S.OFFERED: _l("Place offered"),
    S.CANCELLED: _l("Cancelled"),
    S.DECLINED: _l("Declined"),
    S.EXPIRED: _l("Expired"),
}


def status_label(code: str | None) -> str:
    """As a heading or table cell writes it: "Waiting for approval"."""
    return label(STATUS_LABELS, code)


def status_in_sentence(code: str | None) -> str:
    """The same words inside a sentence: "Jan was already enrolled (waiting for approval)"."""
    return status_label(code).lower()


REQUEST_LABELS = {
    InCompanyStatus.OPEN: _l("Waiting for the organisers"),
    InCompanyStatus.SCHEDULED: _l("Scheduled"),
    InCompanyStatus.DECLINED: _l("Declined"),
}


def request_label(code: str | None) -> str:
    """An in-company request's status, as the team leader's and the organisers' lists show it."""
    return label(REQUEST_LABELS, code)
