"""What attendance tells the features built on it (certifications). Receivers run inside
the sender's transaction and under its session lock (`services.lock_for_attendance`), so
what they write commits or rolls back with the attendance that caused it, and two changes of
one session's attendance never run their receivers at the same time."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

attendance_changed = _signals.signal("attendance-changed")
"""Records of a session were written or corrected. Sender: the session id. Keyword arguments:
`enrolment_ids` (the places whose records changed), `actor` (a User, or None for the
participant's own join link or check-in), `now`."""

session_closed = _signals.signal("attendance-session-closed")
"""An organiser closed the session's attendance. Sender: the session id. Keyword arguments:
`actor`, `now`."""
