"""Reading the forms of a page as a browser would submit them (html.parser, no browser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Form:
    method: str
    action: str  # the path it posts to (no query string)
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)  # what it sends as found
    names: list[str] = field(default_factory=list)  # every field name, in order
    files: list[str] = field(default_factory=list)
    choices: set[str] = field(default_factory=set)  # selects, radio buttons, checkboxes
    hidden: set[str] = field(default_factory=set)

    def data(self, **override) -> list[tuple[str, str]]:
        """The submitted pairs, with `override`'s names replaced."""
        pairs = [(k, v) for k, v in self.fields if k not in override]
        return pairs + list(override.items())


class _Parser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None
        self.text: list[str] = []
        self.submitted = False

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = urlsplit(urljoin(self.page, attrs.get("action") or self.page)).path
            self.form = Form(
                method=(attrs.get("method") or "get").lower(),
                action=action,
                multipart="multipart" in (attrs.get("enctype") or ""),
            )
            self.forms.append(self.form)
            self.submitted = False
            return
        if self.form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            self._name(name)
            if kind == "file":
                self.form.files.append(name)
            elif kind in ("checkbox", "radio"):
                self.form.choices.add(name)
                if "checked" in attrs:
                    self.form.fields.append((name, attrs.get("value", "on")))
            elif kind in ("submit", "image", "button"):
                if not self.submitted and kind == "submit":  # the first button is "clicked"
                    self.form.fields.append((name, attrs.get("value", "")))
                    self.submitted = True
            else:
                if kind == "hidden":
                    self.form.hidden.add(name)
                self.form.fields.append((name, attrs.get("value", "")))
        elif tag == "button" and name and (attrs.get("type") or "submit") == "submit":
            self._name(name)
            if not self.submitted:
                self.form.fields.append((name, attrs.get("value", "")))
                self.submitted = True
        elif tag == "select" and name:
            self._name(name)
            self.form.choices.add(name)
            self.select, self.select_first, self.select_chosen = name, None, False
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs and not self.select_chosen:
                self.form.fields.append((self.select, value))
                self.select_chosen = True
        elif tag == "textarea" and name:
            self._name(name)
            self.textarea, self.text = name, []

    def _name(self, name: str) -> None:
        if name not in self.form.names:
            self.form.names.append(name)

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.form is not None and self.select:
            if not self.select_chosen and self.select_first is not None:
                self.form.fields.append((self.select, self.select_first))
            self.select = None
        elif tag == "textarea" and self.form is not None and self.textarea:
            self.form.fields.append((self.textarea, "".join(self.text).lstrip("\n")))
            self.textarea = None


def forms_of(page_url: str, html: str) -> list[Form]:
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms
