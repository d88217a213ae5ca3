"""The e-mail outbox: every message owed to a person, written with the change that causes it."""
