"""Single sign-on pages: choosing one's organisation, the way out to its identity provider
and back (`/inloggen/sso/...`), and the administrators' configuration page. The rules are
`booking.accounts.sso_login`'s and `booking.accounts.sso_providers`'."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user

from booking.accounts import sso_login, sso_providers
from booking.accounts.forms import IdentityProviderForm
from booking.accounts.models import Organisation, Role
from booking.core.auth import roles_required
from booking.core.db import atomic
from booking.core.errors import DomainError, NotFound, ValidationError
from booking.core.urls import checked_next, safe_next
from booking.core.web import arg_id
from booking.extensions import db, limiter

bp = Blueprint("sso", __name__)
PENDING = "sso_pending"  # the session key of a started log-in (state, nonce, PKCE verifier)


def _login_choices() -> list[tuple[int, str]]:
    return sso_login.login_choices()


bp.add_app_template_global(_login_choices, "sso_login_choices")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(error: DomainError):
    current_app.logger.info("SSO: log-in refused (%s)", error.code)
    status = error.status if error.status in (400, 403, 404, 502) else 400
    # str(): Flask-Babel's lazy strings declare themselves safe HTML (`__html__`), so a lazy
    # message holding what the provider sent (an e-mail claim) would not be escaped.
    page = render_template("accounts/sso/failed.html", message=str(error.message), code=error.code)
    return page, status


@bp.get("/inloggen/sso")
def choose():
    """The organisation chosen on the log-in page (or here), then off to its provider."""
    target = checked_next(request.args.get("next"))
    organisation_id = arg_id("org")
    choices = atomic(sso_login.login_choices)
    if organisation_id is not None and organisation_id in {i for i, _name in choices}:
        return redirect(url_for("sso.start", org_id=organisation_id, next=target))
    # 422 for an organisation that is not among the choices; with none at all the page says
    # that no organisation offers single sign-on, which answers any choice.
    status = 422 if "org" in request.args and choices else 200
    return render_template(
        "accounts/sso/choose.html", choices=choices, target=target, invalid=status == 422
    ), status


@bp.get("/inloggen/sso/<int:org_id>")
@limiter.limit(_login_limit)
def start(org_id: int):
    target = checked_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(url_for("portal.dashboard"))
    try:
        provider = atomic(sso_providers.enabled_provider, org_id)
        url, pending = sso_login.start(provider, url_for("sso.callback", _external=True))
    except DomainError as error:
        return _failed(error)
    pending["next"] = safe_next(target, "")
    session[PENDING] = pending
    return redirect(url)


@bp.get("/inloggen/sso/callback")
@limiter.limit(_login_limit)
def callback():
    pending = session.pop(PENDING, None)  # single use, whatever happens next
    try:
        organisation_id, claims = sso_login.finish(pending, request.args.to_dict(flat=True))
        user = atomic(sso_login.log_in, organisation_id, claims)
    except DomainError as error:
        return _failed(error)
    current_app.logger.info(
        "SSO: signed in user %s (%s)", user.id, sso_login.describe_claims(claims)
    )
    # Before login_user, so the receivers of user_logged_in see how the person came in.
    session["auth_method"] = "sso"
    login_user(user)
    return redirect(safe_next(pending.get("next"), url_for("portal.dashboard")))


# -- administrators -------------------------------------------------------------------------


@bp.route("/beheer/organisaties/<int:org_id>/sso", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def configure(org_id: int):
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        raise NotFound(_("No such organisation."))
    provider = sso_providers.provider_of(org_id)
    form = IdentityProviderForm(obj=provider)
    form.client_secret.data = None  # never sent back to the browser
    problems: list[str] = []
    if request.method == "POST":
        form = IdentityProviderForm()
        if form.validate():
            values = sso_providers.ProviderInput(
                issuer=form.issuer.data,
                client_id=form.client_id.data,
                client_secret=form.client_secret.data or None,
                emails_verified=form.emails_verified.data,
                require_sso=form.require_sso.data,
                enabled=form.enabled.data,
            )
            try:
                sso_providers.configure(org_id, values, actor=current_user._get_current_object())
            except ValidationError as error:
                for name, message in error.fields.items():
                    target = getattr(form, name, None)
                    if target is not None:
                        target.errors = [*target.errors, str(message)]
                    else:
                        problems.append(str(message))
                if not error.fields:
                    problems.append(str(error.message))
            else:
                flash(_("The single sign-on settings have been saved."), "success")
                return redirect(url_for("sso.configure", org_id=org_id))
        form.client_secret.data = None
    status = 422 if request.method == "POST" else 200
    return render_template(
        "accounts/sso/configure.html",
        organisation=organisation,
        provider=provider,
        form=form,
        problems=problems,
        redirect_uri=url_for("sso.callback", _external=True),
        scopes=sso_login.SCOPES,
    ), status
