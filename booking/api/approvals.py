"""Approvals: team leaders (and organisers, for people without a team leader) see the requests
waiting for them and approve or reject them."""

from __future__ import annotations

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import PageQuery, ReasonIn
from booking.api.shapes.enrolments import (
    EnrolmentChange,
    EnrolmentList,
    booker_emails,
    change_answer,
    enrolment_out,
    hidden_from_strangers,
)
from booking.core.db import atomic
from booking.enrolment import queries, services

APPROVALS = "approvals"


@api(
    bp,
    "/approvals",
    "GET",
    summary="Requests waiting for the caller's decision",
    tag=APPROVALS,
    auth="token",
    query=PageQuery,
    response=EnrolmentList,
)
def get_approvals(user, query: PageQuery):
    """Pending requests of the caller's team (team leaders), or of people whose team has no
    team leader (organisers); the soonest to expire first. Other roles get an empty list."""
    pending = queries.pending_approvals(user)
    page = pending[query.offset : query.offset + query.per_page]
    emails = booker_emails(page, known=[user])
    return reply(
        EnrolmentList(
            items=[enrolment_out(e, None, emails) for e in page],
            page=query.page,
            per_page=query.per_page,
            has_more=query.offset + query.per_page < len(pending),
            total=len(pending),
        )
    )


def _decide(user, enrolment_id: int, approve: bool, reason: str | None):
    def work() -> EnrolmentChange:
        with hidden_from_strangers(user, enrolment_id):
            outcome = services.decide(enrolment_id, actor=user, approve=approve, reason=reason)
        return change_answer(outcome, user)

    return reply(atomic(work))


DECISION_NOTE = (
    " The body may be left out. Only the participant's team leader or an organiser decides "
    "(403); a request no longer pending is a 409 `not_pending`. A request decided after it "
    "expired lets the place go: the answer shows status `expired`."
)


@api(
    bp,
    "/enrolments/<int:enrolment_id>/approve",
    "POST",
    summary="Approve a request",
    tag=APPROVALS,
    auth="token",
    body=ReasonIn,
    optional_body=True,
    response=EnrolmentChange,
    description="The held place becomes `confirmed`." + DECISION_NOTE,
)
def approve_enrolment(user, enrolment_id: int, body: ReasonIn):
    return _decide(user, enrolment_id, True, body.reason)


@api(
    bp,
    "/enrolments/<int:enrolment_id>/reject",
    "POST",
    summary="Reject a request",
    tag=APPROVALS,
    auth="token",
    body=ReasonIn,
    optional_body=True,
    response=EnrolmentChange,
    description="Status `declined`, with the reason told to the participant; the held place "
    "goes to the next in line (`promoted`)." + DECISION_NOTE,
)
def reject_enrolment(user, enrolment_id: int, body: ReasonIn):
    return _decide(user, enrolment_id, False, body.reason)
