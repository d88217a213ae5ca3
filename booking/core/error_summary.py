"""The error summary of a page whose form was sent with mistakes (WCAG 3.3.1, 2.4.3).

`base.html` asks `page_errors()` once per page: every error of every WTForms form in the
template's context (with the id of its field, for a link), then the loose messages that views
hand to templates as `problems` (or `<something>_problems`, or a dict `field_errors`). When
there are any, the page's title starts with "Error:", a summary with links to the fields
opens the main content and takes the focus (`autofocus` on a `tabindex="-1"` box, so no
script is needed), and `form_errors` near a form leaves out what the summary already says.
"""

from __future__ import annotations

from flask import g, has_request_context
from jinja2 import pass_context
from wtforms import Field, Form
from wtforms.fields import FieldList, FormField, HiddenField, RadioField

GROUPS = ("RadioField", "MultiCheckboxField")


def _field_errors(form: Form) -> list[tuple[str | None, str, str]]:
    found = []
    for field in form:
        found.extend(_errors_of(field))
    return found


def _errors_of(field: Field) -> list[tuple[str | None, str, str]]:
    """(the element to link to, the line to show, the bare message) per error of a field."""
    if isinstance(field, FormField):
        return _field_errors(field.form)
    if isinstance(field, FieldList):
        return [item for entry in field.entries for item in _errors_of(entry)]
    # Messages may be lazy strings; a FormField's or FieldList's are dicts and lists (above).
    messages = [str(m) for m in (field.errors or []) if not isinstance(m, dict | list | tuple)]
    if not messages:
        return []
    if isinstance(field, HiddenField) or field.type == "CSRFTokenField":
        return [(None, m, m) for m in messages]
    # A group of radio buttons or checkboxes has no element of its own: its first option.
    anchor = f"{field.id}-0" if isinstance(field, RadioField) or field.type in GROUPS else field.id
    label = str(field.label.text) if field.label else ""
    return [(anchor, f"{label}: {m}" if label else m, m) for m in messages]


def _loose(name: str, value) -> list[str]:
    if name == "field_errors" and isinstance(value, dict):
        return [str(m) for m in value.values()]
    if (name == "problems" or name.endswith("_problems")) and isinstance(value, list | tuple):
        return [str(m) for m in value if m]
    return []


@pass_context
def page_errors(context) -> list[tuple[str | None, str]]:
    """(field id or None, message) for everything wrong on this page, computed once."""
    if has_request_context() and "page_errors" in g:
        return g.page_errors
    found: list[tuple[str | None, str, str]] = []
    loose: list[str] = []
    for name, value in context.get_all().items():
        if isinstance(value, Form):
            found.extend(_field_errors(value))
        else:
            loose.extend(_loose(name, value))
    # Views often pass a field's message as a loose problem too: it is shown once, linked.
    bare = {message for _, _, message in found}
    items = [(anchor, line) for anchor, line, _ in found]
    items += [(None, message) for message in loose if message not in bare]
    items = list(dict.fromkeys(items))
    if has_request_context():
        g.page_error_messages = bare | set(loose)
    if has_request_context():
        g.page_errors = items
    return items


def unsummarised(errors) -> list[str]:
    """The messages of `errors` that the page's summary does not already show."""
    shown = g.get("page_error_messages", set()) if has_request_context() else set()
    return [str(e) for e in (errors or []) if str(e) not in shown]
