"""Bridges between domain errors and WTForms: a service's field errors land on form fields."""

from __future__ import annotations

from wtforms import FieldList, Form, FormField
from wtforms.fields.choices import SelectChoice

from booking.core.errors import DomainError
from booking.core.web import bounded_id


def show_errors(form: Form, error: DomainError, mapping: dict[str, str] | None = None) -> list:
    """Attach the service's field messages to the form's fields.

    `mapping` turns service keys (`capacity.in_person`, `meetings.0.ends_at`) into form field
    paths (`in_person_capacity`, `meetings-0-end`). Messages without a field are returned, to be
    shown above the form, so nothing the service said is lost.
    """
    mapping = mapping or {}
    loose = []
    fields = error.fields or {}
    if not fields:
        return [error.message]
    for key, message in fields.items():
        target = _find(form, mapping.get(key, key))
        if target is None:
            loose.append(message)
        else:
            target.errors = [*list(target.errors or []), str(message)]
    return loose


def distinct_ids(form: Form, prefix: str) -> Form:
    """Gives the fields of a second form on one page ids of their own (`series-minutes`), so
    no id is used twice and each label still names its field (WCAG 1.3.1, 4.1.2). The
    fields' names, and so what the form posts, stay the same."""
    for field in form:
        if not field.id.startswith(f"{prefix}-"):
            field.id = f"{prefix}-{field.id}"
            field.label.field_id = field.id
    return form


def _find(form: Form, path: str):
    """A field by dotted or dashed path: 'meetings.0.ends_at' -> form.meetings[0].ends_at."""
    parts = path.replace("-", ".").split(".")
    node = form
    for part in parts:
        if part.isdigit():
            entries = getattr(node, "entries", None)
            index = int(part)
            if entries is None or index >= len(entries):
                return None
            node = entries[index]
            node = getattr(node, "form", node)
        else:
            candidate = node[part] if hasattr(node, "_fields") and part in node._fields else None
            if candidate is None:
                return None
            node = getattr(candidate, "form", candidate) if part != parts[-1] else candidate
    if not hasattr(node, "errors") or hasattr(node, "_fields"):
        return None
    if isinstance(node, FieldList | FormField):  # their own errors are never shown: loose
        return None
    if isinstance(node.errors, dict):
        return None
    return node


def form_id(value) -> int:
    """`coerce` of a field that names a row: a whole number within the bounds of `bounded_id`;
    anything else is the field's error (WTForms turns the ValueError into "not a valid
    choice"), not a database error."""
    number = bounded_id(value)
    if not number:
        raise ValueError(f"not an id: {value!r}")
    return number


def optional_id(value) -> int | None:
    """`form_id`, with None for "none chosen"."""
    if value in (None, "", "None"):
        return None
    return form_id(value)


def options(pairs, optgroup=None, lang=None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices; labels may be lazy strings (rendered late).

    `lang="nl"` marks labels written only in Dutch (course titles) for English pages
    (WCAG 3.1.2): an option holds plain text, so the mark goes on the option itself.
    """
    render_kw = {"lang": lang} if lang else {}
    return [
        SelectChoice(value, label, dict(render_kw), optgroup=optgroup) for value, label in pairs
    ]
