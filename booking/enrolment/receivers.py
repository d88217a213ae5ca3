"""Enrolment's answers to what scheduling tells it (booking/scheduling/signals.py).

Connected once by create_app (`connect()`); blinker keeps the receivers as module-level
functions, so connecting twice changes nothing.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from booking.enrolment import organiser, team
from booking.enrolment.models import InCompanyRequest, InCompanyStatus
from booking.extensions import db
from booking.scheduling import signals
from booking.scheduling.signals import Plan


def _session_changed(session, *, times: bool, place: bool, capacity: bool) -> None:
    organiser.session_changed(session, times=times, place=place, capacity=capacity)


def _plan_in_company(request_id: int) -> Plan | None:
    """An in-company request planned as a closed session for the requesting team."""
    found = db.session.get(InCompanyRequest, request_id)
    if found is None:
        return None
    problem = None
    if found.status != InCompanyStatus.OPEN:
        problem = str(_l("This request has already been handled."))
    notice = _l(
        "Planning the request of %(team)s: %(topic)s; %(n)d people; dates: %(dates)s.",
        team=found.team.name,
        topic=found.topic,
        n=found.group_size,
        dates=found.preferred_dates or "–",
    )
    return Plan(found.id, found.course_id, found.team_id, str(notice), problem)


def _session_planned(request_id: int, *, session, actor) -> None:
    team.settle_in_company(request_id, actor=actor, session_id=session.id)


def _recording_added(session, *, url: str) -> None:
    organiser.mail_recording(session, url)


def connect() -> None:
    signals.recording_added.connect(_recording_added)
    signals.session_changed.connect(_session_changed)
    signals.plan_lookup.connect(_plan_in_company)
    signals.session_planned.connect(_session_planned)
