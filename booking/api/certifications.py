"""Certifications: organisers define them and revoke awards, trainers enter assessment
results, holders (and whoever `services.may_see_awards_of` allows) list awards and fetch the
certificate, and anyone checks a verification code. The rules are
`booking.certifications.services`' and `verification`'s; this module only translates shapes."""

from __future__ import annotations

from typing import Literal

from flask import Response
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from pydantic import Field, RootModel, StrictBool, model_validator
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.accounts.services import user_by_email
from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Id, Input, Int32, LocalTime, Output, Reason, Text
from booking.attendance import services as attendance
from booking.certifications import certificate, queries, services, verification
from booking.certifications.models import (
    Assessment,
    Award,
    AwardStatus,
    Certification,
    CompletionRule,
)
from booking.core.db import atomic, utcnow
from booking.core.errors import NotFound, PermissionDenied, ValidationError
from booking.core.timez import iso_local
from booking.extensions import db

CERTIFICATIONS = "certifications"

# The services name the stored columns; the API's fields are named for clients.
_FIELD_NAMES = {"name_nl": "name", "description_nl": "description"}


# -- definitions ---------------------------------------------------------------------------


class CertificationIn(Input):
    name: Text = Field(max_length=200, description="The (Dutch) name, unique.")
    name_en: Text | None = Field(None, max_length=200, description="Default: `name`.")
    description: Text | None = Field(None, max_length=20_000)
    course_ids: list[Id] = Field(max_length=1000, description="The courses that complete it.")
    min_attendance_percent: Int32 | None = Field(
        None, description="Share of the meetings attended (1-100); null: all meetings."
    )
    assessment: Assessment = Assessment.NONE
    pass_mark: Int32 | None = Field(None, description="With the `score` assessment (0-1000).")
    validity_months: Int32 | None = Field(None, description="1-240; null: never expires.")


class CreatedOut(Output):
    id: int


class CertificationOut(Output):
    id: int
    name: str
    name_en: str
    course_ids: list[int]
    rule: CompletionRule
    min_attendance_percent: int | None
    assessment: Assessment
    pass_mark: int | None
    validity_months: int | None
    retired: bool


class CertificationsOut(RootModel[list[CertificationOut]]):
    pass


def _renamed(error: ValidationError) -> ValidationError:
    """The services' field names (`name_nl`) as this API calls them (`name`)."""
    error.fields = {_FIELD_NAMES.get(k, k): v for k, v in error.fields.items()}
    return error


def organiser_guard(user, **_path) -> None:
    """Certifications are defined and withdrawn by organisers (their own error code)."""
    services.require_organiser(user)


@api(
    bp,
    "/certifications",
    "POST",
    summary="Define a certification",
    tag=CERTIFICATIONS,
    auth="token",
    guard=organiser_guard,
    body=CertificationIn,
    response=CreatedOut,
    status=201,
    errors={
        403: "`not_organiser`: organisers only.",
        422: "`validation_failed` with `fields` (a name in use, unknown courses, a "
        "percentage, pass mark or validity out of range), or an invalid body.",
    },
)
def create_certification(user, body: CertificationIn):
    """Earned by completing a session of one of its courses: all meetings attended, or at
    least `min_attendance_percent` of them, and the assessment passed when it has one."""
    values = services.CertificationInput(
        name_nl=body.name,
        name_en=body.name_en or "",
        description_nl=body.description or "",
        course_ids=list(body.course_ids),
        rule=(
            CompletionRule.ALL_MEETINGS
            if body.min_attendance_percent is None
            else CompletionRule.MIN_PERCENT
        ),
        min_attendance_percent=body.min_attendance_percent,
        assessment=body.assessment,
        pass_mark=body.pass_mark,
        validity_months=body.validity_months,
    )

    def work():
        return services.define(values, actor=user).id

    try:
        new_id = atomic(work)
    except ValidationError as error:
        raise _renamed(error)
    return reply(CreatedOut(id=new_id), 201)


@api(
    bp,
    "/certifications",
    "GET",
    summary="The certifications",
    tag=CERTIFICATIONS,
    auth="token",
    response=CertificationsOut,
)
def list_certifications(user):
    """Every definition, retired ones included (`retired`: no longer awarded)."""
    rows = db.session.scalars(
        select(Certification)
        .options(selectinload(Certification.courses))
        .order_by(Certification.name_nl)
    )
    return reply(
        CertificationsOut(
            [
                CertificationOut(
                    id=c.id,
                    name=c.name_nl,
                    name_en=c.name_en,
                    course_ids=sorted(course.id for course in c.courses),
                    rule=c.rule,
                    min_attendance_percent=c.min_attendance_percent,
                    assessment=c.assessment,
                    pass_mark=c.pass_mark,
                    validity_months=c.validity_months,
                    retired=c.retired,
                )
                for c in rows
            ]
        )
    )


# -- awards --------------------------------------------------------------------------------


class AwardOut(Output):
    id: int
    certification: str = Field(description="Its name, in the caller's language.")
    code: str = Field(description="The verification code, as on the certificate.")
    issued_at: LocalTime
    expires_at: LocalTime | None = Field(description="None: never expires.")
    status: AwardStatus


class AwardsOut(RootModel[list[AwardOut]]):
    pass


class PersonAwardOut(AwardOut):
    certification_id: int


class PersonAwardsOut(RootModel[list[PersonAwardOut]]):
    pass


def _awards(person_id: int, language: str | None) -> list[dict]:
    now = utcnow()
    return [
        {
            "id": award.id,
            "certification_id": award.certification_id,
            "certification": award.certification.name(language),
            "code": award.code,
            "issued_at": iso_local(award.issued_at),
            "expires_at": iso_local(award.expires_at),
            "status": award.status(now),
        }
        for award in queries.awards_of([person_id])
    ]


@api(
    bp,
    "/me/certifications",
    "GET",
    summary="My certifications",
    tag=CERTIFICATIONS,
    auth="token",
    response=AwardsOut,
)
def my_certifications(user):
    """Every award of the token's owner, newest first; withdrawn and revoked ones too."""
    return reply(AwardsOut([AwardOut(**a) for a in _awards(user.id, user.language)]))


@api(
    bp,
    "/people/<email>/certifications",
    "GET",
    summary="A person's certifications",
    tag=CERTIFICATIONS,
    auth="token",
    response=PersonAwardsOut,
    errors={
        403: "`forbidden`: the person, organisers, HR of their organisation and their "
        "team's leaders only.",
        404: "`person_not_found`.",
    },
)
def person_certifications(user, email: str):
    """The awards of the person with this e-mail address (any case), newest first."""
    person = user_by_email(email)
    if person is None:
        raise NotFound(_l("No one has this e-mail address."), code="person_not_found")
    if not services.may_see_awards_of(user, person):
        raise PermissionDenied(_l("You may not see this person's certifications."))
    answer = [PersonAwardOut(**a) for a in _awards(person.id, user.language)]
    return reply(PersonAwardsOut(answer))


class RevokeIn(Input):
    reason: Reason = Field(description="Shown to the holder; required.")


class RevokedOut(Output):
    id: int
    status: Literal["revoked"]
    revoked_at: LocalTime


@api(
    bp,
    "/awards/<int:award_id>/revoke",
    "POST",
    summary="Revoke an award",
    tag=CERTIFICATIONS,
    auth="token",
    guard=organiser_guard,
    body=RevokeIn,
    response=RevokedOut,
    errors={
        403: "`not_organiser`: organisers only.",
        404: "`award_not_found`.",
        409: "`award_not_valid`: withdrawn or revoked already.",
        422: "`reason_required`, or an invalid body.",
    },
)
def revoke_award(user, award_id: int, body: RevokeIn):
    """The verification then says revoked; the holder is told, with the reason."""

    def work():
        award = services.revoke(award_id, body.reason, actor=user)
        return RevokedOut(id=award.id, status="revoked", revoked_at=iso_local(award.ended_at))

    return reply(atomic(work))


@api(
    bp,
    "/awards/<int:award_id>/certificate.pdf",
    "GET",
    summary="An award's certificate (PDF)",
    tag=CERTIFICATIONS,
    auth="token",
    media_type="application/pdf",
    errors={
        403: "`forbidden`: the holder, organisers, HR of their organisation and their "
        "team's leaders only.",
        404: "`award_not_found`.",
    },
)
def award_certificate(user, award_id: int):
    """One A4 page in the holder's language, with the verification code and its QR code."""
    award = db.session.get(Award, award_id)
    if award is None:
        raise NotFound(_l("No such award."), code="award_not_found")
    if not services.may_see_certificate(user, award):
        raise PermissionDenied(_l("You may not see this certificate."))
    response = Response(certificate.render_pdf(award), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.filename(award)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- verification --------------------------------------------------------------------------


class ErrorOut(Output):
    error: dict


class VerificationOut(Output):
    status: Literal["valid", "expired", "revoked", "erased"] = Field(
        description="`revoked` also for an award withdrawn after a correction; `erased`: "
        "withdrawn on erasure (the holder had their data erased)."
    )
    name: str = Field(
        description="The holder's name: nothing else about them (empty when `erased`)."
    )
    certification: str
    issued_at: LocalTime
    expires_at: LocalTime | None


@api(
    bp,
    "/verify/<code>",
    "GET",
    summary="Verify a certificate's code",
    tag=CERTIFICATIONS,
    response=VerificationOut,
    errors={404: "`unknown_code` (or a malformed one)."},
)
def verify_code(user, code: str):
    """No token needed: anyone shown a certificate checks it. Spaces, dashes and case do
    not matter. An unknown code is answered after the same work, and no sooner, than a
    known one (`verification.answer_floor`)."""
    with verification.answer_floor():
        found = verification.verify(code)
        if found is None:
            # Rendered here, not by the error handler after the floor, so that it costs
            # the same as the answer to a known code.
            unknown = NotFound(_l("This code is unknown."), code="unknown_code")
            return reply(ErrorOut(error=unknown.to_dict()), unknown.status)
        return reply(
            VerificationOut(
                status=found.status,
                name=found.name,
                certification=found.certification.name(str(get_locale() or "nl")),
                issued_at=iso_local(found.issued_at),
                expires_at=iso_local(found.expires_at),
            )
        )


# -- assessment results --------------------------------------------------------------------


class ResultIn(Input):
    enrolment_id: Id
    passed: StrictBool | None = Field(None, description="Pass/fail assessments; null clears.")
    score: Int32 | None = Field(None, description="Scored assessments (0-1000); null clears.")

    @model_validator(mode="after")
    def _one_of(self):
        given = {"passed", "score"} & self.model_fields_set
        if len(given) != 1:
            raise ValueError("Give either passed or score.")
        return self

    @property
    def value(self) -> bool | int | None:
        return self.passed if "passed" in self.model_fields_set else self.score


class ResultsIn(Input):
    certification_id: Id
    results: list[ResultIn] = Field(max_length=10_000)


class RecordedOut(Output):
    recorded: int = Field(description="How many results changed.")


def attendance_guard(user, session_id: int) -> None:
    """Results are the session's trainers' and the organisers', as its attendance is."""
    attendance.attendance_session(session_id, user)


@api(
    bp,
    "/sessions/<int:session_id>/results",
    "POST",
    summary="Record assessment results",
    tag=CERTIFICATIONS,
    auth="token",
    guard=attendance_guard,
    body=ResultsIn,
    response=RecordedOut,
    errors={
        403: "`not_a_trainer`: organisers and the session's trainers only.",
        404: "`session_not_found`, `certification_not_found` (not earned in this session).",
        409: "`session_closed`: results can no longer be changed.",
        422: "`no_assessment`, `not_a_participant` (not a confirmed place of this session), "
        "`invalid_result` (a score for a pass/fail assessment, or out of range), or an "
        "invalid body.",
    },
)
def record_results(user, session_id: int, body: ResultsIn):
    """Per confirmed place `passed` (true/false) or a `score`, as the certification's
    assessment asks; awards follow at once. Corrections are possible until closing."""
    results = {r.enrolment_id: r.value for r in body.results}
    recorded = atomic(
        services.record_results, session_id, body.certification_id, results, actor=user
    )
    return reply(RecordedOut(recorded=recorded))
