"""Forms of the accounts pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length

from booking.accounts.labels import ROLES
from booking.accounts.models import EducationLevel
from booking.core.forms import optional_id, options
from booking.core.web import bounded_id


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address."))],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )


class LanguageForm(FlaskForm):
    language = RadioField(
        _l("Language of pages and messages"),
        choices=options([("nl", "Nederlands"), ("en", "English")]),
        validators=[DataRequired()],
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("new", _l("The two new passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    revoke_tokens = BooleanField(_l("Also revoke my API tokens"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        validators=[DataRequired(_l("Give the token a name.")), Length(max=100)],
    )
    days = SelectField(
        _l("Valid for"),
        choices=options([("30", _l("30 days")), ("90", _l("90 days")), ("365", _l("365 days"))]),
        default="90",
        validators=[DataRequired()],
    )
    password = PasswordField(
        _l("Your current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )


class LogOutEverywhereForm(FlaskForm):
    revoke_tokens = BooleanField(_l("Also revoke my API tokens"))


class CodeForm(FlaskForm):
    """The second step of logging in, and the confirmation of a newly set-up app."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(
        _l("Your current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )


# -- administrators' pages -------------------------------------------------------------------


class NameForm(FlaskForm):
    """The name of an organisation or a team (create or rename)."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=200)],
    )


def role_choices():
    return options(ROLES.items())


def level_choices():
    return options([("", _l("Unknown")), *((level.value, level.value) for level in EducationLevel)])


class PersonForm(FlaskForm):
    """A person's data; the e-mail address only when they are created."""

    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter an e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "off"},
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    organisation = SelectField(_l("Organisation"), coerce=optional_id, validate_choice=True)
    team = SelectField(_l("Team"), coerce=optional_id, validate_choice=True)
    education_level = SelectField(_l("Education level"))
    language = SelectField(
        _l("Language of pages and messages"),
        choices=options([("nl", "Nederlands"), ("en", "English")]),
    )

    def fill_choices(self, organisations, teams) -> None:
        self.role.choices = role_choices()
        self.organisation.choices = options(
            [(None, _l("No organisation")), *((o.id, o.name) for o in organisations)]
        )
        team_choices = options([(None, _l("No team"))])
        for team in teams:
            team_choices += options([(team.id, team.name)], optgroup=team.organisation.name)
        self.team.choices = team_choices
        self.education_level.choices = level_choices()


class PersonEditForm(PersonForm):
    email = None  # the address names the person; it is not changed here


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[DataRequired()])


class PeopleFilterForm(FlaskForm):
    """The filters of the people list (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail address"), validators=[Length(max=200)])
    organisation = SelectField(_l("Organisation"), coerce=optional_id, validate_choice=False)
    team = SelectField(_l("Team"), coerce=optional_id, validate_choice=False)
    role = SelectField(_l("Role"), validate_choice=False)
    active = SelectField(
        _l("Status"),
        choices=options(
            [("", _l("Active and inactive")), ("1", _l("Active")), ("0", _l("Inactive"))]
        ),
        validate_choice=False,
    )


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
    create_organisations = BooleanField(
        _l("Create organisations the file names that do not exist yet")
    )


class ConfirmImportForm(FlaskForm):
    """The import of a checked upload: nothing but the CSRF token (the file is kept)."""


def people_filter_form(organisations, teams, args) -> PeopleFilterForm:
    """The people list's filters from the query string; a bad value is no filter, not an
    error (the list then shows everyone it may)."""
    form = PeopleFilterForm(formdata=args)
    form.organisation.choices = options(
        [(None, _l("All organisations")), *((o.id, o.name) for o in organisations)]
    )
    form.team.choices = options([(None, _l("All teams"))]) + [
        choice
        for team in teams
        for choice in options([(team.id, team.name)], optgroup=team.organisation.name)
    ]
    form.role.choices = options([("", _l("All roles"))]) + role_choices()
    for field in (form.organisation, form.team):
        if field.process_errors or not isinstance(field.data, int):
            field.data = None
    form.q.data = (form.q.data or "").strip()[:200]
    if form.active.data not in ("", "0", "1"):
        form.active.data = ""
    return form


def page_number(args) -> int:
    """The `page` of a list's query string: 1 unless a whole number within bounds."""
    return min(bounded_id(args.get("page")) or 1, 100_000)


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class NewPasswordForm(FlaskForm):
    """Choosing a password through an invitation or reset link."""

    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("new", _l("The two new passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class IdentityProviderForm(FlaskForm):
    """An organisation's OpenID Connect provider; the secret field is never filled in."""

    issuer = StringField(
        _l("Issuer"),
        validators=[DataRequired(_l("Enter the issuer address of the identity provider."))],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    client_id = StringField(
        _l("Client id"),
        validators=[DataRequired(_l("Enter the client id.")), Length(max=255)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    client_secret = PasswordField(_l("Client secret"), render_kw={"autocomplete": "new-password"})
    emails_verified = BooleanField(_l("This provider's e-mail addresses are verified"))
    require_sso = BooleanField(_l("Staff must sign in through this provider"))
    enabled = BooleanField(_l("Single sign-on is enabled"), default=True)
