"""The recording link of an ended session, on the organisers' session page (issue 9)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.errors import DomainError
from booking.scheduling.services import set_recording
from booking.scheduling.views import bp


@bp.post("/beheer/sessies/<int:session_id>/opname")
@organiser_required
def set_session_recording(session_id: int):
    """The same service as `PATCH /api/v1/sessions/{id} {"recording_url"}`: the same refusals."""
    url = request.form.get("recording_url", "")[:500]
    try:
        atomic(set_recording, session_id, url, actor=current_user._get_current_object())
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("The recording link has been saved."), "success")
    return redirect(url_for("scheduling.edit_session", session_id=session_id))
