"""Event registration: one registration per person and event, at most one choice per slot,
each choice an enrolment made by the enrolment engine."""
