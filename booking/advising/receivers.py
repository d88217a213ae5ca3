"""Advising's receiver of accounts' `role_changed`, connected by create_app: someone whose
new role makes them no career advisor stops being one (their profile is retired; what was
booked with them stays). Runs in the sender's transaction."""

from __future__ import annotations

from booking.accounts.signals import role_changed
from booking.advising import advisors


def _role_changed(user, before=None, actor=None, **_kw) -> None:
    advisors.retire_on_role_change(user, actor=actor)


def connect() -> None:
    role_changed.connect(_role_changed)
