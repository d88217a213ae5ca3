"""Forms of the catalogue pages."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from booking.catalogue.labels import FORMATS
from booking.core.forms import options


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


# Euros with at most two decimals after a comma (as a Dutch organiser writes them) or a point.
# No thousands separators: "1.250" would be ambiguous. Everything else Decimal would take
# (Infinity, NaN, sNaN, 1e3) is refused, so the price is a finite number of cents.
AMOUNT = re.compile(r"-?\d{1,9}(?:[.,]\d{1,2})?")


class PriceField(DecimalField):
    """A price in euros, read as written in either language and shown in the page's one."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        self.data = None
        if not text:
            return
        if not AMOUNT.fullmatch(text):
            raise ValueError(_l("Enter an amount in euros, such as 895.00."))
        self.data = Decimal(text.replace(",", "."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text = f"{self.data:.2f}"
        return text.replace(".", ",") if str(get_locale()) == "nl" else text


class CourseForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)]
    )
    summary = StringField(_l("Summary (one sentence)"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    format = SelectField(_l("Format"), validators=[DataRequired()])
    category = SelectField(_l("Category"), validators=[DataRequired(_l("Choose a category."))])
    target_groups = MultiCheckboxField(_l("Target groups"), validators=[Optional()])
    funding_programmes = MultiCheckboxField(_l("Funding programmes"), validators=[Optional()])
    speakers = MultiCheckboxField(_l("Speakers and trainers"), coerce=int, validators=[Optional()])
    speaker = StringField(
        _l("Other speaker or trainer (free text)"), validators=[Optional(), Length(max=200)]
    )
    price = PriceField(
        _l("Price per participant (euro)"),
        validators=[Optional(), NumberRange(min=0, message=_l("A price cannot be negative."))],
    )
    requires_approval = BooleanField(_l("Needs the team leader's approval"))
    certified = BooleanField(_l("Leads to a certificate"))
    published = BooleanField(_l("Shown in the catalogue"), default=True)
    in_company_only = BooleanField(
        _l("Only in company, on request (no open sessions; team leaders ask for it)")
    )

    def __init__(
        self,
        *args,
        categories=(),
        target_groups=(),
        funding_programmes=(),
        speakers=(),
        locale="nl",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.format.choices = options(FORMATS.items())
        self.category.choices = options(
            [("", _l("Choose…")), *((c.slug, c.label(locale)) for c in categories)]
        )
        self.target_groups.choices = options((g.slug, g.label(locale)) for g in target_groups)
        self.funding_programmes.choices = options(
            (p.slug, p.label(locale)) for p in funding_programmes
        )
        self.speakers.choices = options((s.id, s.described) for s in speakers)


class ListedForm(FlaskForm):
    """A category or target group: a name in both languages."""

    name = StringField(
        _l("Name (Dutch)"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=120)])


class ProgrammeForm(ListedForm):
    """A funding programme: who pays, how many people it means to reach, and when."""

    description = TextAreaField(
        _l("Description (Dutch)"), validators=[Optional(), Length(max=5000)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[Optional(), Length(max=5000)]
    )
    target_participants = IntegerField(
        _l("Target number of people"),
        validators=[Optional(), NumberRange(min=1, max=1_000_000)],
        render_kw={"inputmode": "numeric"},
    )
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])


class SpeakerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    role = StringField(_l("Role or profession"), validators=[Optional(), Length(max=120)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=120)])
    bio = TextAreaField(_l("Short biography"), validators=[Optional(), Length(max=2000)])
    photo_url = StringField(_l("Photo (web address)"), validators=[Optional(), Length(max=500)])
