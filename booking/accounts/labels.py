"""The names of roles, in the reader's language (a template global, `role_label`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from booking.core.labels import label

ROLES = {
    "participant": _l("Participant"),
    "team_leader": _l("Team leader"),
    "organiser": _l("Organiser"),
    "hr": _l("HR contact"),
    "admin": _l("Administrator"),
    "advisor": _l("Career advisor"),
}

TEMPLATE_GLOBALS = {"role_label": lambda code: label(ROLES, code)}
