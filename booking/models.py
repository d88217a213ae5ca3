"""Imports every feature's models so the metadata (and Alembic) sees all tables."""

from booking.accounts.models import (  # noqa: F401
    AccountToken,
    ApiToken,
    Organisation,
    PeopleImport,
    RecoveryCode,
    Team,
    TotpCredential,
    User,
)
from booking.accounts.sso_models import IdentityProvider  # noqa: F401
from booking.advising.models import (  # noqa: F401
    AdvisorBooking,
    AdvisorNote,
    AdvisorProfile,
    AdvisorSlot,
)
from booking.attendance.models import (  # noqa: F401
    AttendanceRecord,
    SessionClosure,
    SessionTrainer,
)
from booking.catalogue.models import Category, Course, TargetGroup  # noqa: F401
from booking.certifications.models import (  # noqa: F401
    AssessmentResult,
    Award,
    Certification,
    CertificationCourse,
)
from booking.core.models import AuditEntry  # noqa: F401
from booking.enrolment.models import (  # noqa: F401
    BookedSlot,
    Enrolment,
    InCompanyRequest,
)
from booking.evaluations.models import Evaluation, EvaluationInvite  # noqa: F401
from booking.events.models import EventChoice, EventRegistration  # noqa: F401
from booking.notifications.models import OutboxMessage  # noqa: F401
from booking.privacy.models import AnonymousPerson, RetentionPolicy  # noqa: F401
from booking.scheduling.models import (  # noqa: F401
    Event,
    Meeting,
    Room,
    SeatReservation,
    Session,
    SessionSeats,
    Venue,
)
from booking.webhooks.models import Webhook, WebhookDelivery  # noqa: F401
