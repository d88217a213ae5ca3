"""Forms of the organisers' enrolment pages. They check types and lengths only; the rules and
their messages live in the services (booking.enrolment.services, .organiser, .team)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError

from booking.core.forms import optional_id


class Needed:
    """Marks a field as required (label and aria-required) while leaving the check, and its
    message, to the service, so one answer names every problem at once."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        return None


class AddPersonForm(FlaskForm):
    """An organiser enrols someone on their behalf, found by e-mail address."""

    email = StringField(
        _l("E-mail address of the person"),
        validators=[DataRequired(_l("Enter an e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "off", "inputmode": "email"},
    )
    mode = SelectField(_l("Kind of place"), validators=[Optional()])
    override = BooleanField(_l("Allow a place that overlaps another place of this person"))
    override_reason = TextAreaField(
        _l("Reason for allowing the overlap"), validators=[Length(max=500)]
    )

    def validate_override_reason(self, field):
        if self.override.data and not (field.data or "").strip():
            raise FieldError(_l("Give the reason for allowing the overlap; it is recorded."))

    @property
    def reason(self) -> str | None:
        """The override reason, only when the organiser ticked the override."""
        if not self.override.data:
            return None
        return (self.override_reason.data or "").strip() or None


class CancelPlaceForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])


class ReserveForm(FlaskForm):
    """Seats of an open session kept for one organisation until a moment."""

    organisation = SelectField(
        _l("Organisation"), coerce=optional_id, validators=[Optional(), Needed()]
    )
    mode = SelectField(_l("Kind of place"), validators=[Optional(), Needed()])
    seats = IntegerField(_l("Number of seats"), validators=[Optional(), Needed()])
    until = DateTimeLocalField(
        _l("Reserved until"), format="%Y-%m-%dT%H:%M", validators=[Optional(), Needed()]
    )


class CancelSessionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (sent to everyone enrolled)"),
        validators=[DataRequired(_l("Give the reason for cancelling.")), Length(max=1000)],
    )
    confirm = BooleanField(
        _l("I understand that every place and waitlist position is cancelled"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class DeclineRequestForm(FlaskForm):
    """One per open in-company request on the list (prefixed with the request id)."""

    answer = TextAreaField(
        _l("Answer to the team leader"),
        validators=[DataRequired(_l("Give an answer to the team leader.")), Length(max=2000)],
    )
