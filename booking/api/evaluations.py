"""Evaluations: the person of a place answers once after the session (POST), organisers
read a session's results (GET), shown only from EVALUATION_MIN_ANSWERS answers. The rules
are `booking.evaluations.services`'; this module only translates shapes."""

from __future__ import annotations

from pydantic import Field

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Input, Output, Text
from booking.core.db import atomic, utcnow
from booking.core.errors import NotFound
from booking.evaluations import queries, services
from booking.evaluations.models import COMMENT_MAX
from booking.extensions import db
from booking.scheduling.models import Session

EVALUATIONS = "evaluations"


class EvaluationIn(Input):
    content: int = Field(description="1 (poor) to 5 (excellent).")
    trainer: int = Field(description="1 to 5.")
    organisation: int = Field(description="1 to 5.")
    comment: Text | None = Field(None, max_length=COMMENT_MAX)


class EvaluationOut(Output):
    id: int
    enrolment_id: int
    submitted_at: str


class ResultsOut(Output):
    session_id: int
    count: int
    shown: bool = Field(description="False below the minimum number of answers.")
    minimum: int
    averages: dict[str, float] | None = Field(description="Per question; null when not shown.")
    comments: list[str] | None = Field(description="Without names; null when not shown.")


def _own(user, enrolment_id: int, **_path) -> None:
    services.own_enrolment(user, enrolment_id)


@api(
    bp,
    "/enrolments/<int:enrolment_id>/evaluation",
    "POST",
    summary="Evaluate a session",
    tag=EVALUATIONS,
    auth="token",
    guard=_own,
    body=EvaluationIn,
    response=EvaluationOut,
    status=201,
    errors={
        404: "`not_found`: no such place of yours.",
        409: "`already_answered`, or `not_open`: the session has not ended, was not attended "
        "or ended more than EVALUATION_DAYS ago.",
        422: "`validation_failed` with `fields` (a rating outside 1-5), or an invalid body.",
    },
)
def evaluate(user, enrolment_id: int, body: EvaluationIn):
    """The person of a confirmed place answers once, after the session's last meeting."""
    answer = services.Answer(body.content, body.trainer, body.organisation, body.comment)
    evaluation = atomic(services.submit, user, enrolment_id, answer, now=utcnow())
    return reply(
        EvaluationOut(
            id=evaluation.id,
            enrolment_id=evaluation.enrolment_id,
            submitted_at=evaluation.submitted_at.isoformat(),
        ),
        201,
    )


@api(
    bp,
    "/sessions/<int:session_id>/evaluation-results",
    "GET",
    summary="A session's evaluation results",
    tag=EVALUATIONS,
    organiser=True,
    response=ResultsOut,
    errors={404: "`not_found`: no such session."},
)
def evaluation_results(user, session_id: int):
    """Averages and comments only from EVALUATION_MIN_ANSWERS answers (`shown`)."""
    if db.session.get(Session, session_id) is None:
        raise NotFound("No such session.")
    found = queries.per_session([session_id])
    result = found[0] if found else queries.Result(session_id, "", 0)
    queries.comments_of_sessions([result])
    return reply(
        ResultsOut(
            session_id=session_id,
            count=result.count,
            shown=result.shown,
            minimum=services.min_answers(),
            averages=result.averages if result.shown else None,
            comments=result.comments if result.shown else None,
        )
    )
