"""An organiser filling in someone else's advisor profile reads labels about the advisor; the
advisor's own agenda keeps speaking to them ("Over jou" on the organisers' page was wrong)."""

from __future__ import annotations

from booking.accounts.models import Role


def test_the_organisers_form_speaks_about_the_advisor(make, client, db_session, advisor):
    organiser = make.user(Role.ORGANISER)
    db_session.commit()
    make.login(client, organiser)
    page = client.get("/beheer/adviseurs").get_data(as_text=True)
    assert "Waar de adviseur meestal is" in page and "Over de adviseur" in page
    assert "Over jou" not in page and "Waar je meestal bent" not in page

    client.post("/uitloggen")
    make.login(client, advisor)
    page = client.get("/loopbaangesprekken/agenda").get_data(as_text=True)
    assert "Over jou" in page and "Waar je meestal bent" in page
