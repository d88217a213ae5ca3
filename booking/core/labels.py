"""Human names for stored codes, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLES = {
    "participant": _l("Participant"),
    "team_leader": _l("Team leader"),
    "organiser": _l("Organiser"),
    "hr": _l("HR contact"),
    "admin": _l("Administrator"),
}
FORMATS = {
    "workshop": _l("Workshop"),
    "training": _l("Training"),
    "webinar": _l("Webinar"),
    "festival_session": _l("Festival session"),
}
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
EVENT_KINDS = {"festival": _l("Festival"), "symposium": _l("Symposium")}
STATUS = {"scheduled": _l("Scheduled"), "cancelled": _l("Cancelled")}


def label(table: dict, code: str | None) -> str:
    if code is None:
        return ""
    return str(table.get(code, code))


TEMPLATE_GLOBALS = {
    "role_label": lambda code: label(ROLES, code),
    "format_label": lambda code: label(FORMATS, code),
    "mode_label": lambda code: label(SESSION_MODES, code),
    "seat_label": lambda code: label(SEAT_MODES, code),
    "visibility_label": lambda code: label(VISIBILITY, code),
    "promotion_label": lambda code: label(PROMOTION, code),
    "event_kind_label": lambda code: label(EVENT_KINDS, code),
    "status_label": lambda code: label(STATUS, code),
}
