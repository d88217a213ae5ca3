"""Organisations, teams, people and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.db import UTCDateTime, utcnow
from booking.core.models import TimestampMixin, choice_check
from booking.extensions import db

# The address of an account that names nobody any more: a person erased on request or a
# stand-in of the retention duty (booking.privacy). RFC 2606: never a real mailbox. Lists of
# people leave these accounts out; the rows stay so that counts over the past stay right.
ANONYMOUS_DOMAIN = "anonymous.invalid"


class Role(StrEnum):
    PARTICIPANT = "participant"
    TEAM_LEADER = "team_leader"
    ORGANISER = "organiser"
    HR = "hr"
    ADMIN = "admin"
    ADVISOR = "advisor"  # a career advisor (booking.advising); organisers can be one too


class EducationLevel(StrEnum):
    MBO = "mbo"
    HBO = "hbo"
    WO = "wo"


class Language(StrEnum):
    NL = "nl"
    EN = "en"


class Organisation(TimestampMixin, db.Model):
    """A member organisation of the centre (a municipality or a joint arrangement)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)

    teams: Mapped[list[Team]] = relationship(
        back_populates="organisation", order_by="Team.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class Team(TimestampMixin, db.Model):
    """A team within an organisation; its leaders are its members with the team_leader role."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)

    organisation: Mapped[Organisation] = relationship(back_populates="teams")
    members: Mapped[list[User]] = relationship(back_populates="team", order_by="User.name")

    @property
    def leaders(self) -> list[User]:
        return [m for m in self.members if m.role == Role.TEAM_LEADER]

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        choice_check("role", Role),
        choice_check("education_level", EducationLevel),
        choice_check("language", Language),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), nullable=False, default=Role.PARTICIPANT)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    education_level: Mapped[str | None] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2), nullable=False, default=Language.NL)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Raised on log-out and password change: a copied session cookie names the old version.
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the secret part of the person's calendar subscription address (like an API
    # token's: the address itself is shown once, when it is made); replaced by a new one.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    organisation: Mapped[Organisation | None] = relationship()
    team: Mapped[Team | None] = relationship(back_populates="members")

    # Flask-Login
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def is_organiser(self) -> bool:
        """Organisers and administrators run the catalogue and see every session."""
        return self.role in (Role.ORGANISER, Role.ADMIN)

    @property
    def is_team_leader(self) -> bool:
        return self.role == Role.TEAM_LEADER

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None for tokens made before expiry existed: they keep working until revoked.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class TotpCredential(db.Model):
    """A person's authenticator app (TOTP, RFC 6238): one per person. The secret is stored
    encrypted (`accounts.second_factor`); until `confirmed_at` it is only being set up."""

    __tablename__ = "totp_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    secret: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The 30-second time step of the last code accepted: a code is accepted once, never again.
    last_used_step: Mapped[int | None] = mapped_column(Integer)
    # Wrong codes and recovery codes, counted here (not in the cookie, which can be replayed).
    failed_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    def __repr__(self) -> str:  # never the secret
        return f"<TotpCredential of user {self.user_id}>"


class RecoveryCode(db.Model):
    """A single-use code for signing in without the authenticator app; only its SHA-256."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PeopleImport(db.Model):
    """A CSV file an administrator uploaded, kept between its dry run and the import, so the
    import applies exactly the file that was checked (never data echoed back by the browser).
    Removed when imported, and after PEOPLE_IMPORT_KEEP_MINUTES."""

    __tablename__ = "people_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    create_organisations: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False, index=True
    )


class TokenPurpose(StrEnum):
    INVITATION = "invitation"  # the first password of an imported or new person
    RESET = "reset"  # "wachtwoord vergeten"


class AccountToken(db.Model):
    """A single-use link to choose a password (booking.accounts.onboarding). Only the
    SHA-256 hash of the link's secret is stored, and looked up; a token is spent when it is
    used, superseded by a newer one or by a new password, or past its expiry."""

    __tablename__ = "account_tokens"
    __table_args__ = (choice_check("purpose", TokenPurpose),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<AccountToken {self.id} {self.purpose}>"
