"""The second step of logging in, setting up two-step verification, logging out everywhere,
and the checks every page request passes: the session's time limits and the second factor.

`session["auth_method"]` says how the person signed in: "password" (the log-in form alone),
"password+totp" (with a code from the app or a recovery code) or "sso" (single sign-on, whose
callback sets it before `login_user`). Any other way of logging in (a link) counts as one
factor: a person with an app is asked for its code before they get further.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user, user_logged_in
from markupsafe import Markup

from booking.accounts import second_factor, services, session_limits
from booking.accounts.forms import CodeForm, LogOutEverywhereForm, PasswordConfirmForm
from booking.core.db import atomic, utcnow
from booking.core.errors import BadRequest, DomainError
from booking.core.urls import safe_next
from booking.extensions import limiter

bp = Blueprint("second_factor", __name__)

AUTH_METHOD = "auth_method"
PENDING = "second_factor_pending"
STRONG_METHODS = ("sso", "password+totp")
# Pages a person whose role requires the app may open before setting it up.
BEFORE_SETUP = {
    "second_factor.setup",
    "second_factor.code",
    "second_factor.log_out_everywhere",
    "accounts.logout",
    "accounts.set_language",
}


def connect(app: Flask) -> None:
    """Every way of logging in (password, a link, single sign-on) starts the session's clocks."""
    user_logged_in.connect(_stamp_log_in, app)


def _stamp_log_in(sender, user, **extra) -> None:
    session_limits.stamp_log_in(session, user, utcnow())


def _end_session() -> None:
    logout_user()
    session_limits.forget(session)
    session.pop(AUTH_METHOD, None)


def _here() -> str | None:
    """Where to come back to after logging in again: this page, when it was a plain visit."""
    if request.method != "GET":
        return None
    return request.full_path.rstrip("?")


def _dashboard() -> str:
    return url_for("portal.dashboard")


def password_accepted(user, target: str | None):
    """The log-in form's next step once the password is right: the code when the person has
    an app, else logged in (the page check then sends a role that requires it to set up)."""
    if second_factor.is_enabled(user):
        session.pop(AUTH_METHOD, None)
        session[PENDING] = second_factor.start(user, target).as_dict()
        return redirect(url_for("second_factor.code"))
    session.pop(PENDING, None)
    session[AUTH_METHOD] = "password"
    login_user(user)
    return redirect(safe_next(target, _dashboard()))


@bp.before_app_request
def check_session():
    """The idle and absolute limits, then the second factor, on every page request (the API
    answers bearer tokens only and never reads the session cookie)."""
    if request.endpoint in (None, "static") or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    now = utcnow()
    reason = session_limits.ended(session, user, now)
    if reason:
        _end_session()
        flash(str(reason), "info")
        return redirect(url_for("accounts.login", next=_here()))
    method = session.get(AUTH_METHOD)
    if method in STRONG_METHODS:
        return None
    required = second_factor.is_required(user)
    if method == "password" and not required:
        return None  # the log-in form already asked for a code if the person has an app
    if second_factor.is_enabled(user):
        # Logged in without the code (by a link): the code still follows.
        pending = second_factor.start(user, _here(), now)
        _end_session()
        session[PENDING] = pending.as_dict()
        return redirect(url_for("second_factor.code"))
    if not required or request.endpoint in BEFORE_SETUP:
        return None
    flash(_("Your role requires two-step verification. Set it up to continue."), "info")
    return redirect(url_for("second_factor.setup"))


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/inloggen/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def code():
    """The second step: the person is not logged in until the code is right."""
    if current_user.is_authenticated:
        return redirect(_dashboard())
    pending = second_factor.Pending.from_dict(session.get(PENDING))
    if pending is None:
        flash(_("Log in with your e-mail address and password first."), "info")
        return redirect(url_for("accounts.login"))
    user, problem = second_factor.pending_user(pending)
    if user is None:
        session.pop(PENDING, None)
        flash(str(problem), "error")
        return redirect(url_for("accounts.login", next=pending.next))
    form = CodeForm()
    if form.validate_on_submit():
        outcome = atomic(second_factor.verify, user, form.code.data)
        if outcome is not None:
            session.pop(PENDING, None)
            session[AUTH_METHOD] = "password+totp"
            login_user(user)
            if outcome == "recovery":
                left = second_factor.recovery_codes_left(user)
                flash(
                    ngettext(
                        "You used a recovery code; %(num)d is left. Make new ones on the "
                        "two-step verification page.",
                        "You used a recovery code; %(num)d are left. Make new ones on the "
                        "two-step verification page when you run low.",
                        left,
                    ),
                    "info",
                )
            return redirect(safe_next(pending.next, _dashboard()))
        user, problem = second_factor.pending_user(pending)
        if user is None:
            session.pop(PENDING, None)
            flash(str(problem), "error")
            return redirect(url_for("accounts.login", next=pending.next))
        form.code.errors.append(
            _("This code is not right. Enter the 6 digits your app shows now, or a recovery code.")
        )
    return render_template("accounts/login_code.html", form=form), 422 if form.errors else 200


def _no_store(response):
    """A page with a secret on it is kept by no cache and no back button."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/tweestapsverificatie", methods=["GET", "POST"])
@login_required
def setup():
    """Set up the app (secret, QR code, a first code), or, once it is on, new recovery codes
    and turning it off."""
    user = current_user._get_current_object()
    action = request.form.get("action") if request.method == "POST" else None
    code_form = CodeForm(prefix="totp")
    recovery_form = PasswordConfirmForm(prefix="codes")
    disable_form = PasswordConfirmForm(prefix="off")
    recovery_codes = None
    status = 200
    if request.method == "POST" and action not in ("confirm", "recovery", "disable"):
        raise BadRequest(_l("We do not know this form. Open the page again."))
    try:
        if action == "confirm" and code_form.validate_on_submit():
            recovery_codes = atomic(second_factor.confirm_setup, user, code_form.code.data)
            if session.get(AUTH_METHOD) != "sso":
                session[AUTH_METHOD] = "password+totp"  # the person just proved the code
        elif action == "recovery" and recovery_form.validate_on_submit():
            recovery_codes = atomic(
                second_factor.new_recovery_codes, user, recovery_form.password.data
            )
        elif action == "disable" and disable_form.validate_on_submit():
            atomic(second_factor.disable, user, disable_form.password.data)
            flash(_("Two-step verification is off."), "success")
            return redirect(url_for("accounts.account"))
        elif action is not None:
            status = 422
    except DomainError as error:  # shown at the field that was filled in
        form = {"confirm": code_form, "recovery": recovery_form}.get(action, disable_form)
        field = form.code if action == "confirm" else form.password
        field.errors = [*field.errors, str(error.message)]
        status = 422
    enabled = second_factor.is_enabled(user)
    context = {
        "code_form": code_form,
        "recovery_form": recovery_form,
        "disable_form": disable_form,
        "recovery_codes": recovery_codes,
        "enabled": enabled,
        "required": second_factor.is_required(user),
        "codes_left": second_factor.recovery_codes_left(user) if enabled else 0,
    }
    if not enabled:
        credential = atomic(second_factor.begin_setup, user)
        secret = second_factor.secret_of(credential)
        uri = second_factor.provisioning_uri(user, secret)
        context |= {
            "secret": second_factor.grouped(secret),
            "qr": Markup(second_factor.qr_svg(uri)),  # noqa: S704 - segno's SVG of our URI
        }
    response = current_app.make_response(
        (render_template("accounts/second_factor.html", **context), status)
    )
    return _no_store(response)


@bp.post("/account/overal-uitloggen")
@login_required
def log_out_everywhere():
    """Every device's session ends (the session version rises), and the API tokens with it
    when the person ticks the box."""
    user = current_user._get_current_object()
    form = LogOutEverywhereForm(prefix="everywhere")
    revoke = bool(form.revoke_tokens.data)
    revoked = atomic(services.end_all_sessions, user, revoke_tokens=revoke)
    _end_session()
    if revoke:
        flash(
            ngettext(
                "You are logged out on every device, and %(num)d API token was revoked.",
                "You are logged out on every device, and %(num)d API tokens were revoked.",
                revoked,
            ),
            "success",
        )
    else:
        flash(_("You are logged out on every device."), "success")
    return redirect(url_for("accounts.login"))
