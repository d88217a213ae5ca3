"""Times are stored in UTC and shown in Europe/Amsterdam."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(AMSTERDAM)


def from_local(value: datetime) -> datetime:
    """Interpret a naive wall-clock time (from a form) as Amsterdam time, return UTC.

    In the repeated autumn hour the first (summer time) occurrence is taken; a time in the
    spring gap does not exist and is moved forward by the gap, as clocks do.
    """
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    # fold=0 takes the first of a repeated hour; in the gap it applies the offset from before
    # the change, which lands the gap's length later (02:30 -> 03:30 summer time).
    return value.replace(tzinfo=AMSTERDAM, fold=0).astimezone(UTC)


def iso_local(value: datetime | None) -> str | None:
    """ISO 8601 with the Amsterdam offset, as the API answers."""
    if value is None:
        return None
    return value.astimezone(AMSTERDAM).isoformat()
