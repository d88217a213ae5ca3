"""The administrators' retention table (nine columns, the last a form) fits a desktop page:
before its columns were set closer, its save buttons were cut off behind a scroll bar."""

from __future__ import annotations

import pytest

from booking.accounts.models import Role

pytestmark = pytest.mark.e2e


def test_the_retention_table_fits_at_desktop_width(page, make, db_session, log_in):
    for name in ("Gemeente Maassluis", "Gemeente Schiedam", "Gemeente Vlaardingen"):
        make.organisation(name)
    admin = make.user(Role.ADMIN)
    db_session.commit()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, admin.email)
    page.goto("/beheer/privacy")
    table, container = page.locator("#retention").evaluate(
        "t => [t.scrollWidth, t.parentElement.clientWidth]"
    )
    assert table <= container, (table, container)
    assert page.get_by_role("button", name="Opslaan").first.is_visible()
