"""The JSON API (v1): thin endpoints over the feature services, with an OpenAPI document.

Modules: `registry` (route + auth + parsing decorator), `auth` (bearer tokens), `errors`,
`schemas` (shared field types, envelopes), one module per resource, `openapi` (the document).
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from booking.api import (  # noqa: E402, F401
    courses,
    enrolment_approvals,
    enrolment_invite,
    enrolment_organiser,
    enrolment_team,
    enrolments,
    errors,
    openapi,
    sessions,
    venues,
)

errors.register(bp)
