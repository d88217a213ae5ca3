"""The organisers' event form. Only types are checked here; the rules (and their messages)
are `booking.events.services`', so the page and the API refuse the same things."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from booking.core.forms import options
from booking.scheduling.labels import EVENT_KINDS

MAX_CAPACITY = 1_000_000


class EventForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the event a title.")), Length(max=200)]
    )
    kind = RadioField(
        _l("Kind of event"),
        choices=options(EVENT_KINDS.items()),
        default="festival",
        validators=[DataRequired(_l("Choose festival or symposium."))],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    # The bound of the stored integer, as in the API's shape; "at least 1" is the service's.
    capacity = IntegerField(
        _l("Overall capacity"),
        validators=[Optional(), NumberRange(max=MAX_CAPACITY, message=_l("At most 1,000,000."))],
    )
    registration_deadline = DateTimeLocalField(
        _l("Registration deadline"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )


class RegisterPersonForm(FlaskForm):
    """An organiser registers someone; the choices are the programme's radio groups, read
    by `booking.events.views.chosen_sessions`."""

    email = EmailField(
        _l("E-mail address of the participant"),
        validators=[
            DataRequired(_l("Give the participant's e-mail address.")),
            Email(_l("Give a valid e-mail address.")),
            Length(max=254),
        ],
    )
