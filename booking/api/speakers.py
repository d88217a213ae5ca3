"""Speakers and trainers: anyone reads them (they are named on public course pages);
organisers add, change and delete them. Courses and sessions name them with `speaker_ids`.
The rules are `booking.catalogue.speakers`'."""

from __future__ import annotations

from flask import url_for
from pydantic import Field, model_validator
from sqlalchemy import select

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Input, Output, Text
from booking.catalogue import speakers
from booking.catalogue.models import Speaker
from booking.core.db import atomic
from booking.extensions import db

TAG = "speakers"


class SpeakerIn(Input):
    name: Text = Field(min_length=1, max_length=120)
    role: Text = Field("", max_length=120, description="What they do: 'antropoloog'.")
    organisation: Text = Field("", max_length=120)
    bio: Text = Field("", max_length=2000, description="A short biography.")
    photo_url: Text | None = Field(None, max_length=500, description="An http(s) image link.")


class SpeakerPatch(Input):
    """Only the fields given change."""

    name: Text | None = Field(None, min_length=1, max_length=120)
    role: Text | None = Field(None, max_length=120)
    organisation: Text | None = Field(None, max_length=120)
    bio: Text | None = Field(None, max_length=2000)
    photo_url: Text | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _not_null(self):
        for name in ("name", "role", "organisation", "bio"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        return self


class SpeakerOut(Output):
    id: int
    name: str
    role: str
    organisation: str
    bio: str
    photo_url: str | None


class SpeakerList(Output):
    items: list[SpeakerOut]


def speaker_out(speaker: Speaker) -> SpeakerOut:
    return SpeakerOut(
        id=speaker.id,
        name=speaker.name,
        role=speaker.role,
        organisation=speaker.organisation,
        bio=speaker.bio,
        photo_url=speaker.photo_url,
    )


def _data(speaker: Speaker | None, given: dict) -> speakers.SpeakerData:
    current = {}
    if speaker is not None:
        current = {k: getattr(speaker, k) for k in speakers.SpeakerData.__dataclass_fields__}
    return speakers.SpeakerData(**(current | given))


@api(bp, "/speakers", "GET", summary="Speakers and trainers", tag=TAG, response=SpeakerList)
def list_speakers(user):
    """Everyone, by name."""
    rows = db.session.scalars(select(Speaker).order_by(Speaker.name, Speaker.id))
    return reply(SpeakerList(items=[speaker_out(s) for s in rows]))


@api(
    bp,
    "/speakers",
    "POST",
    summary="Add a speaker",
    tag=TAG,
    organiser=True,
    body=SpeakerIn,
    response=SpeakerOut,
    status=201,
)
def add_speaker(user, body: SpeakerIn):
    """Name them on courses and sessions with `speaker_ids`."""
    speaker_id = atomic(lambda: speakers.create_speaker(_data(None, body.model_dump()), user).id)
    location = url_for("api.get_speaker", speaker_id=speaker_id)
    return reply(speaker_out(db.session.get(Speaker, speaker_id)), 201, location=location)


@api(
    bp,
    "/speakers/<int:speaker_id>",
    "GET",
    summary="One speaker",
    tag=TAG,
    response=SpeakerOut,
)
def get_speaker(user, speaker_id: int):
    """A speaker with their short biography."""
    return reply(speaker_out(speakers.find_speaker(speaker_id)))


@api(
    bp,
    "/speakers/<int:speaker_id>",
    "PATCH",
    summary="Change a speaker",
    tag=TAG,
    organiser=True,
    body=SpeakerPatch,
    response=SpeakerOut,
)
def change_speaker(user, speaker_id: int, body: SpeakerPatch):
    """Only the fields given change; `photo_url` null removes the photo."""

    def work() -> None:
        speaker = speakers.find_speaker(speaker_id)
        speakers.update_speaker(speaker, _data(speaker, body.model_dump(exclude_unset=True)), user)

    atomic(work)
    return reply(speaker_out(speakers.find_speaker(speaker_id)))


@api(
    bp,
    "/speakers/<int:speaker_id>",
    "DELETE",
    summary="Delete a speaker",
    tag=TAG,
    organiser=True,
    response=SpeakerOut,
    errors={409: "Still named on a course or session (code `in_use`)."},
)
def delete_speaker(user, speaker_id: int):
    """Only a speaker no course or session names; answers what was deleted."""

    def work() -> SpeakerOut:
        speaker = speakers.find_speaker(speaker_id)
        gone = speaker_out(speaker)
        speakers.delete_speaker(speaker, user)
        return gone

    return reply(atomic(work))
