"""The organisers' pages for categories, target groups and funding programmes, the education
levels present after `db upgrade`, and courses filed under the lists."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from booking.catalogue.models import Category, Course, FundingProgramme, TargetGroup
from booking.extensions import db
from tests.conftest import make_app


def test_a_fresh_database_has_the_education_levels_as_target_groups():
    folder = tempfile.mkdtemp(prefix="booking-fresh-")
    app = make_app(f"sqlite:///{Path(folder) / 'fresh.sqlite'}")
    with app.app_context():
        upgrade()
        rows = db.session.execute(
            select(TargetGroup.slug, TargetGroup.education_level).order_by(TargetGroup.position)
        ).all()
        db.session.remove()
        db.engine.dispose()
    assert rows == [("mbo", "mbo"), ("hbo", "hbo"), ("wo", "wo")]


def organiser_client(client, make, db_session):
    make.login(client, make.user("organiser"))
    return client


def test_organiser_builds_the_lists_in_the_pages(client, make, db_session):
    organiser_client(client, make, db_session)
    db_session.commit()
    assert client.get("/beheer/catalogus").status_code == 200
    saved = client.post(
        "/beheer/catalogus/categorieen/nieuw", data={"name": "Loopbaan", "name_en": "Career"}
    )
    assert saved.status_code == 303
    assert (
        db.session.scalar(select(Category.name_en).where(Category.slug == "loopbaan")) == "Career"
    )
    again = client.post("/beheer/catalogus/categorieen/nieuw", data={"name": "loopbaan"})
    assert again.status_code == 422
    assert "Deze naam staat al in de lijst." in again.get_data(as_text=True)
    empty = client.post("/beheer/catalogus/doelgroepen/nieuw", data={"name": ""})
    assert empty.status_code == 422 and "Vul een naam in." in empty.get_data(as_text=True)
    programme = client.post(
        "/beheer/catalogus/programmas/nieuw",
        data={
            "name": "Update!",
            "description": "Voor mbo'ers",
            "target_participants": "300",
            "starts_on": "2027-01-01",
            "ends_on": "2026-01-01",
        },
    )
    assert programme.status_code == 422  # ends before it starts
    assert "De periode moet" in programme.get_data(as_text=True)
    programme = client.post(
        "/beheer/catalogus/programmas/nieuw",
        data={"name": "Update!", "target_participants": "300", "starts_on": "2027-01-01"},
    )
    assert programme.status_code == 303
    made = db.session.scalar(select(FundingProgramme))
    assert made.target_participants == 300 and made.name_en == "Update!"
    page = client.get("/beheer/catalogus").get_data(as_text=True)
    assert "Update!" in page and "Loopbaan" in page
    assert client.get("/beheer/catalogus/onbekend/nieuw").status_code == 404
    assert client.get("/beheer/catalogus/categorieen/99999").status_code == 404

    edit = client.post(
        f"/beheer/catalogus/programmas/{made.id}",
        data={"name": "Update! 2027", "target_participants": "350"},
    )
    assert edit.status_code == 303
    db.session.expire_all()
    assert made.name == "Update! 2027" and made.slug == "update"


def test_order_retire_and_delete_from_the_list_page(client, make, db_session):
    organiser_client(client, make, db_session)
    first, second = make.category("een"), make.category("twee")
    first.position, second.position = 0, 1
    make.course("In gebruik", category_slug="een")
    db_session.commit()
    client.post(f"/beheer/catalogus/categorieen/{second.id}/verplaatsen", data={"direction": "up"})
    order = db.session.scalars(select(Category.slug).order_by(Category.position)).all()
    assert order == ["twee", "een"]
    removed = client.post(f"/beheer/catalogus/categorieen/{first.id}/verwijderen")
    assert removed.status_code == 303
    db.session.expire_all()
    assert db.session.get(Category, first.id).retired  # a course uses it: retired
    page = client.get("/beheer/catalogus").get_data(as_text=True)
    assert "in plaats van verwijderd" in page
    client.post(f"/beheer/catalogus/categorieen/{first.id}/status", data={"retired": "0"})
    db.session.expire_all()
    assert not db.session.get(Category, first.id).retired
    second_id = second.id
    client.post(f"/beheer/catalogus/categorieen/{second_id}/verwijderen")
    db.session.expire_all()
    assert db.session.get(Category, second_id) is None


def test_the_course_form_offers_current_items_and_keeps_retired_ones(client, make, db_session):
    organiser_client(client, make, db_session)
    make.category("loopbaan")
    old = make.category("oud")
    programme = FundingProgramme(slug="update", name="Update!", name_en="Update!")
    db_session.add(programme)
    course = make.course("Oude cursus", category_slug="oud")
    old.retired = True
    db_session.commit()
    new_form = client.get("/beheer/cursussen/nieuw").get_data(as_text=True)
    assert 'value="loopbaan"' in new_form and 'value="oud"' not in new_form
    assert "Update!" in new_form
    edit_form = client.get(f"/beheer/cursussen/{course.id}").get_data(as_text=True)
    assert 'value="oud"' in edit_form  # its own, though retired
    saved = client.post(
        "/beheer/cursussen/nieuw",
        data={
            "title": "DISC teamtraining",
            "format": "training",
            "category": "loopbaan",
            "funding_programmes": ["update"],
            "in_company_only": "y",
            "published": "y",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    made = db.session.scalar(select(Course).where(Course.title == "DISC teamtraining"))
    assert made.in_company_only and [p.slug for p in made.funding_programmes] == ["update"]
    refused = client.post(
        "/beheer/cursussen/nieuw",
        data={"title": "Nieuw", "format": "training", "category": "oud", "published": "y"},
    )
    assert refused.status_code == 422


def test_only_organisers_see_the_list_pages(client, make, db_session):
    category = make.category("loopbaan")
    make.login(client, make.user("team_leader"))
    db_session.commit()
    assert client.get("/beheer/catalogus").status_code == 403
    assert client.post("/beheer/catalogus/categorieen/nieuw", data={"name": "X"}).status_code == 403
    assert (
        client.post(f"/beheer/catalogus/categorieen/{category.id}/verwijderen").status_code == 403
    )


def test_the_list_page_reads_a_fixed_number_of_statements(client, make, db_session, count_queries):
    organiser_client(client, make, db_session)

    def fill(n: int, start: int) -> None:
        for i in range(start, start + n):
            make.category(f"categorie-{i}")
            make.target_group(f"groep-{i}")
            db_session.add(FundingProgramme(slug=f"p-{i}", name=f"P {i}", name_en=f"P {i}"))
            make.course(f"Cursus {i}", category_slug=f"categorie-{i}", target_groups=[f"groep-{i}"])
        db_session.commit()

    fill(2, 0)
    count_queries.reset()
    assert client.get("/beheer/catalogus").status_code == 200
    few = len(count_queries)
    fill(20, 2)
    count_queries.reset()
    assert client.get("/beheer/catalogus").status_code == 200
    assert len(count_queries) == few
