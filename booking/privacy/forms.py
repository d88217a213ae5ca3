"""The administrators' privacy forms. Only types are checked here; the rules (and their
messages) are `booking.privacy.services`', so the pages and the API refuse the same things."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from booking.privacy.models import MAX_MONTHS, MIN_MONTHS

MONTHS_MESSAGE = _l(
    "Give a number of months from %(low)d to %(high)d.", low=MIN_MONTHS, high=MAX_MONTHS
)


class EraseForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the person"),
        validators=[
            DataRequired(_l("Enter a valid e-mail address.")),
            Email(_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    confirm = BooleanField(
        _l("I have checked that this person asked for it, and want to erase their data now"),
        validators=[Optional()],
    )


class RetentionForm(FlaskForm):
    months = IntegerField(
        _l("Months after the session"),
        validators=[
            DataRequired(MONTHS_MESSAGE),
            NumberRange(MIN_MONTHS, MAX_MONTHS, MONTHS_MESSAGE),
        ],
    )


class AuditFilterForm(FlaskForm):
    """A GET form: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    actor = StringField(_l("Done by (e-mail)"), validators=[Optional(), Length(max=254)])
    person = StringField(
        _l("About or by person (e-mail)"), validators=[Optional(), Length(max=254)]
    )
    action = SelectField(_l("Action"), choices=[], validators=[Optional()], validate_choice=False)
    target_type = SelectField(
        _l("Kind of record"), choices=[], validators=[Optional()], validate_choice=False
    )
    date_from = DateField(_l("From"), validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField(_l("Until"), validators=[Optional()], format="%Y-%m-%d")
