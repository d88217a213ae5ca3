"""Who came: attendance per meeting of a session, the trainers who may take it, closing a
session's attendance, check-in codes, no-shows (issue 10)."""
