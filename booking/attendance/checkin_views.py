"""The check-in page: an organiser or a session's trainer scans participants' QR codes with
the phone's camera (static/js/checkin.js) or types a code. The plain form works without
JavaScript; the script posts to the JSON endpoint. Both call `checkin.check_in`."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from booking.attendance import checkin, services
from booking.core.db import atomic, utcnow
from booking.core.errors import DomainError
from booking.core.web import bounded_id, json_object
from booking.scheduling.models import Meeting, Session

bp = Blueprint("attendance_checkin", __name__)
bp.add_app_template_global(
    lambda enrolment, now=None: (
        checkin.checkin_qr(enrolment) if checkin.shows_code(enrolment, now) else ""
    ),
    "checkin_qr",
)


def _session(session_id: int) -> Session:
    """Organisers and the session's trainers; others are refused before seeing anything
    (a session they may not see as a missing one)."""
    return services.attendance_session(session_id, current_user._get_current_object())


def _meeting(session: Session, raw) -> Meeting | None:
    meetings = sorted(session.meetings, key=lambda m: m.starts_at)
    wanted = bounded_id(raw) if raw else None
    if wanted is not None:
        return next((m for m in meetings if m.id == wanted), None)
    now = utcnow()
    started = [m for m in meetings if m.starts_at <= now]
    return started[-1] if started else (meetings[0] if meetings else None)


def _check_in(session: Session, meeting: Meeting | None, code: str) -> dict:
    """The outcome as the page and the script show it."""
    if meeting is None:
        return {"ok": False, "code": "meeting_not_in_session", "message": _("Choose a meeting.")}
    try:
        enrolment = atomic(checkin.check_in, code, meeting.id, actor=current_user)
    except DomainError as error:
        return {"ok": False, "code": error.code, "message": str(error.message)}
    return {
        "ok": True,
        "enrolment_id": enrolment.id,
        "name": enrolment.user.name,
        "message": _("%(name)s is present.", name=enrolment.user.name),
    }


def _page(session: Session, meeting: Meeting | None, result: dict | None, status: int = 200):
    return (
        render_template(
            "attendance/checkin.html",
            session=session,
            meetings=sorted(session.meetings, key=lambda m: m.starts_at),
            meeting=meeting,
            result=result,
            json_url=url_for("attendance_checkin.check_in_json", session_id=session.id),
        ),
        status,
    )


@bp.get("/beheer/sessies/<int:session_id>/inchecken")
@login_required
def page(session_id: int):
    session = _session(session_id)
    return _page(session, _meeting(session, request.args.get("meeting")), None)


@bp.post("/beheer/sessies/<int:session_id>/inchecken")
@login_required
def check_in_form(session_id: int):
    session = _session(session_id)
    meeting = _meeting(session, request.form.get("meeting"))
    result = _check_in(session, meeting, request.form.get("code", ""))
    return _page(session, meeting, result, 200 if result["ok"] else 422)


@bp.post("/beheer/sessies/<int:session_id>/inchecken/json")
@login_required
def check_in_json(session_id: int):
    session = _session(session_id)
    body = json_object()
    meeting = _meeting(session, str(body.get("meeting_id") or ""))
    code = body.get("code") if isinstance(body.get("code"), str) else ""
    result = _check_in(session, meeting, code)
    return jsonify(result), 200 if result["ok"] else 422
