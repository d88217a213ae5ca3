"""Every page a person may open is reachable by following links from their overview.

On a fresh installation (an organisation, a team and one person of each role, nothing else)
each role logs in, and the pages are crawled from `/mijn` by their links; every GET route
without parameters that answers the role with a page must be among them. A page nobody links
to is a dead end nobody finds: the outbox's undelivered messages (`/beheer/berichten`) were one.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from booking.accounts.models import Role

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)[^"]*"')
# Pages outside the crawl on purpose: reached before logging in (the log-in page links them),
# or files rather than pages.
NOT_CRAWLED = {
    "accounts.login": "the log-in page itself: logged-in people are sent on",
    "sso.choose": "linked from the log-in page, before logging in",
    "sso.callback": "the identity provider sends the browser there",
    "onboarding.forgot": "linked from the log-in page, before logging in",
    "static": "files",
}


def crawl(client, start: str = "/mijn", limit: int = 400) -> set[str]:
    """The paths of every page reachable by links from `start` (GET only, this site)."""
    seen: set[str] = set()
    queue = [start]
    while queue and len(seen) < limit:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for href in HREF.findall(response.get_data(as_text=True)):
            target = urlsplit(urljoin("http://localhost" + path, href))
            if target.netloc not in ("localhost", "") or target.path.startswith("/static/"):
                continue
            if target.path not in seen:
                queue.append(target.path)
    return seen


def endpoints_of(app, paths) -> set[str]:
    adapter = app.url_map.bind("localhost")
    found = set()
    for path in paths:
        with contextlib.suppress(NotFound, MethodNotAllowed):
            found.add(adapter.match(path, method="GET")[0])
    return found


def pages_without_parameters(app) -> list:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and not rule.rule.startswith("/api/")
        and rule.endpoint not in NOT_CRAWLED
    ]


@pytest.mark.parametrize(
    "role",
    [Role.PARTICIPANT, Role.TEAM_LEADER, Role.HR, Role.ADVISOR, Role.ORGANISER, Role.ADMIN],
)
def test_every_page_of_a_role_is_linked_from_its_overview(app, client, make, db_session, role):
    in_organisation = role in (Role.PARTICIPANT, Role.TEAM_LEADER, Role.HR)
    person = make.user(role, team_=make.team()) if in_organisation else make.user(role)
    db_session.commit()
    assert make.login(client, person).status_code == 302

    reachable = endpoints_of(app, crawl(client))
    unlinked = []
    for rule in pages_without_parameters(app):
        response = client.get(rule.rule)
        page = response.status_code == 200 and response.mimetype == "text/html"
        if page and rule.endpoint not in reachable:
            unlinked.append(rule.rule)
    assert unlinked == [], f"pages a {role} may open but finds no link to"
