"""The organisers' pages for speakers and trainers (`/beheer/sprekers`); the rules are
`speakers`', as for the API."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.catalogue import queries, speakers
from booking.catalogue.forms import SpeakerForm
from booking.catalogue.models import Speaker
from booking.catalogue.views import bp
from booking.core.auth import organiser_required
from booking.core.db import atomic
from booking.core.errors import DomainError
from booking.core.forms import show_errors
from booking.extensions import db


@bp.get("/beheer/sprekers")
@organiser_required
def speakers_page():
    return render_template(
        "catalogue/speakers.html",
        rows=queries.speakers(),
        courses=queries.courses_per_speaker(),
    )


def _data(form: SpeakerForm) -> speakers.SpeakerData:
    return speakers.SpeakerData(
        name=form.name.data or "",
        role=form.role.data or "",
        organisation=form.organisation.data or "",
        bio=form.bio.data or "",
        photo_url=form.photo_url.data or None,
    )


def _save(speaker_id: int | None):
    speaker = db.session.get(Speaker, speaker_id) if speaker_id is not None else None
    if speaker_id is not None and speaker is None:
        abort(404)
    form = SpeakerForm(obj=speaker)
    problems: list = []
    if form.validate_on_submit():

        def work() -> str:
            if speaker_id is None:
                return speakers.create_speaker(_data(form), current_user).name
            found = db.session.get(Speaker, speaker_id)
            return speakers.update_speaker(found, _data(form), current_user).name

        try:
            name = atomic(work)
        except DomainError as error:
            problems = show_errors(form, error)
        else:
            flash(_("'%(name)s' has been saved.", name=name), "success")
            return redirect(url_for("catalogue.speakers_page"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "catalogue/speaker_form.html", form=form, speaker=speaker, problems=problems
    ), status


@bp.route("/beheer/sprekers/nieuw", methods=["GET", "POST"])
@organiser_required
def new_speaker():
    return _save(None)


@bp.route("/beheer/sprekers/<int:speaker_id>", methods=["GET", "POST"])
@organiser_required
def edit_speaker(speaker_id: int):
    return _save(speaker_id)


@bp.post("/beheer/sprekers/<int:speaker_id>/verwijderen")
@organiser_required
def delete_speaker(speaker_id: int):
    if db.session.get(Speaker, speaker_id) is None:
        abort(404)

    def work() -> str:
        speaker = db.session.get(Speaker, speaker_id)
        name = speaker.name
        speakers.delete_speaker(speaker, current_user)
        return name

    try:
        name = atomic(work)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(_("'%(name)s' has been deleted.", name=name), "success")
    return redirect(url_for("catalogue.speakers_page"), code=303)
