"""HR's page of a person says "Onbekend" for an unknown education level, with a capital as
every other value of the list (it said "onbekend")."""

from __future__ import annotations

from booking.accounts.models import Role


def test_an_unknown_education_level_reads_onbekend(make, client, db_session):
    organisation = make.organisation()
    hr = make.user(Role.HR, org=organisation)
    person = make.user(org=organisation, education_level=None)
    db_session.commit()
    make.login(client, hr)
    page = client.get(f"/organisatie/mensen/{person.id}").get_data(as_text=True)
    assert "<dd>Onbekend</dd>" in page
