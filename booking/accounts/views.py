"""Log-in and log-out, language, the account page and the role overviews."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from booking.accounts import queries, second_factor, services, sso_login
from booking.accounts.forms import (
    LanguageForm,
    LoginForm,
    LogOutEverywhereForm,
    PasswordChangeForm,
    TokenForm,
)
from booking.accounts.labels import TEMPLATE_GLOBALS
from booking.accounts.models import Role
from booking.accounts.second_factor_views import password_accepted
from booking.core.auth import roles_required
from booking.core.db import atomic, utcnow
from booking.core.errors import BadRequest, PermissionDenied, ValidationError
from booking.core.urls import checked_next, safe_next
from booking.core.web import LANGUAGE_COOKIE, arg_id
from booking.extensions import limiter

bp = Blueprint("accounts", __name__)
for _name, _helper in TEMPLATE_GLOBALS.items():  # names of this feature's codes, in every page
    bp.add_app_template_global(_helper, _name)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _credential_limit() -> str:
    return current_app.config["CREDENTIAL_RATE_LIMIT"]


def _typed_account() -> str:
    """The account a log-in attempt is for, as stored: guessing one person's password from
    many addresses is counted as one. Hashed, so the limiter's storage holds no addresses."""
    typed = services.email_key(request.form.get("email"))[:254]
    return "account:" + hashlib.sha256(typed.encode()).hexdigest()[:32]


def _signed_in_account() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])  # per client address (PROXY_COUNT)
@limiter.limit(_login_account_limit, methods=["POST"], key_func=_typed_account)
def login():
    target = checked_next(request.args.get("next"))  # before anyone is logged in
    if current_user.is_authenticated:
        return redirect(url_for("portal.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:  # sso_login.password_login: services.authenticate, refused where SSO is required
            user = atomic(sso_login.password_login, form.email.data, form.password.data)
        except PermissionDenied as error:
            user = None
            form.password.errors.append(str(error.message))
        else:
            if user is None:
                form.password.errors.append(_("This e-mail address and password do not match."))
        if user is not None:
            return password_accepted(user, target)  # the code next, if the person has an app
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.post("/uitloggen")
@login_required
def logout():
    user = current_user._get_current_object()
    atomic(services.end_all_sessions, user)
    logout_user()
    session.pop("auth_method", None)
    flash(_("You are logged out."), "success")
    return redirect(url_for("portal.index"))


@bp.post("/taal")
def set_language():
    """Switch the language; remembered on the person's account and in a cookie."""
    language = request.form.get("language")
    target = checked_next(request.form.get("next"))
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        atomic(services.set_language, current_user._get_current_object(), language)
    response = make_response(redirect(safe_next(target, url_for("portal.index"))))
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


ACCOUNT_ACTIONS = ("language", "password", "token", "revoke")  # the forms of /account


@bp.route("/account", methods=["GET", "POST"])
@limiter.limit(_credential_limit, methods=["POST"])  # password checks, new API tokens
@limiter.limit(_credential_limit, methods=["POST"], key_func=_signed_in_account)
@login_required
def account():
    user = current_user._get_current_object()
    language_form = LanguageForm(prefix="lang", language=user.language)
    password_form = PasswordChangeForm(prefix="pw")
    token_form = TokenForm(prefix="token")
    new_token = None
    status = 200
    action = request.form.get("action")
    if request.method == "POST":
        if action not in ACCOUNT_ACTIONS:  # no form of the page sends another: say so
            raise BadRequest(_l("We do not know this form. Open the page again."))
        if action == "language" and language_form.validate_on_submit():
            atomic(services.set_language, user, language_form.language.data)
            flash(_("Your language has been saved."), "success")
            return redirect(url_for("accounts.account"))
        if action == "password" and password_form.validate_on_submit():
            if atomic(services.authenticate, user.email, password_form.current.data) is None:
                password_form.current.errors.append(_("This is not your current password."))
            else:
                revoke = bool(password_form.revoke_tokens.data)
                try:
                    atomic(
                        services.set_password, user, password_form.new.data, revoke_tokens=revoke
                    )
                except ValidationError as error:
                    password_form.new.errors.append(str(error.message))
                else:
                    login_user(user)  # the new session version; other devices are logged out
                    if revoke:
                        message = _(
                            "Your password has been changed. Other devices are logged out "
                            "and your API tokens are revoked."
                        )
                    else:
                        message = _("Your password has been changed. Other devices are logged out.")
                    flash(message, "success")
                    return redirect(url_for("accounts.account"))
        if action == "token" and token_form.validate_on_submit():
            try:
                _token, new_token = atomic(
                    services.issue_api_token,
                    user,
                    token_form.password.data,
                    token_form.name.data,
                    int(token_form.days.data),
                )
            except ValidationError as error:
                for name, message in (error.fields or {"password": error.message}).items():
                    getattr(token_form, name, token_form.password).errors.append(str(message))
            else:
                token_form = TokenForm(prefix="token", formdata=None)
        if action == "revoke":
            try:
                atomic(services.revoke_api_token, user, arg_id("token_id") or 0)
            except ValidationError as error:
                flash(str(error.message), "error")  # shown on this page, answered 422
            else:
                flash(_("The token has been revoked."), "success")
                return redirect(url_for("accounts.account"))
        if new_token is None:
            status = 422
    return render_template(
        "accounts/account.html",
        language_form=language_form,
        password_form=password_form,
        token_form=token_form,
        everywhere_form=LogOutEverywhereForm(prefix="everywhere", formdata=None),
        new_token=new_token,
        tokens=queries.tokens_of(user.id),
        second_factor_on=second_factor.is_enabled(user),
        now=utcnow(),
    ), status


@bp.get("/organisatie")
@roles_required(Role.HR, Role.ADMIN)
def organisation():
    """HR sees their own organisation only (invariant 7, organisations walled off);
    administrators choose one."""
    user = current_user._get_current_object()
    choices = []
    if user.role == Role.ADMIN:
        choices = queries.organisations()
        organisation_id = arg_id("org")
        if organisation_id is None:  # none asked for: the first one
            organisation_id = choices[0].id if choices else None
    else:
        organisation_id = user.organisation_id
    if organisation_id is None:
        abort(404)
    overview = queries.organisation_overview(organisation_id)
    if overview["organisation"] is None:
        abort(404)
    return render_template("accounts/organisation.html", choices=choices, **overview)
