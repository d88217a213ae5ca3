"""The pages the accessibility tests open: one entry per page and the roles that open it.

A page added to the app gets an entry here (or an exclusion with its reason in EXCLUDED);
`test_every_html_page_is_listed` fails for a GET route that has neither. Each entry names
its endpoint, the roles that see it, the URL arguments looked up in the demo centre, the
status it answers, and optionally what to do on the page before it is checked (a failed
log-in, a form sent without its required fields).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyotp
from sqlalchemy import func, select

from booking.accounts import onboarding, second_factor
from booking.accounts import services as accounts
from booking.accounts.models import AccountToken, Organisation, Role, Team, User
from booking.advising.models import AdvisorBooking, AdvisorProfile, AdvisorSlot
from booking.attendance.models import SessionClosure
from booking.catalogue.models import Category, Course, Speaker
from booking.certifications.models import Award, Certification
from booking.demo.people import DEMO_LOGINS, DEMO_PASSWORD
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.scheduling.models import Event, Meeting, Session, Venue

ANONYMOUS = "anonymous"
PARTICIPANT = Role.PARTICIPANT.value
TEAM_LEADER = Role.TEAM_LEADER.value
HR = Role.HR.value
ADVISOR = Role.ADVISOR.value
ORGANISER = Role.ORGANISER.value
ADMIN = Role.ADMIN.value
SIGNED_IN = (PARTICIPANT, TEAM_LEADER, HR, ADVISOR, ORGANISER, ADMIN)
EVERYONE = (ANONYMOUS, *SIGNED_IN)
STAFF = (ORGANISER, ADMIN)

EMAILS = {role.value: email for email, _name, role, *_ in DEMO_LOGINS}
PASSWORD = DEMO_PASSWORD


def _first(statement):
    value = db.session.scalar(statement.limit(1))
    assert value is not None, f"the demo has nothing for {statement}"
    return value


class Demo:
    """Ids and slugs of the demo centre that the entries' URLs need, looked up once."""

    def __init__(self):
        now = datetime.now(UTC)
        self.course = _first(select(Course.slug).where(Course.slug == "netwerken-met-linkedin"))
        self.in_company_course = _first(select(Course.slug).where(Course.in_company_only))
        self.course_id = _first(select(Course.id).where(Course.slug == self.course))
        self.event = _first(select(Event.slug).order_by(Event.id))
        self.event_id = _first(select(Event.id).order_by(Event.id))
        # The coming session with the most places: a full people page.
        self.session_id = _first(
            select(Enrolment.session_id)
            .join(Session, Session.id == Enrolment.session_id)
            .where(Session.event_id.is_(None))
            .group_by(Enrolment.session_id)
            .order_by(func.count().desc(), Enrolment.session_id)
        )
        self.enrolment_id = _first(
            select(Enrolment.id)
            .where(Enrolment.session_id == self.session_id, Enrolment.status == "confirmed")
            .order_by(Enrolment.id)
        )
        # The past edition whose attendance was recorded (and not closed).
        self.past_session_id = _first(
            select(Meeting.session_id)
            .where(Meeting.ends_at < now)
            .where(Meeting.session_id.not_in(select(SessionClosure.session_id)))
            .group_by(Meeting.session_id)
            .order_by(func.count().desc())
        )
        self.meeting_id = _first(
            select(Meeting.id)
            .where(Meeting.session_id == self.past_session_id)
            .order_by(Meeting.starts_at)
        )
        # The demo participant's place in that edition, left to evaluate (demo/evaluations.py).
        self.evaluation_enrolment_id = _first(
            select(Enrolment.id)
            .where(
                Enrolment.session_id == self.past_session_id,
                Enrolment.user_id == _user_id(PARTICIPANT),
            )
            .order_by(Enrolment.id)
        )
        self.certification_id = _first(select(Certification.id).order_by(Certification.id))
        self.award_id = _first(select(Award.id).where(Award.state == "valid").order_by(Award.id))
        # The demo's booked conversation is with the organiser, who is an advisor too.
        self.booking_id = _first(
            select(AdvisorBooking.id)
            .join(AdvisorSlot, AdvisorSlot.id == AdvisorBooking.slot_id)
            .join(AdvisorProfile, AdvisorProfile.id == AdvisorSlot.advisor_id)
            .where(AdvisorProfile.user_id == _user_id(ORGANISER), AdvisorBooking.status == "booked")
            .order_by(AdvisorBooking.id)
        )
        # The people pages: the participant's organisation, team and record.
        self.person_id = _user_id(PARTICIPANT)
        self.organisation_id = _first(
            select(Organisation.id).where(Organisation.name == "Gemeente Schiedam")
        )
        self.team_id = _first(select(Team.id).where(Team.organisation_id == self.organisation_id))
        self.venue_id = _first(select(Venue.id).order_by(Venue.id))
        self.speaker_id = _first(select(Speaker.id).order_by(Speaker.id))
        self.category_id = _first(select(Category.id).order_by(Category.id))
        # Two open courses whose coming sessions nobody holds a place in: one to enrol in per
        # language.
        taken = select(Enrolment.session_id)
        free = list(
            db.session.scalars(
                select(Course.slug)
                .join(Session, Session.course_id == Course.id)
                .where(Session.event_id.is_(None), Session.visibility == "open")
                .where(Session.id.not_in(taken), Session.starts_at > now)
                .where(~Course.in_company_only)
                .group_by(Course.slug)
                .order_by(Course.slug)
                .limit(2)
            )
        )
        assert len(free) == 2, free
        self.free_courses = dict(zip(("nl", "en"), free, strict=True))
        # Texts written only in Dutch, which an English page must mark with lang="nl".
        self.dutch_texts = sorted(
            {*db.session.scalars(select(Course.title)), *db.session.scalars(select(Event.title))}
        )


def _user_id(role: str) -> int:
    return _first(select(User.id).where(User.email == EMAILS[role]))


@dataclass(frozen=True)
class Page:
    name: str
    endpoint: str
    roles: tuple[str, ...]
    args: Callable[[Demo], dict] = field(default=lambda demo: {})
    status: int = 200
    query: str = ""
    # Done in the page after it opened (with the page, the language and the demo's ids),
    # before the checks; by default a form sent with mistakes, so the page must then show its
    # error summary with the focus on it.
    action: Callable | None = None
    expects_errors: bool = True
    # Done in the database (one transaction) before the page opens, for what the demo does not
    # hold (a valid link, a person with an authenticator app); returns more URL arguments.
    prepare: Callable[[Demo], dict] | None = None


def _failed_log_in(page, language, demo):
    page.locator("input[type=email]").fill(EMAILS[PARTICIPANT])
    page.locator("input[type=password]").fill("not-the-password")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def _send_empty(form: str = "main form[method=post]"):
    """Sends a form of the page as it is: required fields left empty answer with errors."""

    def send(page, language, demo):
        with page.expect_navigation():
            page.locator(form).locator("button[type=submit]").last.click()

    return send


def _send_cleared(form: str):
    """Sends a form whose text fields were filled in already, with them emptied."""

    def send(page, language, demo):
        page.locator(form).locator("input[type=text], input:not([type])").fill("")
        _send_empty(form)(page, language, demo)

    return send


def _enrol(page, language, demo):
    """Enrols in a coming session nobody holds a place in (one course per language, so the
    second run finds a session to enrol in too) and lands on the course page with the place."""
    page.goto(f"/cursussen/{demo.free_courses[language]}")
    with page.expect_navigation():
        page.locator("form[action$='/inschrijven'] button[type=submit]").first.click()
    assert page.locator("main [role=status]").count() >= 1, "no message after enrolling"


# -- getting in: links to choose a password, the code step ------------------------------------

TOTP_EMAIL = "tweestaps@schiedam.example.nl"


def _newcomer(demo) -> User:
    """A new member of staff of the participant's organisation, without a password yet."""
    number = db.session.scalar(select(func.count()).select_from(User))
    user, _ = accounts.save_person(
        email=f"nieuw{number}@schiedam.example.nl",
        name=f"Nina Nieuw {number}",
        role=PARTICIPANT,
        organisation=db.session.get(Organisation, demo.organisation_id),
        team=None,
        education_level="mbo",
    )
    return user


def _secret_in_mail(token) -> str:
    """The secret of the link in the token's message, as the worker derives it for the mail."""
    message = _first(
        select(OutboxMessage)
        .where(OutboxMessage.user_id == token.user_id)
        .order_by(OutboxMessage.id.desc())
    )
    assert message.data["token_id"] == token.id, message.data
    secret = onboarding.link_secret(message.data["seed"])
    assert onboarding.check_link(token.purpose, secret).state == onboarding.LinkState.VALID
    return secret


def _invitation(demo) -> dict:
    return {"secret": _secret_in_mail(onboarding.send_invitation(_newcomer(demo)))}


def _reset_link(demo) -> dict:
    user = _newcomer(demo)
    accounts.set_password(user, PASSWORD)
    onboarding.request_reset(user.email)
    db.session.flush()
    token = _first(
        select(AccountToken).where(AccountToken.user_id == user.id).order_by(AccountToken.id.desc())
    )
    return {"secret": _secret_in_mail(token)}


def _person_with_an_app(demo) -> dict:
    """A participant who turned two-step verification on (once for the module)."""
    user = db.session.scalar(select(User).where(User.email == TOTP_EMAIL))
    if user is None:
        user, _ = accounts.save_person(
            email=TOTP_EMAIL,
            name="Tessa Tweestaps",
            role=PARTICIPANT,
            organisation=db.session.get(Organisation, demo.organisation_id),
            team=None,
            education_level="hbo",
        )
        accounts.set_password(user, PASSWORD)
        credential = second_factor.begin_setup(user)
        totp = pyotp.TOTP(second_factor.secret_of(credential))
        second_factor.confirm_setup(user, totp.at(datetime.now(UTC).timestamp() - 30))
    return {}


def _password_accepted(page, language, demo):
    """The log-in form with the password of a person with an app: the code step follows."""
    page.locator("input[type=email]").fill(TOTP_EMAIL)
    page.locator("input[type=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.url.endswith("/inloggen/code"), page.url


def _code_left_empty(page, language, demo):
    _password_accepted(page, language, demo)
    _send_empty()(page, language, demo)


PAGES: list[Page] = [
    # Everyone: the catalogue, a course, the events and a programme, verification, errors.
    Page("catalogue", "portal.index", EVERYONE),
    Page("catalogue-filtered", "portal.index", (ANONYMOUS,), query="q=netwerken"),
    Page("course", "portal.course", EVERYONE, lambda d: {"slug": d.course}),
    Page(
        "course-in-company",
        "portal.course",
        (ANONYMOUS, TEAM_LEADER),
        lambda d: {"slug": d.in_company_course},
    ),
    Page(
        "course-request",
        "enrolment.request_course",
        (TEAM_LEADER,),
        lambda d: {"slug": d.in_company_course},
    ),
    Page(
        "course-enrolled",
        "portal.course",
        (PARTICIPANT,),
        lambda d: {"slug": d.free_courses["nl"]},
        action=_enrol,
        expects_errors=False,
    ),
    Page("events", "portal.events", EVERYONE),
    Page("event-programme", "portal.event", EVERYONE, lambda d: {"slug": d.event}),
    Page(
        "verify-unknown",
        "certifications.verify",
        (ANONYMOUS,),
        lambda d: {"code": "X" * 16},
        status=404,
    ),
    Page(
        "offer-unknown",
        "enrolment.offer_page",
        (ANONYMOUS,),
        lambda d: {"token": "x" * 20},
        status=404,
    ),
    # Log-in, and a failed one.
    Page("log-in", "accounts.login", (ANONYMOUS,)),
    Page("log-in-failed", "accounts.login", (ANONYMOUS,), action=_failed_log_in),
    # Getting in: forgotten password, the invitation and reset links, the code step.
    Page("forgot-password", "onboarding.forgot", (ANONYMOUS,)),
    Page("forgot-password-empty", "onboarding.forgot", (ANONYMOUS,), action=_send_empty()),
    Page("invitation", "onboarding.welcome", (ANONYMOUS,), prepare=_invitation),
    Page(
        "invitation-empty",
        "onboarding.welcome",
        (ANONYMOUS,),
        prepare=_invitation,
        action=_send_empty(),
    ),
    Page(
        "invitation-unknown",
        "onboarding.welcome",
        (ANONYMOUS,),
        lambda d: {"secret": "x" * 43},
        status=404,
    ),
    Page("reset-link", "onboarding.reset", (ANONYMOUS,), prepare=_reset_link),
    Page(
        "reset-link-empty",
        "onboarding.reset",
        (ANONYMOUS,),
        prepare=_reset_link,
        action=_send_empty(),
    ),
    Page(
        "reset-link-unknown",
        "onboarding.reset",
        (ANONYMOUS,),
        lambda d: {"secret": "x" * 43},
        status=404,
    ),
    # Without a pending log-in the code step sends to the log-in form; the action logs in.
    Page(
        "log-in-code",
        "second_factor.code",
        (ANONYMOUS,),
        prepare=_person_with_an_app,
        action=_password_accepted,
        expects_errors=False,
    ),
    Page(
        "log-in-code-empty",
        "second_factor.code",
        (ANONYMOUS,),
        prepare=_person_with_an_app,
        action=_code_left_empty,
    ),
    Page("two-step-setup", "second_factor.setup", (PARTICIPANT,)),
    Page("two-step-setup-empty", "second_factor.setup", (PARTICIPANT,), action=_send_empty()),
    # Privacy: the statement, a person's own data.
    Page("privacy-statement", "privacy.statement", (ANONYMOUS, PARTICIPANT)),
    Page("my-data", "privacy.my_data", (PARTICIPANT,)),
    # Signed in: the overview, the account, certificates, career conversations.
    Page("overview", "portal.dashboard", SIGNED_IN),
    Page("account", "accounts.account", SIGNED_IN),
    Page("my-certificates", "certifications.mine", (PARTICIPANT, TEAM_LEADER)),
    Page(
        "evaluation-form",
        "evaluations.answer",
        (PARTICIPANT,),
        lambda d: {"enrolment_id": d.evaluation_enrolment_id},
    ),
    Page("career-conversations", "advising.index", (PARTICIPANT, ADVISOR)),
    Page("advisor-agenda", "advising.agenda", (ADVISOR, ORGANISER)),
    Page(
        "advisor-conversation",
        "advising.conversation",
        (ORGANISER,),
        lambda d: {"booking_id": d.booking_id},
    ),
    # The team leader: the team page (with the team booking form) and its certificates.
    Page("team", "enrolment.team_overview", (TEAM_LEADER,)),
    Page(
        "team-booking-empty",
        "enrolment.team_overview",
        (TEAM_LEADER,),
        action=_send_empty("form[action$='/mijn-team/boeken']"),
    ),
    Page(
        "team-request-empty",
        "enrolment.team_overview",
        (TEAM_LEADER,),
        action=_send_empty("form[action$='/mijn-team/maatwerk']"),
    ),
    Page("team-certificates", "certifications.team", (TEAM_LEADER,)),
    # HR: the organisation page and its certificates.
    Page("organisation", "accounts.organisation", (HR, ADMIN)),
    Page("organisation-certificates", "certifications.organisation", (HR, ORGANISER)),
    # HR: the organisation's people and one person's enrolments.
    Page("organisation-people", "portal_people.people_list", (HR, ADMIN)),
    Page(
        "organisation-person", "portal_people.person", (HR,), lambda d: {"person_id": d.person_id}
    ),
    # Single sign-on: the chooser (the demo has no provider: it says so), a start for an
    # organisation without one and a callback nobody asked for (the refusal page), and the
    # administrators' set-up page, also sent empty.
    Page("sso-choose", "sso.choose", (ANONYMOUS,)),
    Page(
        "sso-start-without-provider",
        "sso.start",
        (ANONYMOUS,),
        lambda d: {"org_id": d.organisation_id},
        status=404,
    ),
    Page("sso-callback-unasked", "sso.callback", (ANONYMOUS,), status=400),
    Page("sso-configure", "sso.configure", (ADMIN,), lambda d: {"org_id": d.organisation_id}),
    Page(
        "sso-configure-empty",
        "sso.configure",
        (ADMIN,),
        lambda d: {"org_id": d.organisation_id},
        action=_send_empty(),
    ),
    # Administrators: organisations, teams, people, the import, privacy, the audit log.
    Page("admin-organisations", "accounts_admin.organisations", (ADMIN,)),
    Page(
        "admin-organisations-empty",
        "accounts_admin.organisations",
        (ADMIN,),
        action=_send_empty("#organisation-form"),
    ),
    Page(
        "admin-organisation",
        "accounts_admin.organisation",
        (ADMIN,),
        lambda d: {"organisation_id": d.organisation_id},
    ),
    Page(
        "admin-organisation-team-empty",
        "accounts_admin.organisation",
        (ADMIN,),
        lambda d: {"organisation_id": d.organisation_id},
        action=_send_empty("#team-form"),
    ),
    Page(
        "admin-organisation-rename-cleared",
        "accounts_admin.organisation",
        (ADMIN,),
        lambda d: {"organisation_id": d.organisation_id},
        action=_send_cleared("#rename-form"),
    ),
    Page("admin-team", "accounts_admin.team", (ADMIN,), lambda d: {"team_id": d.team_id}),
    Page(
        "admin-team-rename-cleared",
        "accounts_admin.team",
        (ADMIN,),
        lambda d: {"team_id": d.team_id},
        action=_send_cleared("#team-rename-form"),
    ),
    Page("admin-people", "accounts_admin.people_list", (ADMIN,)),
    Page("admin-person-new", "accounts_admin.new_person", (ADMIN,)),
    Page(
        "admin-person-new-empty",
        "accounts_admin.new_person",
        (ADMIN,),
        action=_send_empty("#person-form"),
    ),
    Page("admin-person", "accounts_admin.person", (ADMIN,), lambda d: {"person_id": d.person_id}),
    Page(
        "admin-person-cleared",
        "accounts_admin.person",
        (ADMIN,),
        lambda d: {"person_id": d.person_id},
        action=_send_cleared("#person-form"),
    ),
    Page("admin-import", "accounts_admin.import_people", (ADMIN,)),
    Page(
        "admin-import-empty",
        "accounts_admin.import_people",
        (ADMIN,),
        action=_send_empty("#import-form"),
    ),
    Page("privacy-manage", "privacy.manage", (ADMIN,)),
    Page("privacy-erase", "privacy.erase", (ADMIN,)),
    Page("privacy-erase-empty", "privacy.erase", (ADMIN,), action=_send_empty("#erase-find")),
    Page("audit-log", "privacy.audit", (ADMIN,)),
    # Organisers: courses, sessions, a session's people, venues, events, lists, speakers.
    Page("manage-courses", "scheduling.manage_courses", STAFF),
    Page("course-new", "catalogue.new_course", (ORGANISER,)),
    Page("course-new-empty", "catalogue.new_course", (ORGANISER,), action=_send_empty()),
    Page(
        "course-edit", "catalogue.edit_course", (ORGANISER,), lambda d: {"course_id": d.course_id}
    ),
    Page("manage-sessions", "scheduling.manage_sessions", STAFF),
    Page("session-new", "scheduling.new_session", (ORGANISER,)),
    Page("session-new-empty", "scheduling.new_session", (ORGANISER,), action=_send_empty()),
    Page(
        "session-edit",
        "scheduling.edit_session",
        (ORGANISER,),
        lambda d: {"session_id": d.session_id},
    ),
    Page(
        "session-people",
        "enrolment_manage.people",
        STAFF,
        lambda d: {"session_id": d.session_id},
    ),
    Page(
        "cancel-place",
        "enrolment_manage.cancel_place",
        (ORGANISER,),
        lambda d: {"session_id": d.session_id, "enrolment_id": d.enrolment_id},
    ),
    Page(
        "cancel-session",
        "enrolment_manage.cancel_session",
        (ORGANISER,),
        lambda d: {"session_id": d.session_id},
    ),
    Page(
        "check-in",
        "attendance_checkin.page",
        (ORGANISER,),
        lambda d: {"session_id": d.past_session_id},
    ),
    Page("in-company-requests", "enrolment_manage.in_company", (ORGANISER,)),
    Page("manage-venues", "scheduling.manage_venues", (ORGANISER,)),
    Page("venue-new", "scheduling.new_venue", (ORGANISER,)),
    Page("venue-edit", "scheduling.edit_venue", (ORGANISER,), lambda d: {"venue_id": d.venue_id}),
    Page("manage-events", "events.manage_events", (ORGANISER,)),
    Page("event-new", "events.new_event", (ORGANISER,)),
    Page("event-manage", "events.manage_event", (ORGANISER,), lambda d: {"event_id": d.event_id}),
    Page("event-edit", "events.edit_event", (ORGANISER,), lambda d: {"event_id": d.event_id}),
    Page(
        "event-registrations",
        "events.event_registrations",
        (ORGANISER,),
        lambda d: {"event_id": d.event_id},
    ),
    Page("event-cancel", "events.cancel_event", (ORGANISER,), lambda d: {"event_id": d.event_id}),
    Page("catalogue-lists", "catalogue.lists", (ORGANISER,)),
    Page("list-new", "catalogue.new_listed", (ORGANISER,), lambda d: {"kind": "categorieen"}),
    Page(
        "list-edit",
        "catalogue.edit_listed",
        (ORGANISER,),
        lambda d: {"kind": "categorieen", "item_id": d.category_id},
    ),
    Page("speakers", "catalogue.speakers_page", (ORGANISER,)),
    Page("speaker-new", "catalogue.new_speaker", (ORGANISER,)),
    Page(
        "speaker-edit",
        "catalogue.edit_speaker",
        (ORGANISER,),
        lambda d: {"speaker_id": d.speaker_id},
    ),
    Page("career-advisors", "advising.manage", (ORGANISER,)),
    Page("organiser-feeds", "calendar.organiser_feeds", (ORGANISER,)),
    Page("failed-messages", "notifications_manage.messages", (ORGANISER,)),
    # Attendance: the sessions, one session, a meeting's list, assessment results.
    Page("attendance", "attendance.index", (ORGANISER,)),
    Page(
        "attendance-session",
        "attendance.session_overview",
        (ORGANISER,),
        lambda d: {"session_id": d.past_session_id},
    ),
    Page(
        "attendance-list",
        "attendance.meeting_list",
        (ORGANISER,),
        lambda d: {"session_id": d.past_session_id, "meeting_id": d.meeting_id},
    ),
    Page(
        "assessment-results",
        "certifications_manage.results",
        (ORGANISER,),
        lambda d: {"session_id": d.past_session_id},
    ),
    # Certifications: the awards, the definitions and their forms.
    Page("awards", "certifications.awards", STAFF),
    Page("certifications", "certifications_manage.index", (ORGANISER,)),
    Page("evaluations", "evaluations.results", (ORGANISER,)),
    Page(
        "evaluation-session",
        "evaluations.session_results",
        (ORGANISER,),
        lambda d: {"session_id": d.past_session_id},
    ),
    Page("certification-new", "certifications_manage.new", (ORGANISER,)),
    Page(
        "certification-edit",
        "certifications_manage.edit",
        (ORGANISER,),
        lambda d: {"certification_id": d.certification_id},
    ),
    Page(
        "award-by-hand",
        "certifications_manage.award_by_hand",
        (ORGANISER,),
        lambda d: {"certification_id": d.certification_id},
    ),
    Page(
        "award-revoke",
        "certifications_manage.revoke",
        (ORGANISER,),
        lambda d: {"award_id": d.award_id},
    ),
    # Error pages: not allowed, not found.
    Page("forbidden", "scheduling.manage_sessions", (PARTICIPANT,), status=403),
    Page("not-found", "portal.course", (ANONYMOUS,), lambda d: {"slug": "bestaat-niet"}, 404),
]

# GET routes that render no HTML page of their own, each with the reason.
EXCLUDED: dict[str, str] = {
    "static": "static files",
    "calendar.personal_feed": "an iCalendar feed (text/calendar)",
    "calendar.organiser_feed": "an iCalendar feed (text/calendar)",
    "certifications.certificate_pdf": "a PDF",
    "certifications.awards_csv": "a CSV download",
    "enrolment.join": "redirects to the meeting's join link",
    "privacy.my_data_json": "a JSON download of the same data as privacy.my_data",
}
# Every endpoint of the JSON API blueprint answers JSON, PDF or iCalendar, never a page.
EXCLUDED_PREFIXES = {"api.": "the JSON API (checked against its OpenAPI document)"}
