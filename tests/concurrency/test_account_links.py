"""One link to choose a password, posted many times at once (a double click, a mail scanner
and the person, two tabs): exactly one post sets a password; the others are told the link was
used, and nobody's password is overwritten by a later one."""

from __future__ import annotations

from sqlalchemy import func, select

from booking.accounts import onboarding, services
from booking.accounts.models import AccountToken, User
from booking.core.db import atomic
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render
from tests.accounts.onboarding_support import LINK
from tests.concurrency.racing import race

RACERS = 8


def test_a_link_posted_at_once_sets_one_password(app, make):
    person = make.user(password=None)
    atomic(onboarding.send_invitation, person)
    message = db.session.scalars(select(OutboxMessage)).one()
    secret = LINK.search(render(message).text).group(2)
    person_id = person.id
    db.session.commit()
    passwords = [f"racende fietsers nummer {i}" for i in range(RACERS)]

    def job(password):
        def prepare():
            return lambda: atomic(onboarding.use_link, "invitation", secret, password).id

        return prepare

    results = race(app, [job(p) for p in passwords])
    winners = [p for p, r in zip(passwords, results, strict=True) if r.ok]
    codes = sorted({r.code() for r in results if not r.ok})
    assert len(winners) == 1, [r.error for r in results]
    assert codes == ["link_used"]
    db.session.remove()
    assert services.authenticate(db.session.get(User, person_id).email, winners[0]) is not None
    used = db.session.scalar(
        select(func.count(AccountToken.id)).where(AccountToken.used_at.is_not(None))
    )
    assert used == 1
