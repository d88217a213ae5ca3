"""Invitations: organisers and administrators send a person (again) the invitation to choose a
password. The rule and the mail are `booking.accounts.onboarding.send_invitation`'s, the one
place that sends them; this module only translates shapes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from booking.accounts import onboarding
from booking.accounts.services import user_by_email
from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Input, LocalTime, Output
from booking.core.db import atomic
from booking.core.errors import NotFound
from booking.core.timez import iso_local


class InvitationIn(Input):
    """Nothing to say: the invitation is the person's, in their language."""


class InvitationOut(Output):
    email: str
    expires_at: LocalTime


@api(
    bp,
    "/people/<email>/invitation",
    "POST",
    summary="Send a person an invitation to choose a password",
    tag="people",
    organiser=True,
    body=InvitationIn,
    optional_body=True,
    response=InvitationOut,
    status=202,
    errors={
        404: "`person_not_found`.",
        422: "`inactive`: the account is inactive.",
    },
)
def send_invitation(user, email: str, body: InvitationIn):
    """A new single-use link, valid INVITATION_DAYS, mailed through the outbox (so 202: the
    mail is queued); the person's previous unused invitation stops working. Audited."""

    def work() -> InvitationOut:
        person = user_by_email(email)
        if person is None:
            raise NotFound(_l("No one has this e-mail address."), code="person_not_found")
        token = onboarding.send_invitation(person, sender=user)
        return InvitationOut(email=person.email, expires_at=iso_local(token.expires_at))

    return reply(atomic(work), 202)
