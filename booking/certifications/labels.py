"""How the pages name certifications' codes (statuses, rules, assessments)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from booking.certifications.models import Assessment, AwardStatus, CompletionRule

STATUS = {
    AwardStatus.VALID: _l("Valid"),
    AwardStatus.EXPIRED: _l("Expired"),
    AwardStatus.REVOKED: _l("Revoked"),
    AwardStatus.WITHDRAWN: _l("Withdrawn"),
    AwardStatus.ERASED: _l("Withdrawn on erasure"),
}
RULES = {
    CompletionRule.ALL_MEETINGS: _l("All meetings attended"),
    CompletionRule.MIN_PERCENT: _l("A minimum share of the meetings attended"),
}
ASSESSMENTS = {
    Assessment.NONE: _l("No assessment"),
    Assessment.PASS_FAIL: _l("Passed or failed, entered by the trainer"),
    Assessment.SCORE: _l("A score with a pass mark, entered by the trainer"),
}


def award_status_label(status) -> str:
    return str(STATUS.get(status, status))


TEMPLATE_GLOBALS = {"award_status_label": award_status_label}
