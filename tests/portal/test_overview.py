"""'My overview' (/mijn) after log-in: the person's coming enrolments with status, queue
position and actions, and the page (with the course page) reading a fixed number of
statements however many places the person holds."""

from __future__ import annotations

import re
from datetime import timedelta

from booking.core.db import utcnow
from booking.enrolment import services
from booking.scheduling.models import Session
from tests.enrolment.helpers import page


def test_my_overview_lists_coming_enrolments_with_status_position_and_actions(
    client, make, db_session
):
    full = make.session(capacity={"in_person": 1}, start=make.future(days=20))
    free = make.session(start=make.future(days=8))
    gone = make.session(start=make.future(days=15))
    past = make.session(start=make.future(days=1))
    someone, me = make.user(), make.user()
    services.enrol(full.id, someone, actor=someone)
    services.enrol(full.id, me, actor=me)
    services.enrol(free.id, me, actor=me)
    services.enrol(past.id, me, actor=me)
    cancelled = services.enrol(gone.id, me, actor=me).enrolment
    services.cancel(cancelled.id, actor=me)
    db_session.commit()
    over = db_session.get(Session, past.id)  # held already
    over.starts_at, over.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db_session.commit()
    make.login(client, me)
    html = page(client, "/mijn")
    table = html.split('id="mijn-inschrijvingen"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr class="utrecht-table__row" id="inschrijving-\d+" '
        r'data-status="(\w+)">',
        table,
    )
    assert rows == ["confirmed", "waitlisted"]  # soonest first; the past one is not listed
    assert 'data-position="1"' in table
    assert table.count("/annuleren") == 2  # cancel the place, leave the waitlist
    ended = html.split('id="mijn-beeindigd"')[1].split("</ul>")[0]
    assert f'id="inschrijving-{cancelled.id}" data-status="cancelled"' in ended


def test_my_overview_and_course_page_make_a_fixed_number_of_statements(
    client, make, db_session, count_queries
):
    course = make.course()
    me = make.user()
    # Already at the start one confirmed place and one waitlist position (which needs the
    # positions query), so that more of each must not add statements.
    first = make.session(course, capacity={"in_person": 1}, start=make.future(days=8))
    second = make.session(
        course, mode="hybrid", capacity={"in_person": 1, "online": 2}, start=make.future(days=9)
    )
    holder = make.user()
    services.enrol(first.id, me, actor=me)
    services.enrol(second.id, holder, actor=holder, mode="in_person")
    services.enrol(second.id, me, actor=me, mode="in_person")
    db_session.commit()
    make.login(client, me)

    def counted(path):
        count_queries.reset()
        page(client, path)
        return len(count_queries)

    few = counted("/mijn"), counted(f"/cursussen/{course.slug}")
    for days in range(10, 18):
        hybrid = days % 2 == 1
        extra = make.session(
            course,
            start=make.future(days=days),
            mode="hybrid" if hybrid else "physical",
            capacity={"in_person": 1, "online": 2} if hybrid else {"in_person": 1},
        )
        holder = make.user()
        services.enrol(extra.id, holder, actor=holder, mode="in_person")
        outcome = services.enrol(
            extra.id, me, actor=me, mode="in_person", accept_online=days % 4 == 1
        )
        if days % 3 == 0:
            services.cancel(outcome.enrolment.id, actor=me)
    db_session.commit()
    many = counted("/mijn"), counted(f"/cursussen/{course.slug}")
    assert many == few, count_queries.statements
