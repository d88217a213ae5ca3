"""The booking application: create_app wires configuration, extensions, features and CLI."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from config import CONFIGS, INSTANCE, ROOT, check_production

__all__ = ["create_app"]


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    config_name = config_name or os.environ.get("BOOKING_CONFIG", "development")
    if config_name not in CONFIGS:
        raise RuntimeError(f"unknown configuration {config_name!r}; use one of {sorted(CONFIGS)}")

    app = Flask(
        __name__,
        instance_path=str(INSTANCE),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from booking.core.web import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    app.config.from_object(CONFIGS[config_name])
    if overrides:
        app.config.update(overrides)
    if app.config.get("PRODUCTION"):
        check_production(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_features(app)

    from booking.notifications.cli import start_embedded_worker

    start_embedded_worker(app)  # `flask run` with MAIL_BACKEND=file only; see its docstring
    return app


def _init_extensions(app: Flask) -> None:
    from booking.core import web
    from booking.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    from booking.core.db import configure_engine

    configure_engine(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=web.select_locale,
        default_translation_directories=str(ROOT / "booking" / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    from booking.accounts.services import load_session_user

    login_manager.user_loader(load_session_user)

    web.trust_proxies(app)
    web.configure_logging(app)
    web.register_request_hooks(app)
    web.register_error_handlers(app)
    web.register_template_helpers(app)


def _register_features(app: Flask) -> None:
    from booking import models  # noqa: F401 - every model registered with the metadata
    from booking.accounts import second_factor_views
    from booking.accounts.admin_views import bp as accounts_admin_bp
    from booking.accounts.cli import register as register_accounts_cli
    from booking.accounts.onboarding_views import bp as onboarding_bp
    from booking.accounts.sso_views import bp as sso_bp
    from booking.accounts.views import bp as accounts_bp
    from booking.advising import receivers as advising_receivers
    from booking.advising.cli import register as register_advising_cli
    from booking.advising.views import bp as advising_bp
    from booking.api import bp as api_bp
    from booking.attendance import receivers as attendance_receivers
    from booking.attendance.checkin_views import bp as attendance_checkin_bp
    from booking.attendance.views import bp as attendance_bp
    from booking.calendar.views import bp as calendar_bp
    from booking.catalogue.views import bp as catalogue_bp
    from booking.certifications import receivers as certification_receivers
    from booking.certifications.manage_views import bp as certifications_manage_bp
    from booking.certifications.views import bp as certifications_bp
    from booking.demo import register as register_demo_cli
    from booking.enrolment import receivers as enrolment_receivers
    from booking.enrolment.cli import register as register_enrolment_cli
    from booking.enrolment.manage_views import bp as enrolment_manage_bp
    from booking.enrolment.views import bp as enrolment_bp
    from booking.evaluations.views import bp as evaluations_bp
    from booking.events.views import bp as events_bp
    from booking.extensions import csrf
    from booking.notifications.cli import register as register_notifications_cli
    from booking.notifications.views import bp as notifications_bp
    from booking.portal.people_views import bp as portal_people_bp
    from booking.portal.views import bp as portal_bp
    from booking.privacy.cli import register as register_privacy_cli
    from booking.privacy.views import bp as privacy_bp
    from booking.scheduling.views import bp as scheduling_bp
    from booking.webhooks import receivers as webhook_receivers

    app.register_blueprint(portal_bp)
    app.register_blueprint(portal_people_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(second_factor_views.bp)
    app.register_blueprint(accounts_admin_bp)
    app.register_blueprint(onboarding_bp)
    app.register_blueprint(scheduling_bp)
    app.register_blueprint(enrolment_bp)
    app.register_blueprint(enrolment_manage_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(advising_bp)
    app.register_blueprint(attendance_bp)
    app.register_blueprint(attendance_checkin_bp)
    app.register_blueprint(certifications_bp)
    app.register_blueprint(certifications_manage_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(evaluations_bp)
    csrf.exempt(api_bp)  # bearer tokens, no cookies: nothing for a forged form to ride on

    enrolment_receivers.connect()  # scheduling's signals: booking/scheduling/signals.py
    attendance_receivers.connect()  # the join link's: booking/enrolment/join_links.py
    certification_receivers.connect()  # attendance's: booking/attendance/signals.py
    second_factor_views.connect(app)  # Flask-Login's user_logged_in: the session's clocks
    advising_receivers.connect()  # accounts': booking/accounts/signals.py
    webhook_receivers.connect()  # the ORM's after_flush: places, attendance, awards changed

    register_accounts_cli(app)
    register_advising_cli(app)
    register_demo_cli(app)
    register_enrolment_cli(app)
    register_notifications_cli(app)
    register_privacy_cli(app)

    _register_messages_and_duties(app)


def _register_messages_and_duties(app: Flask) -> None:
    """What each feature tells notifications, which imports no feature: its message kinds,
    the attachments of its messages, and its periodic duties (notifications.registry)."""
    from booking.accounts import duties as account_duties
    from booking.accounts import messages as account_messages
    from booking.accounts import onboarding
    from booking.advising import messages as advising_messages
    from booking.attendance import checkin as attendance_checkin
    from booking.calendar import advising as advising_invites
    from booking.calendar import ics
    from booking.certifications import duties as certification_duties
    from booking.certifications import messages as certification_messages
    from booking.enrolment import duties as enrolment_duties
    from booking.enrolment import messages as enrolment_messages
    from booking.evaluations import duties as evaluation_duties
    from booking.evaluations import messages as evaluation_messages
    from booking.events import messages as event_messages
    from booking.privacy import retention
    from booking.webhooks import delivery as webhook_delivery

    account_messages.register(app)
    enrolment_messages.register(app)
    enrolment_duties.register(app)
    ics.register(app)
    advising_messages.register(app)
    advising_invites.register(app)
    event_messages.register(app)
    attendance_checkin.register(app)
    certification_messages.register(app)
    certification_duties.register(app)
    account_duties.register(app)
    evaluation_messages.register(app)
    evaluation_duties.register(app)  # the invitation to evaluate, once per place
    onboarding.register(app)  # the purge of spent links to choose a password
    retention.register(app)  # anonymises old enrolments and attendance (booking.privacy)
    webhook_delivery.register(app)  # sends the webhooks' deliveries with retries
