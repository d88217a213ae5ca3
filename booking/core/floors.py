"""Answers that take at least a fixed time, so that what they did cannot be timed from outside
(whether a certificate code or an e-mail address is known)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def time_floor(seconds: float) -> Iterator[None]:
    """Wraps a whole answer (lookup, writes and rendering): it ends no sooner than `seconds`
    after it began, however quick the work inside was."""
    began = time.perf_counter()
    try:
        yield
    finally:
        left = seconds - (time.perf_counter() - began)
        if left > 0:
            time.sleep(left)
