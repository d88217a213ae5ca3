"""Shared field types and envelopes of the API's pydantic models.

Input models check only the *shape* (types, nullability, storage limits that the database
would otherwise refuse with a 500); the rules stay in the services.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)

from booking.core.timez import AMSTERDAM
from booking.core.web import (
    CONTROL_CHARACTERS,
    MAX_INT,  # the INTEGER bound every id taken from outside gets
)

MIN_YEAR, MAX_YEAR = 1900, 9000


def _plain_text(value: str) -> str:
    """PostgreSQL refuses NUL characters and lone surrogates: say so instead of a 500. The
    other control characters (but tab and line breaks) are refused as on the pages
    (booking.core.web CONTROL_CHARACTERS): they would break calendar invites and mail."""
    if "\x00" in value:
        raise ValueError("Text cannot contain NUL characters.")
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("Text cannot contain control characters (such as Escape).")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.")
    return value


def _in_range(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Give a year between {MIN_YEAR} and {MAX_YEAR}.")
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("This time is out of range.")


def _parse_moment(value: Any) -> datetime:
    """ISO 8601 with an offset; a naive time is refused, because guessing the zone is how
    invites end up an hour off."""
    if isinstance(value, datetime):
        parsed = value
    else:
        if not isinstance(value, str) or len(value) > 64:
            raise ValueError(
                "Give an ISO 8601 date and time with offset, e.g. 2027-03-23T10:00:00+01:00."
            )
        text = value.strip()
        if text.endswith(("z", "Z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "Give an ISO 8601 date and time with offset, e.g. 2027-03-23T10:00:00+01:00."
            )
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("Give the time with its UTC offset, e.g. 2027-03-23T10:00:00+01:00.")
    return _in_range(parsed)


# A "+" in a query string arrives as a space: "2027-03-23T10:00:00 01:00" means +01:00.
_SPACED_OFFSET = re.compile(r"^(\S+T[\d:.]+) (\d{2}:?\d{2})$")


def _parse_query_moment(value: Any, *, end_of_day: bool) -> datetime:
    """A date (whole days in Amsterdam) or a date-time with offset, for the `from`/`to` filters."""
    if not isinstance(value, str):
        raise ValueError("Give a date (2027-03-23) or a date-time with offset.")
    text = _SPACED_OFFSET.sub(r"\1+\2", value.strip())
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError("Give a date as YYYY-MM-DD, or a date-time with offset.")
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValueError(f"Give a year between {MIN_YEAR} and {MAX_YEAR}.")
        if end_of_day:
            day += timedelta(days=1)
        return datetime.combine(day, time(), tzinfo=AMSTERDAM).astimezone(UTC)
    return _parse_moment(text)


Text = Annotated[StrictStr, AfterValidator(_plain_text)]
Id = Annotated[StrictInt, Field(ge=1, le=MAX_INT)]
Int32 = Annotated[StrictInt, Field(ge=-MAX_INT, le=MAX_INT)]
Moment = Annotated[
    datetime,
    BeforeValidator(_parse_moment),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with UTC offset, e.g. 2027-03-23T10:00:00+01:00.",
        }
    ),
]
# Answers: ISO 8601 in Europe/Amsterdam with offset (booking.core.timez.iso_local).
LocalTime = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]

_QUERY_MOMENT_SCHEMA = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
}
QueryFrom = Annotated[
    datetime,
    BeforeValidator(lambda v: _parse_query_moment(v, end_of_day=False)),
    WithJsonSchema(_QUERY_MOMENT_SCHEMA),
]
QueryTo = Annotated[
    datetime,
    BeforeValidator(lambda v: _parse_query_moment(v, end_of_day=True)),
    WithJsonSchema(_QUERY_MOMENT_SCHEMA),
]


def _parse_day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError("Give a date as YYYY-MM-DD.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError("Give a date as YYYY-MM-DD.")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"Give a year between {MIN_YEAR} and {MAX_YEAR}.")
    return day


Day = Annotated[
    date,
    BeforeValidator(_parse_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]

QueryText = Annotated[str, AfterValidator(_plain_text), Field(max_length=200)]
QueryId = Annotated[int, Field(ge=1, le=MAX_INT)]


class Input(BaseModel):
    """Request bodies: unknown fields are refused, so a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    """Answers: clients must accept fields added later, so the schemas do not forbid extras."""


Email = Annotated[Text, Field(max_length=254, description="E-mail address (any case).")]
Reason = Annotated[Text, Field(max_length=2000)]


class ReasonIn(Input):
    """The body may be left out."""

    reason: Reason | None = None


class PageQuery(BaseModel):
    """Paging of every list: `page` counts from 1, `per_page` is at most 100."""

    model_config = ConfigDict(extra="ignore")

    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    per_page: int = Field(20, ge=1, le=100, description="Items per page (1-100).")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class Page(Output):
    """The envelope of every list: `items`, `page`, `per_page`, `has_more`, and `total` where
    the list is counted (courses, venues) or null where it is not (sessions)."""

    page: int
    per_page: int
    has_more: bool
    total: int | None = None


class PerMode(Output):
    """A number per attendance mode; 0 for a mode a session does not offer."""

    in_person: int
    online: int


class ErrorDetail(Output):
    code: str = Field(description="Stable, for programs: e.g. validation_failed, room_occupied.")
    message: str = Field(description="For people.")
    fields: dict[str, str] = Field(
        description="Per bad field, by dotted path (meetings.0.starts_at, capacity.in_person)."
    )


class Error(Output):
    """Every error answer (400, 401, 403, 404, 405, 409, 422)."""

    error: ErrorDetail
