"""Human names for stored codes, in the reader's language: the one lookup every feature's
table of names goes through. The tables themselves belong to the features that own the codes
(`accounts/labels.py`, `catalogue/labels.py`, `scheduling/labels.py`, `enrolment/labels.py`)."""

from __future__ import annotations


def label(table: dict, code: str | None) -> str:
    if code is None:
        return ""
    return str(table.get(code, code))
