"""Forms of the participants' and team leaders' enrolment pages.

The one-button actions (enrol, cancel, answer an offer) post plain fields that the views read
directly; CSRFProtect checks their token app-wide. Only forms with fields people fill in are
WTForms classes. Rules (is there a place, is this your team) stay in the services: the forms
check types and lengths, so a service's message can land on the field it names.
"""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from booking.catalogue.forms import MultiCheckboxField
from booking.catalogue.queries import all_courses
from booking.core.forms import form_id, optional_id, options
from booking.core.labels import label
from booking.scheduling.labels import SEAT_MODES, SESSION_MODES

REASON_MAX = 1000
WHEN = "EEEE d MMMM yyyy, HH:mm"


class TeamBookingForm(FlaskForm):
    session = SelectField(
        _l("Session"),
        coerce=optional_id,
        validators=[DataRequired(_l("Choose a session."))],
        validate_choice=False,  # the service says whether the team may book it
    )
    # Not limited to the listed choices: booking someone outside the team is refused by the
    # service (403), not silently dropped.
    members = MultiCheckboxField(
        _l("Team members"),
        coerce=form_id,
        validate_choice=False,
        validators=[DataRequired(_l("Choose at least one team member."))],
    )
    mode = RadioField(
        _l("How do they attend?"),
        choices=options(SEAT_MODES.items()),
        validators=[Optional()],
    )
    fill = RadioField(
        _l("When not everyone fits"),
        choices=options(
            [
                ("partial", _l("Book as many as fit; the others join the waitlist")),
                ("all", _l("Book nobody unless everyone gets a place now")),
            ]
        ),
        default="partial",
        validators=[DataRequired()],
    )


class InCompanyForm(FlaskForm):
    topic = StringField(
        _l("Topic"),
        validators=[DataRequired(_l("Say what the session should be about.")), Length(max=300)],
    )
    group_size = IntegerField(
        _l("Number of participants"),
        validators=[DataRequired(_l("Give the number of participants."))],
        render_kw={"inputmode": "numeric"},
    )
    preferred_dates = TextAreaField(
        _l("Preferred dates"), validators=[Optional(), Length(max=2000)]
    )
    course = SelectField(_l("Course"), coerce=optional_id, validators=[Optional()])


def _session_choice(session) -> str:
    """'Course – Monday 30 November 2026, 10:00 (Hybrid; 3 free in person, 0 free online)'."""
    free = ", ".join(
        _("%(num)d free %(mode)s", num=seats.free, mode=label(SEAT_MODES, seats.mode))
        for seats in session.seats
    )
    return (
        f"{session.course.title} – {format_datetime(session.starts_at, WHEN)} "
        f"({label(SESSION_MODES, session.mode)}; {free})"
    )


def booking_form_for(sessions, members, form: TeamBookingForm | None = None) -> TeamBookingForm:
    """The team booking form with its choices: bookable sessions, active team members."""
    form = form or TeamBookingForm(prefix="booking")
    form.session.choices = options(
        [("", _("Choose…")), *((s.id, _session_choice(s)) for s in sessions)]
    )
    form.members.choices = options((m.id, m.name) for m in members if m.active)
    return form


class CourseRequestForm(FlaskForm):
    """A team leader asks for a course that is given only in company, from its page."""

    group_size = IntegerField(
        _l("Number of participants"),
        validators=[DataRequired(_l("Give the number of participants."))],
        render_kw={"inputmode": "numeric"},
    )
    preferred_dates = TextAreaField(
        _l("Preferred period"), validators=[Optional(), Length(max=2000)]
    )
    note = TextAreaField(_l("Note for the organisers"), validators=[Optional(), Length(max=2000)])


def request_form_for(form: InCompanyForm | None = None) -> InCompanyForm:
    form = form or InCompanyForm(prefix="incompany")
    form.course.choices = options([("", _("No particular course"))]) + options(
        ((c.id, c.title) for c in all_courses() if c.published), lang="nl"
    )
    return form
