"""Texts from outside are escaped in pages, also inside a lazy translated message."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from booking.core.errors import ValidationError


def test_a_lazy_message_with_outside_text_is_escaped_in_a_page(app):
    with app.test_request_context():
        message = _l("Room %(name)s is used by planned sessions.", name="<b onclick=x>Zaal</b>")
        page = render_template_string("<p>{{ message }}</p>", message=message)
        assert "&lt;b onclick=x&gt;Zaal&lt;/b&gt;" in page and "<b " not in page
        error = ValidationError(message, fields={"rooms": message})
        page = render_template_string("{{ e.fields['rooms'] }}", e=error)
        assert "<b " not in page


def test_markup_meant_as_markup_stays_markup(app):
    with app.test_request_context():
        page = render_template_string("{{ m }}", m=Markup("<strong>vol</strong>"))
        assert page == "<strong>vol</strong>"
