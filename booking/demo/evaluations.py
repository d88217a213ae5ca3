"""Demo evaluations (issue 12): seven participants of the ended Projectassistent edition
(`demo/attendance.py`) answered, more than EVALUATION_MIN_ANSWERS (5), so an organiser sees
results at /beheer/evaluaties; the demo participant has not, so their overview shows
"Give your opinion"."""

from __future__ import annotations

from sqlalchemy import select

from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.evaluations import services
from booking.evaluations.services import Answer
from booking.extensions import db
from booking.scheduling.models import Session

ANSWERS = [
    (5, 5, 4, "Heel praktisch, ik kon het de week erna al gebruiken."),
    (4, 5, 4, None),
    (4, 4, 3, "De zaal was wat krap voor de groepsopdrachten."),
    (5, 4, 5, None),
    (3, 4, 4, "Meer oefenen met echte planningen graag."),
    (4, 5, 4, None),
    (5, 5, 5, "Fijne trainer, duidelijke uitleg."),
]


def seed_evaluations(session: Session) -> None:
    places = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session.id, Enrolment.status == EnrolmentStatus.CONFIRMED)
        .order_by(Enrolment.id)
    ).all()
    answers = iter(ANSWERS)
    for place in places[1:]:  # the first is the demo participant: left to answer
        if not services.may_evaluate(place):
            continue
        ratings = next(answers, None)
        if ratings is None:
            return
        content, trainer, organisation, comment = ratings
        services.submit(place.user, place.id, Answer(content, trainer, organisation, comment))
