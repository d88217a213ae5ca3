"""The markup behind the accessibility fixes, checked without a browser (tests/e2e/a11y has the
browser runs): the error summary, lang="nl" on Dutch-only texts, unique ids on the people
page, the theme and its vendored font."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from booking.accounts.models import Role

ROOT = Path(__file__).resolve().parents[1]


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids[value] += 1


def duplicate_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return [i for i, n in parser.ids.items() if n > 1]


def _summary(html: str) -> str:
    match = re.search(r"<div [^>]*data-error-summary.*?</ul>", html, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_a_failed_log_in_has_a_focused_summary_linked_to_the_field(client, make, db_session):
    person = make.user(Role.PARTICIPANT, language="en")
    db_session.commit()
    client.set_cookie("lang", "en")
    response = client.post("/inloggen", data={"email": person.email, "password": "wrong one"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r"<title>Error: Log in – ", html)
    summary = _summary(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert '<a class="utrecht-link" href="#password">Password: ' in summary
    assert 'id="password"' in html  # the link's target


def test_a_page_without_errors_has_no_summary_and_a_plain_title(client):
    html = client.get("/inloggen").get_data(as_text=True)
    assert "data-error-summary" not in html
    assert "<title>Inloggen – " in html


def test_the_summary_says_a_loose_problem_once(client, make, db_session):
    """The people page passes field errors as problems too: shown once, linked to the field."""
    organiser = make.user(Role.ORGANISER)
    session = make.session()
    db_session.commit()
    make.login(client, organiser)
    client.set_cookie("lang", "en")
    response = client.post(
        f"/beheer/sessies/{session.id}/reserveringen",
        data={"reserve-organisation": "", "reserve-mode": "in_person", "reserve-seats": "-3"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = _summary(html)
    assert 'href="#reserve-seats"' in summary
    lines = re.findall(r"<li [^>]*>(.*?)</li>", summary, re.S)
    bare = [re.sub(r"<[^>]+>", "", line).split(": ", 1)[-1] for line in lines]
    assert len(bare) == len(set(bare)), lines
    assert "Please correct the following" not in html  # nothing left for the form's own list
    assert not duplicate_ids(html)


def test_the_people_page_uses_every_id_once(client, make, db_session):
    organiser = make.user(Role.ORGANISER)
    session = make.session()
    db_session.commit()
    make.login(client, organiser)
    html = client.get(f"/beheer/sessies/{session.id}/deelnemers").get_data(as_text=True)
    assert 'id="reserve-form"' in html and 'id="reserve-seats"' in html
    assert not duplicate_ids(html)


def test_dutch_only_course_texts_are_marked_on_english_pages(client, make, db_session):
    course = make.course()
    make.session(course)
    db_session.commit()
    title = course.title
    dutch = client.get(f"/cursussen/{course.slug}").get_data(as_text=True)
    assert f'<h1 class="utrecht-heading-1">{title}</h1>' in dutch  # already the page's language
    client.set_cookie("lang", "en")
    english = client.get(f"/cursussen/{course.slug}").get_data(as_text=True)
    assert f'<h1 class="utrecht-heading-1"><span lang="nl">{title}</span></h1>' in english
    assert f"<title>{title} – " in english  # a title element holds text only
    catalogue = client.get("/").get_data(as_text=True)
    assert f'<span lang="nl">{title}</span>' in catalogue


def test_the_theme_and_its_font_ship_with_their_licences():
    theme = (ROOT / "static/css/theme.css").read_text()
    fonts = re.findall(r'url\("\.\./(vendor/source-sans-3/[^"]+\.woff2)"\)', theme)
    assert len(fonts) == 4
    for font in fonts:
        assert (ROOT / "static" / font).stat().st_size > 10_000
    licence = (ROOT / "static/vendor/source-sans-3/LICENSE-OFL-1.1.txt").read_text()
    assert "SIL Open Font License" in licence
    base = (ROOT / "templates/base.html").read_text()
    order = [base.index(name) for name in ("voorbeeld-design-tokens", "theme.css", "app.css")]
    assert order == sorted(order)  # the theme's tokens override the vendored ones
    assert "<style" not in base and "<script>" not in base  # nothing inline (CSP)
