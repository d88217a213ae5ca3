"""Forms of the organisers' scheduling pages: venues with rooms, sessions with meetings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from booking.catalogue.forms import MultiCheckboxField
from booking.core.forms import optional_id, options
from booking.scheduling.labels import PROMOTION, SESSION_MODES, VISIBILITY


class RoomForm(Form):
    id = HiddenField()
    name = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    # Only the type is checked here; the rules (and their messages) live in the service.
    capacity = IntegerField(_l("Capacity"), validators=[Optional()])

    class Meta:
        csrf = False


class VenueForm(FlaskForm):
    kind = RadioField(
        _l("Kind of venue"),
        choices=options(
            [
                ("physical", _l("Physical: an address with rooms")),
                ("online", _l("Online: a meeting service")),
            ]
        ),
        default="physical",
        validators=[DataRequired()],
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    address = StringField(_l("Street and number"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=10)])
    city = StringField(_l("Town or city"), validators=[Optional(), Length(max=100)])
    directions = TextAreaField(_l("Directions and accessibility"), validators=[Optional()])
    provider = StringField(_l("Provider"), validators=[Optional(), Length(max=100)])
    join_url = StringField(_l("Join link"), validators=[Optional(), Length(max=500)])
    rooms = FieldList(FormField(RoomForm), min_entries=1)


class MeetingForm(Form):
    date = DateField(_l("Date"), validators=[Optional()])
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("Until"), validators=[Optional()])

    class Meta:
        csrf = False


class SessionForm(FlaskForm):
    course = SelectField(
        _l("Course"), coerce=optional_id, validators=[DataRequired(_l("Choose a course."))]
    )
    mode = RadioField(
        _l("Form"),
        choices=options(SESSION_MODES.items()),
        default="physical",
        validators=[DataRequired()],
    )
    in_person_capacity = IntegerField(_l("Places in person"), validators=[Optional()])
    online_capacity = IntegerField(_l("Places online"), validators=[Optional()])
    room = SelectField(_l("Venue and room"), coerce=optional_id, validators=[Optional()])
    online_venue = SelectField(_l("Online venue"), coerce=optional_id, validators=[Optional()])
    meetings = FieldList(FormField(MeetingForm), min_entries=1)
    enrolment_opens_at = DateTimeLocalField(
        _l("Enrolment opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    enrolment_closes_at = DateTimeLocalField(
        _l("Enrolment closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    cancellation_deadline = DateTimeLocalField(
        _l("Cancellation deadline"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    min_participants = IntegerField(
        _l("Minimum number of participants"), default=0, validators=[Optional()]
    )
    visibility = RadioField(
        _l("Who may enrol"),
        choices=options(VISIBILITY.items()),
        default="open",
        validators=[DataRequired()],
    )
    organisation = SelectField(
        _l("Organisation (closed session)"), coerce=optional_id, validators=[Optional()]
    )
    team = SelectField(_l("Team (in-company session)"), coerce=optional_id, validators=[Optional()])
    promotion = RadioField(
        _l("When a place frees up"),
        choices=options(PROMOTION.items()),
        default="auto",
        validators=[DataRequired()],
    )
    event = SelectField(_l("Part of event"), coerce=optional_id, validators=[Optional()])
    speakers = MultiCheckboxField(
        _l("Speakers of this session (none: the course's)"), coerce=int, validators=[Optional()]
    )
    notes = TextAreaField(_l("Notes for participants"), validators=[Optional()])
