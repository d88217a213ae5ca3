"""The messages the enrolment engine sends: their stored codes, labels and subjects.

The codes are stored in `outbox_messages.kind` and wait there until sent: never rename one.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from booking.notifications.registry import Kind

FAMILY = "enrolment"
TEMPLATES = "enrolment/messages"


class MessageKind(StrEnum):
    ENROLMENT_CONFIRMED = "enrolment_confirmed"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    OFFER = "offer"
    OFFER_EXPIRED = "offer_expired"
    OFFER_DECLINED = "offer_declined"
    APPROVAL_REQUESTED = "approval_requested"  # to the team leader
    APPROVAL_PENDING = "approval_pending"  # to the person, while the leader decides
    APPROVED = "approved"
    APPROVAL_DECLINED = "approval_declined"
    APPROVAL_EXPIRED = "approval_expired"
    CANCELLED = "cancelled"
    MODE_CHANGED = "mode_changed"
    SESSION_CHANGED = "session_changed"
    SESSION_CANCELLED = "session_cancelled"
    REMINDER = "reminder"
    TEAM_BOOKING_SUMMARY = "team_booking_summary"  # to the team leader
    IN_COMPANY_REQUESTED = "in_company_requested"  # to the organisers
    RECORDING = "recording"  # the recording of an ended session (issue 9)


K = MessageKind

# The only message that may carry the online join link (the /deelnemen link, never the
# meeting's own URL), and then only to the person whose own place is confirmed online, when it
# is sent within the hour before the start (issue 9; enrolment.common.join_state).
JOIN_LINK_KINDS = frozenset({K.REMINDER})

SUBJECTS = {
    K.ENROLMENT_CONFIRMED: _l("Your place is confirmed: %(course)s, %(date)s"),
    K.WAITLISTED: _l("On the waitlist: %(course)s, %(date)s"),
    K.PROMOTED: _l("You have a place: %(course)s, %(date)s"),
    K.OFFER: _l("A place is offered to you: %(course)s, %(date)s"),
    K.OFFER_EXPIRED: _l("Offer expired: %(course)s, %(date)s"),
    K.OFFER_DECLINED: _l("Offer declined: %(course)s, %(date)s"),
    K.APPROVAL_REQUESTED: _l("Approval requested for %(name)s: %(course)s, %(date)s"),
    K.APPROVAL_PENDING: _l("Waiting for approval: %(course)s, %(date)s"),
    K.APPROVED: _l("Approved, your place is confirmed: %(course)s, %(date)s"),
    K.APPROVAL_DECLINED: _l("Not approved: %(course)s, %(date)s"),
    K.APPROVAL_EXPIRED: _l("Approval not given in time: %(course)s, %(date)s"),
    K.CANCELLED: _l("Enrolment cancelled: %(course)s, %(date)s"),
    K.MODE_CHANGED: _l("Your place has changed: %(course)s, %(date)s"),
    K.SESSION_CHANGED: _l("Changed: %(course)s, %(date)s"),
    K.SESSION_CANCELLED: _l("Cancelled: %(course)s, %(date)s"),
    K.REMINDER: _l("Reminder: %(course)s, %(date)s"),
    K.TEAM_BOOKING_SUMMARY: _l("Team booking: %(course)s, %(date)s"),
    K.IN_COMPANY_REQUESTED: _l("In-company request from %(team)s (%(organisation)s)"),
    K.RECORDING: _l("Recording: %(course)s, %(date)s"),
}

# How the organisers' failed-messages page names each kind.
LABELS = {
    K.ENROLMENT_CONFIRMED: _l("Place confirmed"),
    K.WAITLISTED: _l("On the waitlist"),
    K.PROMOTED: _l("Promoted from the waitlist"),
    K.OFFER: _l("Place offered"),
    K.OFFER_EXPIRED: _l("Offer expired"),
    K.OFFER_DECLINED: _l("Offer declined"),
    K.APPROVAL_REQUESTED: _l("Approval requested (to the team leader)"),
    K.APPROVAL_PENDING: _l("Waiting for approval"),
    K.APPROVED: _l("Approved"),
    K.APPROVAL_DECLINED: _l("Approval declined"),
    K.APPROVAL_EXPIRED: _l("Approval expired"),
    K.CANCELLED: _l("Place cancelled"),
    K.MODE_CHANGED: _l("Attendance mode changed"),
    K.SESSION_CHANGED: _l("Session changed"),
    K.SESSION_CANCELLED: _l("Session cancelled"),
    K.REMINDER: _l("Reminder"),
    K.TEAM_BOOKING_SUMMARY: _l("Team booking summary"),
    K.IN_COMPANY_REQUESTED: _l("In-company request (to the organisers)"),
    K.RECORDING: _l("Recording of a session"),
}

KINDS = tuple(
    Kind(
        code=k.value,
        family=FAMILY,
        label=LABELS[k],
        subject=SUBJECTS[k],
        template=f"{TEMPLATES}/{k.value}",
    )
    for k in MessageKind
)
