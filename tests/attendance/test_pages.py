"""The attendance pages: the phone-friendly list of a meeting ("everyone present", then the
exceptions), the session's overview with its trainers and closing, who may open them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.accounts.models import Role
from booking.attendance import services, views
from booking.attendance.models import AttendanceRecord, SessionTrainer
from booking.core.db import atomic
from booking.extensions import db


@pytest.fixture
def started(two_meetings, monkeypatch):
    later = two_meetings.first + timedelta(minutes=10)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    monkeypatch.setattr(views, "utcnow", lambda: later)
    return two_meetings


def _statuses(meeting_id: int) -> dict[int, str]:
    db.session.expire_all()
    return {
        r.enrolment_id: r.status
        for r in db.session.scalars(
            select(AttendanceRecord).where(AttendanceRecord.meeting_id == meeting_id)
        )
    }


def _url(course, meeting=0) -> str:
    return f"/presentie/sessies/{course.session.id}/bijeenkomsten/{course.meeting_ids[meeting]}"


def test_everyone_present_then_the_exceptions(client, make, started):
    course = started
    a, b, c = course.places
    make.login(client, course.organiser)
    page = client.get(_url(course)).get_data(as_text=True)
    assert 'id="everyone-present"' in page and f'name="status-{a.id}"' in page
    done = client.post(_url(course), data={"everyone": "1"})
    assert done.status_code == 303
    assert _statuses(course.meeting_ids[0]) == {
        a.id: "attended",
        b.id: "attended",
        c.id: "attended",
    }
    fixed = client.post(
        _url(course), data={f"status-{a.id}": "attended", f"status-{b.id}": "excused"}
    )
    assert fixed.status_code == 303
    assert _statuses(course.meeting_ids[0])[b.id] == "excused"
    # "Everyone present" again keeps the exception.
    client.post(_url(course), data={"everyone": "1"})
    assert _statuses(course.meeting_ids[0])[b.id] == "excused"
    page = client.get(_url(course)).get_data(as_text=True)
    assert f'data-enrolment="{b.id}" data-status="excused"' in page


def test_a_meeting_not_started_shows_why_and_refuses(client, make, started):
    course = started
    make.login(client, course.organiser)
    page = client.get(_url(course, 1))
    assert page.status_code == 200
    assert 'id="not-recordable"' in page.get_data(as_text=True)
    assert 'id="everyone-present"' not in page.get_data(as_text=True)
    refused = client.post(_url(course, 1), data={"everyone": "1"})
    assert refused.status_code == 409
    assert _statuses(course.meeting_ids[1]) == {}


def test_who_may_open_the_pages(client, make, started):
    course = started
    stranger = make.user(Role.PARTICIPANT)
    make.login(client, stranger)
    assert client.get(_url(course)).status_code == 404
    assert client.get(f"/presentie/sessies/{course.session.id}").status_code == 404
    assert client.get("/presentie").status_code == 403
    db.session.add(SessionTrainer(session_id=course.session.id, user_id=stranger.id))
    db.session.commit()
    listed = client.get("/presentie")
    assert listed.status_code == 200
    assert f'data-session="{course.session.id}"' in listed.get_data(as_text=True)
    assert client.get(_url(course)).status_code == 200
    overview = client.get(f"/presentie/sessies/{course.session.id}").get_data(as_text=True)
    assert 'id="add-trainer"' not in overview and 'id="close-session"' not in overview
    assert (
        client.post(
            f"/presentie/sessies/{course.session.id}/trainers", data={"email": stranger.email}
        ).status_code
        == 403
    )


def test_the_organiser_names_a_trainer_and_closes(client, make, two_meetings, monkeypatch):
    course = two_meetings
    trainer = make.user(Role.PARTICIPANT)
    make.login(client, course.organiser)
    base = f"/presentie/sessies/{course.session.id}"
    people = client.get(f"/beheer/sessies/{course.session.id}/deelnemers").get_data(as_text=True)
    assert f'href="{base}"' in people
    unknown = client.post(f"{base}/trainers", data={"email": "niemand@example.nl"})
    assert unknown.status_code == 422
    assert client.post(f"{base}/trainers", data={"email": trainer.email}).status_code == 303
    page = client.get(base).get_data(as_text=True)
    assert f'data-trainer="{trainer.id}"' in page
    assert 'id="close-session"' not in page  # not ended yet
    after = course.second + timedelta(hours=4)
    monkeypatch.setattr(services, "utcnow", lambda: after)
    monkeypatch.setattr(views, "utcnow", lambda: after)
    page = client.get(base).get_data(as_text=True)
    assert 'id="close-session"' in page
    assert client.post(f"{base}/sluiten", data={}).status_code == 422
    assert client.post(f"{base}/sluiten", data={"confirm": "y"}).status_code == 303
    assert services.is_closed(course.session.id)
    page = client.get(base).get_data(as_text=True)
    assert 'data-closed="yes"' in page
    assert client.post(f"{base}/trainers/{trainer.id}/verwijderen").status_code == 303
    assert not atomic(
        services.remove_trainer, course.session.id, trainer.id, actor=course.organiser
    )


def test_no_shows_are_shown_to_the_person_their_team_leader_and_hr(client, make, started):
    course = started
    absent = course.places[0]
    atomic(
        services.record,
        course.session.id,
        course.meeting_ids[0],
        [services.Entry(absent.id, "absent"), services.Entry(course.places[1].id, "excused")],
        actor=course.organiser,
    )
    person = absent.user
    leader = make.user(Role.TEAM_LEADER, org=person.organisation)
    person.team_id = leader.team_id
    hr = make.user(Role.HR, org=person.organisation)
    db.session.commit()
    make.login(client, person)
    assert 'id="my-no-shows" data-no-shows="1"' in client.get("/mijn").get_data(as_text=True)
    client.post("/uitloggen")
    make.login(client, leader)
    team = client.get("/mijn-team").get_data(as_text=True)
    assert f'data-member="{person.id}"' in team
    assert 'data-no-shows="1"' in team
    client.post("/uitloggen")
    make.login(client, hr)
    page = client.get("/organisatie").get_data(as_text=True)
    assert f'data-person="{person.id}"' in page and 'data-no-shows="1"' in page
    assert f'data-person="{course.places[1].user_id}"' not in page  # excused is no no-show
