"""Forms of the catalogue pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from booking.core.forms import options
from booking.core.labels import FORMATS


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CourseForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)]
    )
    summary = StringField(_l("Summary (one sentence)"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    format = SelectField(_l("Format"), validators=[DataRequired()])
    category = SelectField(_l("Category"), validators=[DataRequired(_l("Choose a category."))])
    target_groups = MultiCheckboxField(_l("Target groups"), validators=[Optional()])
    speaker = StringField(_l("Guest speaker or trainer"), validators=[Optional(), Length(max=200)])
    price = DecimalField(
        _l("Price per participant (euro)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, message=_l("A price cannot be negative."))],
    )
    requires_approval = BooleanField(_l("Needs the team leader's approval"))
    certified = BooleanField(_l("Leads to a certificate"))
    published = BooleanField(_l("Shown in the catalogue"), default=True)

    def __init__(self, *args, categories=(), target_groups=(), locale="nl", **kwargs):
        super().__init__(*args, **kwargs)
        self.format.choices = options(FORMATS.items())
        self.category.choices = options(
            [("", _l("Choose…")), *((c.slug, c.label(locale)) for c in categories)]
        )
        self.target_groups.choices = options((g.slug, g.label(locale)) for g in target_groups)
