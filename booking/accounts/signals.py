"""What accounts tells the features built on it. Receivers run inside the sender's
transaction, so what they write commits or rolls back with the change that caused it."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

role_changed = _signals.signal("accounts-role-changed")
"""A person's role was changed (`people.update_person`, a CSV import). Sender: the User.
Keyword arguments: `before` (the old role), `actor` (a User, or None on the command line)."""
