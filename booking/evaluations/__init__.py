"""Evaluations: after a session, its participants rate content, trainer and organisation
(1-5) and may leave a comment; organisers see the results per session, course and trainer,
only above a minimum number of answers (issue 12)."""
