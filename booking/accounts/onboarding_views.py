"""The pages of onboarding (booking.accounts.onboarding): "wachtwoord vergeten", and choosing
a password through an invitation (`/welkom/<secret>`) or reset link
(`/wachtwoord-herstellen/<secret>`)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from booking.accounts import onboarding, services
from booking.accounts.forms import ForgotPasswordForm, NewPasswordForm
from booking.accounts.models import TokenPurpose
from booking.core.db import atomic
from booking.core.errors import ValidationError
from booking.extensions import limiter

bp = Blueprint("onboarding", __name__)

STATUS_OF = {
    onboarding.LinkState.USED: 410,
    onboarding.LinkState.EXPIRED: 410,
    onboarding.LinkState.SUPERSEDED: 410,
    onboarding.LinkState.UNKNOWN: 404,
}


def _client_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["PASSWORD_RESET_ADDRESS_LIMIT"]


def _address_key() -> str:
    """Per address asked for, known or not (so the limit itself tells nothing)."""
    return "reset-address:" + services.email_key(request.form.get("email"))[:254]


def _link_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _private(response, status: int = 200):
    """A page whose address is a secret: never cached, never sent on as a referrer."""
    response = current_app.make_response((response, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(_client_limit, methods=["POST"])
@limiter.limit(_address_limit, key_func=_address_key, methods=["POST"], scope="reset-address")
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with onboarding.answer_floor():
            email = form.email.data
            try:
                services.normalise_email(email)
            except ValidationError as error:
                form.email.errors.append(str(error.message))
            else:
                atomic(onboarding.request_reset, email)
                return render_template(
                    "accounts/forgot_sent.html",
                    minutes=int(current_app.config["PASSWORD_RESET_MINUTES"]),
                )
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


def _choose(purpose: str, secret: str):
    check = onboarding.check_link(purpose, secret)
    if check.state != onboarding.LinkState.VALID:
        return _unusable(purpose, check.state)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            atomic(onboarding.use_link, purpose, secret, form.new.data)
        except onboarding.LinkUnusable as error:
            return _unusable(purpose, error.state)
        except ValidationError as error:
            problem = (error.fields or {}).get("password", error.message)
            form.new.errors.append(str(problem))
        else:
            logout_user()  # whoever used this browser before: the person logs in afresh
            if purpose == TokenPurpose.INVITATION:
                flash(
                    _("Your password has been set. Log in with it."),
                    "success",
                )
            else:
                flash(_("Your new password has been set. Log in with it."), "success")
            return redirect(url_for("accounts.login"))
    page = render_template(
        "accounts/choose_password.html",
        form=form,
        purpose=purpose,
        person=check.user,
        expires_at=check.token.expires_at,
    )
    return _private(page, 422 if form.errors else 200)


def _unusable(purpose: str, state: str):
    page = render_template("accounts/link_unusable.html", purpose=purpose, state=state)
    return _private(page, STATUS_OF[state])


@bp.route("/welkom/<secret>", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def welcome(secret: str):
    return _choose(TokenPurpose.INVITATION, secret)


@bp.route("/wachtwoord-herstellen/<secret>", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def reset(secret: str):
    return _choose(TokenPurpose.RESET, secret)
