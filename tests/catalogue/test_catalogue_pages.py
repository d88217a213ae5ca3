"""Browsing the catalogue: search, filters, course pages, closed sessions, languages."""

from __future__ import annotations

import re

import pytest

from booking.accounts.models import Role
from booking.catalogue.models import Course


def titles(response) -> str:
    return response.get_data(as_text=True)


def test_search_filters_by_text_category_target_group_and_format(client, make, db_session):
    make.target_group("mbo")
    make.course("Netwerken met LinkedIn", format="workshop", summary="Profileren en netwerken")
    make.course(
        "Assertiviteitstraining",
        format="training",
        category_slug="effectiviteit",
        target_groups=["mbo"],
    )
    make.course("Webinar: Veerkracht", format="webinar", speaker="Ruben Schaatsma")
    db_session.commit()
    everything = titles(client.get("/"))
    assert all(t in everything for t in ("LinkedIn", "Assertiviteitstraining", "Veerkracht"))
    found = titles(client.get("/?q=linkedin"))
    assert "LinkedIn" in found and "Assertiviteitstraining" not in found
    assert "1 cursus gevonden" in found
    assert "Veerkracht" in titles(client.get("/?q=schaatsma"))  # speakers are searched too
    by_format = titles(client.get("/?format=training"))
    assert "Assertiviteitstraining" in by_format and "LinkedIn" not in by_format
    by_category = titles(client.get("/?category=effectiviteit"))
    assert "Assertiviteitstraining" in by_category and "Veerkracht" not in by_category
    by_group = titles(client.get("/?target_group=mbo"))
    assert "Assertiviteitstraining" in by_group and "LinkedIn" not in by_group


def test_odd_search_input_is_harmless(client, make, db_session):
    make.course("100% online")
    db_session.commit()
    assert "100% online" in titles(client.get("/?q=100%25"))
    for query in [
        "?q=%25%25%25",
        "?q=_",
        "?q=" + "x" * 5000,
        "?format=nonsense",
        "?page=-4",
        "?page=abc",
        "?category=%C3%28",
    ]:
        assert client.get("/" + query).status_code == 200, query
    # NUL cannot be stored in PostgreSQL text: refused up front, in queries and forms alike.
    assert client.get("/?q=a%00b").status_code == 400
    assert (
        client.post("/inloggen", data={"email": "a\x00@b.nl", "password": "x"}).status_code == 400
    )


def test_unpublished_courses_are_for_organisers_only(client, make, db_session):
    course = make.course("Verborgen cursus", published=False)
    organiser = make.user(Role.ORGANISER)
    db_session.commit()
    assert "Verborgen cursus" not in titles(client.get("/"))
    assert client.get(f"/cursussen/{course.slug}").status_code == 404
    make.login(client, organiser)
    assert client.get(f"/cursussen/{course.slug}").status_code == 200


def test_course_page_shows_sessions_with_place_and_free_places(client, make, db_session):
    course = make.course("Netwerken met LinkedIn")
    venue = make.physical_venue("Opleidingscentrum", rooms=(("Zaal Schie", 16),))
    make.session(course, mode="hybrid", capacity={"in_person": 16, "online": 30}, venue=venue)
    make.session(course, mode="online", capacity={"online": 40}, start=make.future(days=40))
    db_session.commit()
    page = titles(client.get(f"/cursussen/{course.slug}"))
    assert "Opleidingscentrum, Zaal Schie – Stadserf 1, 3112 DZ Schiedam" in page
    assert "16 plaatsen vrij op locatie" in page and "30 plaatsen vrij online" in page
    assert "40 plaatsen vrij online" in page
    assert "Online via Teams" in page
    assert client.get("/cursussen/does-not-exist").status_code == 404


def test_closed_sessions_are_invisible_to_other_organisations(client, make, db_session):
    schiedam, vlaardingen = make.organisation("Schiedam"), make.organisation("Vlaardingen")
    team = make.team(vlaardingen, "Openbaar Groen")
    course = make.course("DISC teamtraining")
    make.session(course, visibility="team", team_id=team.id)
    make.session(
        course, visibility="organisation", organisation_id=schiedam.id, start=make.future(days=30)
    )
    outsider = make.user(org=schiedam)
    member = make.user(org=vlaardingen, team_=team)
    colleague = make.user(org=vlaardingen)
    hr = make.user(Role.HR, org=vlaardingen)
    db_session.commit()

    def sessions_seen(person=None):
        client.post("/uitloggen")
        if person:
            make.login(client, person)
        return len(re.findall(r'id="sessie-\d+"', titles(client.get(f"/cursussen/{course.slug}"))))

    assert sessions_seen() == 0
    assert sessions_seen(outsider) == 1  # the Schiedam-only session
    assert sessions_seen(member) == 1  # the team session
    assert sessions_seen(colleague) == 0
    assert sessions_seen(hr) == 1  # HR sees their organisation's team sessions


def test_english_pages_and_category_names(client, make, db_session):
    make.course("Netwerken met LinkedIn")
    db_session.commit()
    client.post("/taal", data={"language": "en", "next": "/"})
    page = titles(client.get("/"))
    assert "Trainings and events" in page and "Loopbaan (en)" in page
    assert "No session planned yet." in page


def test_catalogue_page_makes_the_same_number_of_queries_for_many_courses(
    client, make, db_session, count_queries
):
    def build(number):
        for index in range(number):
            course = make.course(f"Cursus {index}", target_groups=["mbo"])
            make.session(course, mode="hybrid", start=make.future(days=10 + index))
        db_session.commit()

    make.target_group("mbo")
    build(2)
    count_queries.reset()
    client.get("/")
    few = len(count_queries)
    build(10)
    count_queries.reset()
    client.get("/")
    assert len(count_queries) == few, count_queries.statements


def test_course_page_queries_do_not_grow_with_sessions(client, make, db_session, count_queries):
    course = make.course("Veel sessies")
    venue = make.physical_venue(rooms=(("Zaal", 20),))
    make.session(course, mode="hybrid", venue=venue)
    db_session.commit()
    count_queries.reset()
    client.get(f"/cursussen/{course.slug}")
    one = len(count_queries)
    for days in range(20, 30):
        make.session(course, mode="hybrid", venue=venue, start=make.future(days=days))
    db_session.commit()
    count_queries.reset()
    client.get(f"/cursussen/{course.slug}")
    assert len(count_queries) == one


def test_events_list_and_programme_by_time_slot(client, make, db_session):
    from booking.scheduling.models import Event

    event = Event(slug="loopbaanfestival", title="Loopbaanfestival", kind="festival")
    db_session.add(event)
    db_session.flush()
    venue = make.physical_venue(rooms=(("Grote zaal", 100), ("Studio", 25)))
    start = make.future(days=50, hour=12)
    make.session(
        make.course("Loopbaangesprek", format="festival_session"),
        venue=venue,
        event_id=event.id,
        start=start,
        hours=1,
    )
    make.session(
        make.course("Je talenten in beeld", format="festival_session"),
        venue=venue,
        room=venue.rooms[1],
        event_id=event.id,
        start=start,
        hours=1,
    )
    db_session.commit()
    assert "Loopbaanfestival" in titles(client.get("/evenementen"))
    page = titles(client.get("/evenementen/loopbaanfestival"))
    assert "2 parallelle sessies" in page
    assert page.index("Loopbaangesprek") > page.index("Programma")
    assert client.get("/evenementen/onbekend").status_code == 404


def test_organiser_adds_and_edits_a_course(client, make, db_session):
    make.category("loopbaan")
    make.target_group("mbo")
    make.login(client, make.user(Role.ORGANISER))
    response = client.post(
        "/beheer/cursussen/nieuw",
        data={
            "title": "Projectassistent",
            "summary": "Gecertificeerd",
            "description": "Zes dagen",
            "format": "training",
            "category": "loopbaan",
            "target_groups": ["mbo"],
            "price": "895,00",  # the Dutch decimal comma; a decimal point is read the same
            "certified": "y",
            "requires_approval": "y",
            "published": "y",
        },
    )
    assert response.status_code == 302
    course = db_session.query(Course).one()
    assert (course.slug, course.price_cents, course.certified) == ("projectassistent", 89500, True)
    assert [g.slug for g in course.target_groups] == ["mbo"]
    form = titles(client.get(f"/beheer/cursussen/{course.id}"))
    assert 'value="895,00"' in form  # shown as a Dutch organiser writes it
    response = client.post(
        f"/beheer/cursussen/{course.id}",
        data={"title": "Projectassistent (nieuw)", "format": "training", "category": "loopbaan"},
    )
    assert response.status_code == 302
    db_session.rollback()
    course = db_session.get(Course, course.id)
    assert course.title == "Projectassistent (nieuw)" and course.published is False
    assert course.slug == "projectassistent"  # links keep working after a rename


def test_course_form_validation_messages(client, make, db_session):
    make.category("loopbaan")
    make.login(client, make.user(Role.ORGANISER))
    response = client.post(
        "/beheer/cursussen/nieuw",
        data={"title": "", "format": "lecture", "category": "", "price": "-3"},
    )
    text = titles(response)
    assert response.status_code == 422
    assert "Vul een titel in." in text and "Kies een categorie." in text
    assert "Een prijs kan niet negatief zijn." in text
    response = client.post(
        "/beheer/cursussen/nieuw",
        data={"title": "x" * 201, "format": "workshop", "category": "loopbaan"},
    )
    assert response.status_code == 422
    assert db_session.query(Course).count() == 0


def test_a_price_with_a_decimal_point_is_read_as_euros_and_cents(client, make, db_session):
    make.category("loopbaan")
    make.login(client, make.user(Role.ORGANISER))
    data = {"title": "Excel", "format": "training", "category": "loopbaan", "price": "49.5"}
    assert client.post("/beheer/cursussen/nieuw", data=data).status_code == 302
    course = db_session.query(Course).one()
    assert course.price_cents == 4950
    client.post("/taal", data={"language": "en", "next": "/"})
    assert 'value="49.50"' in titles(client.get(f"/beheer/cursussen/{course.id}"))


@pytest.mark.parametrize(
    "price", ["Infinity", "-Infinity", "NaN", "sNaN", "1e3", "12,345", "1.250,00", "€ 5", "5,-"]
)
def test_a_price_must_be_an_amount_in_euros_and_cents(client, make, db_session, price):
    make.category("loopbaan")
    make.login(client, make.user(Role.ORGANISER))
    response = client.post(
        "/beheer/cursussen/nieuw",
        data={"title": "Excel", "format": "training", "category": "loopbaan", "price": price},
    )
    assert response.status_code == 422
    assert "Vul een bedrag in euro in, zoals 895,00." in titles(response)
    assert db_session.query(Course).count() == 0
