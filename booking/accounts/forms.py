"""Forms of the accounts pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from booking.core.forms import options


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
