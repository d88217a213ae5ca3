"""Answering an offer from the e-mail: the link shows the offer, only the buttons answer it."""

from __future__ import annotations

import re

from sqlalchemy import select

from booking.enrolment import services
from booking.enrolment.models import Enrolment
from booking.enrolment.offer_links import offer_token, read_offer_token
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render


def _offered(make, db_session):
    session = make.session(capacity={"in_person": 1}, promotion="offer")
    first, me, next_one = make.user(), make.user(), make.user()
    taken = services.enrol(session.id, first, actor=first).enrolment
    mine = services.enrol(session.id, me, actor=me).enrolment
    services.enrol(session.id, next_one, actor=next_one)
    services.cancel(taken.id, actor=first)
    db_session.commit()
    assert mine.status == "offered"
    return mine, next_one


def _status(db_session, enrolment_id: int) -> str:
    db_session.expire_all()
    return db_session.get(Enrolment, enrolment_id).status


def _links(db_session, enrolment) -> list[str]:
    message = db_session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.enrolment_id == enrolment.id, OutboxMessage.kind == "offer"
        )
    ).one()
    rendered = render(message)
    links = re.findall(r"https?://\S+/aanbod/[^\s\"<]+", rendered.text)
    assert len(links) == 2 and all(link in rendered.html for link in links)
    return links


def test_the_offer_mail_links_to_a_page_that_shows_the_offer_without_answering_it(
    client, make, db_session
):
    mine, _ = _offered(make, db_session)
    accept, decline = _links(db_session, mine)
    assert accept.endswith("antwoord=accepteren#antwoord")
    assert decline.endswith("antwoord=afslaan#antwoord")
    path = accept.split("localhost", 1)[1].split("#")[0]
    for _ in range(3):  # mail scanners and previews open every link: nothing changes
        response = client.get(path)
        assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert mine.session.course.title in page
    assert 'value="accept"' in page and 'value="decline"' in page
    assert _status(db_session, mine.id) == "offered"


def test_the_buttons_accept_or_decline_without_logging_in(client, make, db_session):
    mine, next_one = _offered(make, db_session)
    path = f"/aanbod/{offer_token(mine)}"
    response = client.post(path, data={"answer": "maybe"})
    assert response.status_code == 303 and _status(db_session, mine.id) == "offered"
    response = client.post(path, data={"answer": "decline"})
    assert response.status_code == 303 and response.headers["Location"].endswith(path)
    assert _status(db_session, mine.id) == "declined"
    assert 'data-status="declined"' in client.get(path).get_data(as_text=True)
    # Answering again changes nothing; the next person has the offer now.
    client.post(path, data={"answer": "accept"})
    assert _status(db_session, mine.id) == "declined"
    (theirs,) = db_session.scalars(select(Enrolment).where(Enrolment.user_id == next_one.id))
    assert theirs.status == "offered"
    client.post(f"/aanbod/{offer_token(theirs)}", data={"answer": "accept"})
    assert _status(db_session, theirs.id) == "confirmed"
    page = client.get(f"/aanbod/{offer_token(theirs)}").get_data(as_text=True)
    assert 'data-status="confirmed"' in page


def test_forged_altered_or_foreign_tokens_are_refused(client, make, db_session, app):
    mine, next_one = _offered(make, db_session)
    token = offer_token(mine)
    assert read_offer_token(token).matches(mine)
    assert read_offer_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert read_offer_token("not-a-token") is None
    for bad in ("x", token[:-1], "a" * 500):
        assert client.get(f"/aanbod/{bad}").status_code == 404
        assert client.post(f"/aanbod/{bad}", data={"answer": "accept"}).status_code == 404
    # A token for another person's enrolment (same id, other person) does not match.
    (theirs,) = db_session.scalars(select(Enrolment).where(Enrolment.user_id == next_one.id))
    assert not read_offer_token(token).matches(theirs)
    # The same claim signed with another key is forged.
    original = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-key-" * 4
    try:
        forged = offer_token(mine)
    finally:
        app.config["SECRET_KEY"] = original
    assert client.post(f"/aanbod/{forged}", data={"answer": "accept"}).status_code == 404
    assert _status(db_session, mine.id) == "offered"


def test_an_expired_offer_says_so_and_the_place_moves_on(client, make, db_session):
    mine, next_one = _offered(make, db_session)
    mine.offer_expires_at = mine.offer_expires_at.replace(year=2020)  # as if time passed
    db_session.commit()
    token = offer_token(mine)
    page = client.get(f"/aanbod/{token}").get_data(as_text=True)
    assert 'value="accept"' not in page
    assert 'data-status="offer-expired"' in page
    client.post(f"/aanbod/{token}", data={"answer": "accept"})
    assert _status(db_session, mine.id) == "expired"
    (theirs,) = db_session.scalars(select(Enrolment).where(Enrolment.user_id == next_one.id))
    assert theirs.status == "offered"
    assert 'data-status="expired"' in client.get(f"/aanbod/{token}").get_data(as_text=True)
