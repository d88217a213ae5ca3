"""The organisers' certification forms. Only types are checked here; the rules (and their
messages) are `booking.certifications.services`', so the pages and the API refuse the same
things. A required field's message is the service's own, so it reads the same either way."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from booking.catalogue.forms import MultiCheckboxField
from booking.certifications.labels import ASSESSMENTS, RULES
from booking.certifications.models import Assessment, CompletionRule
from booking.core.forms import form_id, options


class CertificationForm(FlaskForm):
    name_nl = StringField(
        _l("Name (Dutch)"),
        validators=[DataRequired(_l("Give the certification a name.")), Length(max=200)],
    )
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    description_nl = TextAreaField(
        _l("Description (Dutch)"), validators=[Optional(), Length(max=20_000)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[Optional(), Length(max=20_000)]
    )
    # The choices are the catalogue's courses, set by the page (certified ones first).
    course_ids = MultiCheckboxField(_l("Courses"), coerce=form_id, validators=[Optional()])
    rule = RadioField(
        _l("Completed when"),
        choices=options(RULES.items()),
        default=CompletionRule.ALL_MEETINGS,
        validators=[DataRequired(_l("Choose a rule."))],
    )
    min_attendance_percent = IntegerField(
        _l("Minimum share of the meetings attended (%)"), validators=[Optional()]
    )
    assessment = RadioField(
        _l("Assessment"),
        choices=options(ASSESSMENTS.items()),
        default=Assessment.NONE,
        validators=[DataRequired(_l("Choose an assessment."))],
    )
    pass_mark = IntegerField(_l("Pass mark"), validators=[Optional()])
    validity_months = IntegerField(_l("Valid for (months)"), validators=[Optional()])


class AwardByHandForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the person"),
        validators=[
            DataRequired(_l("Give the person's e-mail address.")),
            Email(_l("Give a valid e-mail address.")),
            Length(max=254),
        ],
    )
    completed_on = DateField(
        _l("Completed on"), validators=[DataRequired(_l("Give the date it was completed."))]
    )
    evidence_note = TextAreaField(
        _l("Evidence"),
        validators=[
            DataRequired(_l("Say what was followed where, and what you saw as evidence.")),
            Length(max=5_000),
        ],
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give the reason for revoking it.")), Length(max=5_000)],
    )


class RetireForm(FlaskForm):
    """The retire and restore buttons: only the CSRF token and which of the two."""

    retired = HiddenField(validators=[Optional()])
