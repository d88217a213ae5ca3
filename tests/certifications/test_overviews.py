"""The overviews of who holds what: a team leader's matrix of their own team, HR's of their
own organisation, the organisers' list of every award with its filters and CSV export; each
page a fixed number of statements, whatever the number of people."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from booking.accounts.models import Role
from booking.attendance import services as attendance
from booking.attendance.services import Entry
from booking.certifications import services
from booking.certifications.services import CertificationInput
from booking.core.db import atomic
from booking.enrolment import services as enrolment
from booking.scheduling.services import MeetingData, SessionData, schedule_session


@dataclass
class World:
    organiser: object
    org_a: object
    org_b: object
    team_a: object
    team_b: object
    leader_a: object
    leader_b: object
    hr_a: object
    fresh: object  # team A: valid for long
    soon: object  # team A: expires within the notice days
    old: object  # team B: expired
    revoked: object  # team A: revoked
    outsider: object  # organisation B: valid
    safety: object  # the certification with a validity
    first_aid: object  # without an end date
    retired: object
    awards: dict


def _define(organiser, name, course_id, **values):
    return atomic(
        services.define,
        CertificationInput(name_nl=name, name_en=name, course_ids=[course_id], **values),
        actor=organiser,
    )


def _by_hand(organiser, certification, person, days_ago):
    return atomic(
        services.award_by_hand,
        certification.id,
        person.email,
        completed_on=date.today() - timedelta(days=days_ago),
        evidence_note="Certificate seen",
        actor=organiser,
    )


@pytest.fixture
def world(make, db_session):
    organiser = make.user(Role.ORGANISER)
    org_a, org_b = make.organisation("Gemeente A"), make.organisation("Gemeente B")
    team_a, team_b = make.team(org_a, "Alfa"), make.team(org_a, "Beta")
    leader_a = make.user(Role.TEAM_LEADER, team_=team_a)
    leader_b = make.user(Role.TEAM_LEADER, team_=team_b)
    hr_a = make.user(Role.HR, org=org_a)
    fresh = make.user(team_=team_a, org=org_a)
    soon = make.user(team_=team_a, org=org_a)
    revoked = make.user(team_=team_a, org=org_a)
    old = make.user(team_=team_b, org=org_a)
    outsider = make.user(team_=make.team(org_b, "Gamma"), org=org_b)
    course = make.course()
    db_session.commit()
    safety = _define(organiser, "Veiligheid", course.id, validity_months=12)
    first_aid = _define(organiser, "EHBO", course.id)
    retired = _define(organiser, "Oud", course.id)
    awards = {
        "fresh": _by_hand(organiser, safety, fresh, 30),
        "soon": _by_hand(organiser, safety, soon, 340),  # runs out in about 25 days
        "old": _by_hand(organiser, safety, old, 800),
        "revoked": _by_hand(organiser, first_aid, revoked, 10),
        "outsider": _by_hand(organiser, first_aid, outsider, 10),
        "retired": _by_hand(organiser, retired, fresh, 10),
    }
    atomic(services.revoke, awards["revoked"].id, "Fraud", actor=organiser)
    atomic(services.set_retired, retired.id, True, actor=organiser)
    return World(
        organiser,
        org_a,
        org_b,
        team_a,
        team_b,
        leader_a,
        leader_b,
        hr_a,
        fresh,
        soon,
        old,
        revoked,
        outsider,
        safety,
        first_aid,
        retired,
        {k: a.id for k, a in awards.items()},
    )


def _page(client, make, person, url, status=200):
    make.login(client, person)
    response = client.get(url)
    assert response.status_code == status
    return response.get_data(as_text=True)


def _cell(page, award_id):
    marker = f'data-award="{award_id}"'
    assert marker in page, award_id
    start = page.rindex("<td", 0, page.index(marker))
    return page[start : page.index("</td>", start)]


def test_team_leader_sees_their_own_team_only(client, make, world):
    page = _page(client, make, world.leader_a, "/mijn-team/certificaten")
    assert 'id="team-certifications"' in page
    for person in (world.fresh, world.soon, world.revoked, world.leader_a):
        assert f'data-person="{person.id}"' in page
    for person in (world.old, world.outsider, world.leader_b):
        assert f'data-person="{person.id}"' not in page
    # the columns: the certifications held, not the retired one
    assert "Veiligheid" in page and "EHBO" in page and "Oud" not in page
    assert 'data-status="valid"' in _cell(page, world.awards["fresh"])
    assert 'data-status="revoked"' in _cell(page, world.awards["revoked"])
    assert "expiry-warning" in _cell(page, world.awards["soon"])
    assert "expires-soon" in _cell(page, world.awards["soon"])
    assert "expires soon" not in _cell(page, world.awards["fresh"])


def test_another_leader_sees_their_team_and_others_are_refused(client, make, world):
    page = _page(client, make, world.leader_b, "/mijn-team/certificaten")
    assert f'data-person="{world.old.id}"' in page
    assert f'data-person="{world.fresh.id}"' not in page
    # expired shows as expired, never hidden
    assert 'data-status="expired"' in _cell(page, world.awards["old"])
    assert "Verlopen" in _cell(page, world.awards["old"])  # the default language
    client.post("/uitloggen")
    _page(client, make, world.fresh, "/mijn-team/certificaten", status=403)
    client.post("/uitloggen")
    _page(client, make, world.hr_a, "/beheer/certificaten", status=403)


def test_team_page_links_to_the_matrix(client, make, world):
    page = _page(client, make, world.leader_a, "/mijn-team")
    assert 'id="team-certifications-link"' in page


def test_hr_sees_their_own_organisation_only(client, make, world):
    page = _page(client, make, world.hr_a, "/organisatie/certificaten")
    assert 'id="organisation-certifications"' in page
    for person in (world.fresh, world.soon, world.revoked, world.old):
        assert f'data-person="{person.id}"' in page
    assert f'data-person="{world.outsider.id}"' not in page
    assert f'data-person="{world.leader_a.id}"' not in page  # holds nothing
    assert "Alfa" in page and "Beta" in page  # the team column
    # asking for another organisation changes nothing for HR
    other = client.get(f"/organisatie/certificaten?organisation={world.org_b.id}")
    assert f'data-person="{world.outsider.id}"' not in other.get_data(as_text=True)
    assert 'id="organisation-certifications-link"' in client.get("/organisatie").get_data(
        as_text=True
    )
    client.post("/uitloggen")
    _page(client, make, world.leader_a, "/organisatie/certificaten", status=403)


def test_organisers_choose_the_organisation(client, make, world):
    url = f"/organisatie/certificaten?organisation={world.org_b.id}"
    page = _page(client, make, world.organiser, url)
    assert f'data-person="{world.outsider.id}"' in page
    assert f'data-person="{world.fresh.id}"' not in page
    assert client.get("/organisatie/certificaten?organisation=999999").status_code == 404
    assert client.get("/organisatie/certificaten?organisation=x").status_code == 200


def test_the_awards_list_and_its_filters(client, make, world):
    page = _page(client, make, world.organiser, "/beheer/certificaten")
    for award_id in world.awards.values():
        assert f'data-award="{award_id}"' in page
    assert 'href="/beheer/certificaten"' in page  # the nav item
    expired = client.get("/beheer/certificaten?status=expired").get_data(as_text=True)
    assert f'data-award="{world.awards["old"]}"' in expired
    assert f'data-award="{world.awards["fresh"]}"' not in expired
    within = client.get("/beheer/certificaten?binnen=60").get_data(as_text=True)
    assert f'data-award="{world.awards["soon"]}"' in within
    assert f'data-award="{world.awards["fresh"]}"' not in within
    by_org = client.get(f"/beheer/certificaten?organisatie={world.org_b.id}").get_data(as_text=True)
    assert f'data-award="{world.awards["outsider"]}"' in by_org
    assert f'data-award="{world.awards["fresh"]}"' not in by_org
    by_name = client.get(f"/beheer/certificaten?q={world.old.email.upper()}").get_data(as_text=True)
    assert f'data-award="{world.awards["old"]}"' in by_name
    assert f'data-award="{world.awards["soon"]}"' not in by_name
    # nonsense filters are ignored, never a 500
    odd = client.get("/beheer/certificaten?status=x&binnen=-3&certificering=abc&pagina=99")
    assert odd.status_code == 200


def test_the_awards_list_is_paged(client, make, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    first = _page(client, make, world.organiser, "/beheer/certificaten")
    second = client.get("/beheer/certificaten?pagina=2").get_data(as_text=True)
    assert first.count("data-award=") == 4 and second.count("data-award=") == 2
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_the_revoke_link_only_when_the_page_exists(client, make, world, app):
    page = _page(client, make, world.organiser, "/beheer/certificaten")
    has_page = "certifications_manage.revoke" in app.view_functions
    link = f"/beheer/certificaten/{world.awards['fresh']}/intrekken"
    assert (link in page) == has_page
    assert f"/beheer/certificaten/{world.awards['revoked']}/intrekken" not in page


def _csv(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_has_the_header_the_rows_and_the_filters(client, make, world):
    make.login(client, world.organiser)
    rows = _csv(client, "/beheer/certificaten.csv")
    assert rows[0] == [
        "name",
        "email",
        "organisation",
        "team",
        "certification",
        "code",
        "status",
        "issued_at",
        "expires_at",
        "by_hand",
    ]
    assert len(rows) == 1 + len(world.awards)
    by_email = {row[1]: row for row in rows[1:] if row[4] == "Veiligheid"}
    old = by_email[world.old.email]
    assert old[2:4] == ["Gemeente A", "Beta"]
    assert old[6] == "expired" and old[9] == "yes"
    assert old[7] == (date.today() - timedelta(days=800)).isoformat()
    expired = _csv(client, "/beheer/certificaten.csv?status=expired")
    assert [row[1] for row in expired[1:]] == [world.old.email]
    revoked = _csv(client, "/beheer/certificaten.csv?status=revoked")
    assert [row[1] for row in revoked[1:]] == [world.revoked.email]
    client.post("/uitloggen")
    make.login(client, world.hr_a)
    assert client.get("/beheer/certificaten.csv").status_code == 403


def test_an_award_earned_by_attendance_shows(client, make, world, db_session):
    course = make.course()
    venue = make.physical_venue()
    start = make.future(3, 9)
    session = schedule_session(
        SessionData(
            course_id=course.id,
            mode="physical",
            capacity={"in_person": 5},
            meetings=[MeetingData(start, start + timedelta(hours=3))],
            venue_id=venue.id,
            room_id=venue.rooms[0].id,
        )
    )
    member = make.user(team_=world.team_a, org=world.org_a)
    place = enrolment.enrol(session.id, member, actor=member).enrolment
    db_session.commit()
    earned = _define(world.organiser, "Projectassistent", course.id, validity_months=24)
    atomic(
        attendance.record,
        session.id,
        session.meetings[0].id,
        [Entry(place.id, "attended")],
        actor=world.organiser,
        now=start + timedelta(minutes=5),
    )
    page = _page(client, make, world.leader_a, "/mijn-team/certificaten")
    assert "Projectassistent" in page
    row = page[page.index(f'data-person="{member.id}"') :]
    row = row[: row.index("</tr>")]
    assert 'data-status="valid"' in row
    assert earned.id


@pytest.mark.parametrize(
    "url, who",
    [
        ("/mijn-team/certificaten", "leader"),
        ("/organisatie/certificaten", "hr"),
        ("/beheer/certificaten", "organiser"),
        ("/beheer/certificaten.csv", "organiser"),
    ],
)
def test_a_fixed_number_of_statements(client, make, db_session, count_queries, url, who):
    organiser = make.user(Role.ORGANISER)
    org = make.organisation()
    team = make.team(org)
    leader = make.user(Role.TEAM_LEADER, team_=team)
    hr = make.user(Role.HR, org=org)
    course = make.course()
    db_session.commit()
    one = _define(organiser, "Een", course.id, validity_months=12)
    two = _define(organiser, "Twee", course.id)
    make.login(client, {"leader": leader, "hr": hr, "organiser": organiser}[who])
    counts = []
    made = 0
    for size in (3, 10):
        for _ in range(size - made):
            person = make.user(team_=team, org=org)
            db_session.commit()
            _by_hand(organiser, one, person, 200)
            _by_hand(organiser, two, person, 5)
        made = size
        count_queries.reset()
        response = client.get(url)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert body.count("data-award=") + body.count("@example.nl,") >= 2 * size
        counts.append(len(count_queries))
    assert counts[0] == counts[1], count_queries.statements


def test_the_overview_links_to_my_certificates(client, make, world):
    page = _page(client, make, world.fresh, "/mijn")
    assert 'id="my-certificates-link"' in page
