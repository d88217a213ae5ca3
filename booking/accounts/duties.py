"""The periodic duty of accounts: uploaded CSV files are not kept past
PEOPLE_IMPORT_KEEP_MINUTES (they hold personal data). Idempotent: one DELETE."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from booking.accounts import people
from booking.core.db import atomic, utcnow
from booking.notifications.registry import register_duty


def purge_uploads(now: datetime | None = None) -> dict[str, int]:
    return {"uploads_purged": atomic(people.purge_uploads, now or utcnow())}


def register(app: Flask) -> None:
    register_duty(app, "people-import-purge", purge_uploads)
