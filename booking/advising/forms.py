"""Forms of the career conversation pages: only shapes and types; the rules (and their
messages) are the services'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from booking.advising.models import MAX_MINUTES, MIN_MINUTES
from booking.core.forms import optional_id, options

MODES = options([("online", _l("Online")), ("in_person", _l("In person"))])
WEEKDAYS = options(
    [
        ("0", _l("Monday")),
        ("1", _l("Tuesday")),
        ("2", _l("Wednesday")),
        ("3", _l("Thursday")),
        ("4", _l("Friday")),
        ("5", _l("Saturday")),
        ("6", _l("Sunday")),
    ]
)


def _venue_field():
    return SelectField(_l("Location (in person)"), coerce=optional_id, validate_choice=True)


class SlotForm(FlaskForm):
    """One slot: a date, a start time and a length, in Amsterdam time."""

    date = DateField(_l("Date"), validators=[DataRequired(_l("Choose a date."))])
    start = TimeField(_l("Start time"), validators=[DataRequired(_l("Choose a start time."))])
    minutes = IntegerField(
        _l("Length in minutes"),
        default=45,
        validators=[DataRequired(_l("Give the length.")), NumberRange(MIN_MINUTES, MAX_MINUTES)],
    )
    mode = RadioField(_l("Where"), choices=MODES, default="online", validators=[DataRequired()])
    venue_id = _venue_field()


class SeriesForm(FlaskForm):
    """ "Every Tuesday 9:00-12:00, 45 minutes, for six weeks"."""

    weekday = SelectField(_l("Day of the week"), choices=WEEKDAYS, default="1")
    from_time = TimeField(_l("From"), validators=[DataRequired(_l("Choose a start time."))])
    to_time = TimeField(_l("Until"), validators=[DataRequired(_l("Choose an end time."))])
    minutes = IntegerField(
        _l("Length of each conversation in minutes"),
        default=45,
        validators=[DataRequired(_l("Give the length.")), NumberRange(MIN_MINUTES, MAX_MINUTES)],
    )
    weeks = IntegerField(
        _l("Number of weeks"),
        default=6,
        validators=[DataRequired(_l("Give the number of weeks.")), NumberRange(1, 52)],
    )
    first_day = DateField(_l("Starting from"), validators=[Optional()])
    mode = RadioField(_l("Where"), choices=MODES, default="online", validators=[DataRequired()])
    venue_id = _venue_field()


class ProfileForm(FlaskForm):
    meeting_url = StringField(
        _l("Meeting link for online conversations"), validators=[Optional(), Length(max=500)]
    )
    location = StringField(_l("Where you usually are"), validators=[Optional(), Length(max=200)])
    bio = TextAreaField(_l("About you"), validators=[Optional(), Length(max=5000)])


class AdvisorForm(ProfileForm):
    """An organiser fills in someone else's profile: the labels speak about the advisor."""

    email = StringField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter an e-mail address.")), Length(max=254)],
    )
    location = StringField(
        _l("Where the advisor usually is"), validators=[Optional(), Length(max=200)]
    )
    bio = TextAreaField(_l("About the advisor"), validators=[Optional(), Length(max=5000)])


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Private note"), validators=[Optional(), Length(max=20_000)])
