"""Speakers and trainers: who they are, and which courses and sessions name them (in order).

A speaker in use is not deleted: the sessions given stay truthful about who gave them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from booking.catalogue.models import Speaker, course_speakers
from booking.core.errors import Conflict, NotFound, collect
from booking.core.models import audit
from booking.extensions import db

MAX_SPEAKERS = 20


@dataclass
class SpeakerData:
    name: str
    role: str = ""
    organisation: str = ""
    bio: str = ""
    photo_url: str | None = None


def _check(data: SpeakerData) -> None:
    errors: dict = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = _l("Enter a name.")
    for key, limit in (("name", 120), ("role", 120), ("organisation", 120), ("bio", 2000)):
        if len(getattr(data, key) or "") > limit:
            errors.setdefault(key, _l("Use at most %(n)d characters.", n=limit))
    url = (data.photo_url or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            errors["photo_url"] = _l("Give a web address starting with https://.")
    collect(errors)


def _apply(speaker: Speaker, data: SpeakerData) -> None:
    speaker.name = data.name.strip()
    speaker.role = (data.role or "").strip()
    speaker.organisation = (data.organisation or "").strip()
    speaker.bio = (data.bio or "").strip()
    speaker.photo_url = (data.photo_url or "").strip() or None


def snapshot(speaker: Speaker) -> dict:
    return {"name": speaker.name, "role": speaker.role, "organisation": speaker.organisation}


def create_speaker(data: SpeakerData, actor=None) -> Speaker:
    _check(data)
    speaker = Speaker()
    _apply(speaker, data)
    db.session.add(speaker)
    db.session.flush()
    audit(actor, "speaker.created", speaker, after=snapshot(speaker))
    return speaker


def update_speaker(speaker: Speaker, data: SpeakerData, actor=None) -> Speaker:
    _check(data)
    before = snapshot(speaker)
    _apply(speaker, data)
    db.session.flush()
    audit(actor, "speaker.updated", speaker, before=before, after=snapshot(speaker))
    return speaker


def delete_speaker(speaker: Speaker, actor=None) -> None:
    """Only a speaker nobody names: the courses are counted here; the sessions (scheduling's,
    above the catalogue) hold them by a RESTRICT foreign key, which refuses the delete."""
    refused = Conflict(
        _l("This speaker is named on a course or session; remove them there first."),
        code="in_use",
    )
    named = select(func.count()).where(course_speakers.c.speaker_id == speaker.id)
    if db.session.scalar(named):
        raise refused
    audit(actor, "speaker.deleted", speaker, before=snapshot(speaker))
    try:
        with db.session.begin_nested():
            db.session.execute(delete(Speaker).where(Speaker.id == speaker.id))
    except IntegrityError:
        raise refused from None
    db.session.expire_all()


def check_speaker_ids(ids: list[int] | None, errors: dict, key: str = "speaker_ids") -> list[int]:
    """The ids in order without repeats; an unknown one is a field error."""
    if not ids:
        return []
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > MAX_SPEAKERS:
        errors[key] = _l("At most %(n)d speakers.", n=MAX_SPEAKERS)
        return []
    known = set(db.session.scalars(select(Speaker.id).where(Speaker.id.in_(wanted))))
    if unknown := [i for i in wanted if i not in known]:
        errors[key] = _l("Unknown speaker: %(ids)s.", ids=", ".join(map(str, unknown)))
    return wanted


def set_speakers(table: Table, owner_column: str, owner_id: int, speaker_ids: list[int]) -> None:
    """Replace the speakers of one course (or session) with these, in this order."""
    column = table.c[owner_column]
    db.session.execute(delete(table).where(column == owner_id))
    if speaker_ids:
        db.session.execute(
            insert(table),
            [
                {owner_column: owner_id, "speaker_id": speaker_id, "position": position}
                for position, speaker_id in enumerate(speaker_ids)
            ],
        )


def set_course_speakers(course_id: int, speaker_ids: list[int]) -> None:
    set_speakers(course_speakers, "course_id", course_id, speaker_ids)


def find_speaker(speaker_id: int) -> Speaker:
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None:
        raise NotFound(_l("No such speaker."))
    return speaker
