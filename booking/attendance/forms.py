"""The attendance pages' forms. Only types are checked here; the rules (and their messages)
are `booking.attendance.services`', so the pages and the API refuse the same things."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired, Email, Length


class TrainerForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the trainer"),
        validators=[
            DataRequired(_l("Give the trainer's e-mail address.")),
            Email(_l("Give a valid e-mail address.")),
            Length(max=254),
        ],
    )


class CloseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that attendance can no longer be corrected afterwards"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
