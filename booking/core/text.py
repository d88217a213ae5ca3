"""Small text helpers."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from booking.extensions import db


def slugify(text: str, max_length: int = 100) -> str:
    """ASCII, lower case, hyphens: 'Netwerken met LinkedIn' -> 'netwerken-met-linkedin'."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def unique_slug(model, text: str, exclude_id: int | None = None) -> str:
    """A slug for `text` not yet used by another row of `model` (adds -2, -3, ...)."""
    base = slugify(text)
    query = select(model.slug).where(model.slug.like(f"{base}%"))
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    taken = set(db.session.scalars(query))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
