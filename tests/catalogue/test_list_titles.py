"""The lists' "add" links and form headings are whole Dutch sentences: "nieuw" or "nieuwe"
as the noun's gender asks ("Nieuwe financieringsprogramma toevoegen" was composed from
"Add a %(what)s"), and a heading that starts with a capital."""

from __future__ import annotations

from booking.accounts.models import Role


def test_add_and_edit_titles_of_each_list(make, client, db_session):
    organiser = make.user(Role.ORGANISER)
    category = make.category()
    db_session.commit()
    make.login(client, organiser)
    page = client.get("/beheer/catalogus").get_data(as_text=True)
    for title in (
        "Nieuwe categorie toevoegen",
        "Nieuwe doelgroep toevoegen",
        "Nieuw financieringsprogramma toevoegen",
    ):
        assert title in page
    assert "Nieuwe financieringsprogramma" not in page
    page = client.get("/beheer/catalogus/programmas/nieuw").get_data(as_text=True)
    assert '<h1 class="utrecht-heading-1">Nieuw financieringsprogramma toevoegen</h1>' in page
    page = client.get(f"/beheer/catalogus/categorieen/{category.id}").get_data(as_text=True)
    assert '<h1 class="utrecht-heading-1">Categorie wijzigen</h1>' in page
