"""The names of course formats, in the reader's language (a template global, `format_label`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from booking.core.labels import label

FORMATS = {
    "workshop": _l("Workshop"),
    "training": _l("Training"),
    "webinar": _l("Webinar"),
    "festival_session": _l("Festival session"),
}

TEMPLATE_GLOBALS = {"format_label": lambda code: label(FORMATS, code)}
