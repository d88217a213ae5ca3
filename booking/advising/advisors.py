"""Who is a career advisor: the role `advisor`, or an organiser marked as one, with a profile
(meeting link, bio, location, active) that organisers keep; and the advisor's profile row lock
that every change of their agenda takes first (invariant 9, `services`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.accounts.services import email_key
from booking.advising.models import AdvisorProfile
from booking.core.db import for_update
from booking.core.errors import NotFound, PermissionDenied, ValidationError
from booking.core.models import audit
from booking.extensions import db
from booking.scheduling.venues import valid_join_url


def is_advisor(user: User | None, profile: AdvisorProfile | None = None) -> bool:
    """The role `advisor`, or anyone (an organiser) with an active profile."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if user.role == Role.ADVISOR:
        return True
    if profile is None:
        profile = profile_of(user.id)
    return profile is not None and profile.active


def profile_of(user_id: int) -> AdvisorProfile | None:
    return db.session.scalar(select(AdvisorProfile).where(AdvisorProfile.user_id == user_id))


def advisor_by_email(email: str) -> User | None:
    person = db.session.scalar(select(User).where(User.email == email_key(email)))
    return person if person is not None and is_advisor(person) else None


def find_person(who: User | str, field_name: str = "participant") -> User:
    if isinstance(who, User):
        return who
    person = db.session.scalar(select(User).where(User.email == email_key(who)))
    if person is None or not person.active:
        message = _l("No such person.")
        raise NotFound(message, code="person_not_found", fields={field_name: message})
    return person


def not_an_advisor() -> NotFound:
    message = _l("This person is not a career advisor.")
    return NotFound(message, code="not_an_advisor", fields={"advisor": message})


def lock_advisor(advisor_id: int, *, active: bool = True) -> AdvisorProfile:
    """The advisor's profile row, locked until commit (the lock of their agenda). A person
    with the role `advisor` gets their profile on first use. `active`: refuse someone who is
    no longer an advisor (publishing, booking); cancelling and moving what was booked with
    them still works."""
    profile = db.session.scalar(
        for_update(
            select(AdvisorProfile).where(AdvisorProfile.user_id == advisor_id)
        ).execution_options(populate_existing=True)
    )
    if profile is None:
        user = db.session.get(User, advisor_id)
        if user is None or user.role != Role.ADVISOR:
            raise not_an_advisor()
        # A racing first use inserts the same user_id: the unique violation makes atomic
        # run the work again, which then finds (and locks) the winner's row.
        profile = AdvisorProfile(user_id=advisor_id, bio="", location="")
        db.session.add(profile)
        db.session.flush()
    if active and not profile.active and profile.user.role != Role.ADVISOR:
        raise not_an_advisor()
    return profile


@dataclass
class ProfileData:
    meeting_url: str | None = None
    bio: str = ""
    location: str = ""


def _check_profile(data: ProfileData) -> None:
    errors = {}
    if data.meeting_url and (len(data.meeting_url) > 500 or not valid_join_url(data.meeting_url)):
        errors["meeting_url"] = _l("Give a web address that starts with https:// or http://.")
    if len(data.location or "") > 200:
        errors["location"] = _l("Use at most %(n)d characters.", n=200)
    if len(data.bio or "") > 5000:
        errors["bio"] = _l("Use at most %(n)d characters.", n=5000)
    if errors:
        raise ValidationError(next(iter(errors.values())), code="invalid_profile", fields=errors)


def set_advisor(who: User | str, data: ProfileData, *, actor: User) -> AdvisorProfile:
    """Mark someone as a career advisor (organisers), or change an advisor's profile (the
    organisers, or the advisor themselves)."""
    person = find_person(who, "email")
    if not (actor.is_organiser or (actor.id == person.id and is_advisor(person))):
        raise PermissionDenied(_l("Only organisers can mark people as career advisors."))
    _check_profile(data)
    profile = profile_of(person.id)
    created = profile is None
    if created:
        profile = AdvisorProfile(user_id=person.id)
        db.session.add(profile)
    profile.meeting_url = (data.meeting_url or "").strip() or None
    profile.bio = (data.bio or "").strip()
    profile.location = (data.location or "").strip()
    profile.active = True
    db.session.flush()
    audit(actor, "advisor.created" if created else "advisor.updated", profile)
    return profile


def retire_advisor(who: User | str, *, actor: User) -> AdvisorProfile:
    """An organiser takes the mark away; published slots and bookings stay as they are."""
    if not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers can mark people as career advisors."))
    person = find_person(who, "email")
    profile = profile_of(person.id)
    if profile is None:
        raise not_an_advisor()
    profile.active = False
    audit(actor, "advisor.retired", profile)
    return profile


def retire_on_role_change(person: User, *, actor: User | None) -> AdvisorProfile | None:
    """A person's role changed (accounts' `role_changed`): the role `advisor` made them an
    advisor, and organisers may be marked as one; anyone else no longer is."""
    if person.role in (Role.ADVISOR, Role.ORGANISER, Role.ADMIN):
        return None
    profile = profile_of(person.id)
    if profile is None or not profile.active:
        return None
    profile.active = False
    audit(actor, "advisor.retired", profile)
    return profile


# -- slots --------------------------------------------------------------------------------------
