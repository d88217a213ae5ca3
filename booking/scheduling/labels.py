"""The names of scheduling's codes in the reader's language: session and seat modes,
visibility, promotion rules, event kinds and session status (template globals too)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from booking.core.labels import label

SESSION_MODES = {
    "physical": _l("In person"),
    "online": _l("Online"),
    "hybrid": _l("Hybrid (in person or online)"),
}
SEAT_MODES = {"in_person": _l("in person"), "online": _l("online")}
VISIBILITY = {
    "open": _l("Open to all member organisations"),
    "organisation": _l("Closed: one organisation"),
    "team": _l("Closed: in-company for one team"),
}
PROMOTION = {
    "auto": _l("Automatic: the next person on the waitlist gets the place"),
    "offer": _l("Offer: the next person is offered the place for a limited time"),
}
EVENT_KINDS = {
    "festival": _l("Festival"),
    "symposium": _l("Symposium"),
    "webinar_series": _l("Webinar series"),
}
STATUS = {"scheduled": _l("Scheduled"), "cancelled": _l("Cancelled")}

TEMPLATE_GLOBALS = {
    "mode_label": lambda code: label(SESSION_MODES, code),
    "seat_label": lambda code: label(SEAT_MODES, code),
    "visibility_label": lambda code: label(VISIBILITY, code),
    "promotion_label": lambda code: label(PROMOTION, code),
    "event_kind_label": lambda code: label(EVENT_KINDS, code),
    "status_label": lambda code: label(STATUS, code),
}
