"""The JSON API (v1): thin endpoints over the feature services, with an OpenAPI document.

Modules: `registry` (route + auth + parsing decorator), `auth` (bearer tokens), `errors`,
`schemas` (shared field types, envelopes), one module per resource with its shapes
(`courses`, `sessions`, `venues`, `enrolments`, `approvals`, `team_bookings`,
`reservations`, `rosters`, `attendance`, `checkin`, `events`, `advising`, `taxonomy` for
the catalogue's lists, `speakers`, `certifications`, `evaluations`, `organisations` and their
teams, `people`, `invitations`, `privacy`, `identity_providers` for single sign-on, `webhooks`),
`openapi` (the document).
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from booking.api import (  # noqa: E402, F401
    advising,
    approvals,
    attendance,
    certifications,
    checkin,
    courses,
    enrolments,
    errors,
    evaluations,
    events,
    identity_providers,
    invitations,
    openapi,
    organisations,
    people,
    privacy,
    reservations,
    rosters,
    sessions,
    speakers,
    taxonomy,
    team_bookings,
    venues,
    webhooks,
)

errors.register(bp)
