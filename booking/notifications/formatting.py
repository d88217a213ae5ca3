"""How messages write moments and values from `data`, in the locale the renderer forced
(the recipient's): shared by every feature's message templates."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_time
from flask_babel import get_locale

from booking.core.timez import AMSTERDAM

DATE_FORMAT = "EEEE d MMMM yyyy"  # as the pages show dates
SHORT_DATE_FORMAT = "d MMMM yyyy"
TIME_FORMAT = "HH:mm"


def _locale() -> str:
    return str(get_locale() or "nl")


def local_date(value: datetime, fmt: str = DATE_FORMAT) -> str:
    return format_date(value.astimezone(AMSTERDAM).date(), fmt, locale=_locale())


def local_time(value: datetime) -> str:
    return format_time(value.astimezone(AMSTERDAM), TIME_FORMAT, locale=_locale())


def local_datetime(value: datetime) -> str:
    return f"{local_date(value)}, {local_time(value)}"


def meeting_line(starts_at: datetime, ends_at: datetime) -> str:
    """'maandag 15 maart 2027, 09:00–12:00' in Amsterdam time; the end date is named too when
    a meeting runs past midnight."""
    start, end = starts_at.astimezone(AMSTERDAM), ends_at.astimezone(AMSTERDAM)
    if start.date() == end.date():
        return f"{local_date(start)}, {local_time(start)}–{local_time(end)}"
    return f"{local_datetime(start)} – {local_datetime(end)}"


def parse_moment(value) -> datetime | None:
    """A moment a feature stored in `data` as ISO 8601 (always with its offset)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def text_value(value) -> str | None:
    """A string from `data` as something to show, or None when it is empty or not text."""
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value).strip()
    return value or None


def number_value(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
