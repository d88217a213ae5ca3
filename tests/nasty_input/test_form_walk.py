"""Every page of the URL map, walked with the nasty-input set.

The walk takes the rules from `app.url_map`, so a new page or form is walked without a line
here. It fills each address from the world (conftest.py), opens every page that answers GET
as the first role that may see it (administrator first, then the organiser, team leader,
advisor, HR, participant, and no one), reads every form on it, and then sends each form back
with nasty values: every field at once with each value of the set, each field alone with
numbers beyond every range, a 2 MB value, a field repeated 2,000 times and a 2 MB body (and,
where a view reads JSON for its page's script, the API walk's nasty bodies). Pages are also
opened with ids beyond every integer range and with nasty values in the query parameters
their view reads.

Asserted for every answer: no 5xx; a refusal is a page (a form error with the error summary,
or an error page), a redirect, or a 413 page that says the request was too large; a refusal
changed no row count (nothing half-saved).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import quote

import pytest
from flask import Flask

from booking.demo import DEMO_PASSWORD
from tests.nasty_input.conftest import ADMIN, ORGANISER, PARTICIPANT, TEAM_LEADER, row_counts
from tests.nasty_input.forms import Form, forms_of
from tests.nasty_input.values import BIG, NASTY_BODIES, NASTY_IDS, NASTY_TEXT

ROLES = [
    ("admin", ADMIN),
    ("organiser", ORGANISER),
    ("team leader", TEAM_LEADER),
    ("advisor", "loopbaanadviseur@talentmvs.example.nl"),
    ("hr", "hr@schiedam.example.nl"),
    ("participant", PARTICIPANT),
    ("anonymous", None),
]
PAGE_STATUSES = {200, 302, 303, 400, 403, 404, 409, 413, 422}
# Posts that end or remove what they act on go last, so the others meet a living world; the
# log-outs at the very end.
ENDING = re.compile(
    r"/(annuleren|verwijderen|intrekken|wissen|actief|sluiten|buiten-gebruik|afwijzen|"
    r"vrijgeven|besluit|verplaatsen|wachtrij-verlaten|niet-meer-wachten|status)$"
)
LOG_OUT = re.compile(r"/(uitloggen|overal-uitloggen)$")
# Numbers for each field on its own (each field also meets the whole set, all fields at once).
ONE_FIELD = ["100000000000000000000", "1e400"]
PAGE_IDS = [i for i in NASTY_IDS if i not in ("0", "1e3")]  # the converter's edges: ids
QUERY = ["100000000000000000000", "1e400", "nan", "-1", "%ff", "%00"]
_PARAM = re.compile(r"<(?:(\w+)(?:\([^>]*\))?:)?(\w+)>")
_READS = re.compile(
    r"""(?:request\.(?:args|values|form)\.get|arg_id|args\.get)\(\s*["'](\w+)["']"""
)


@pytest.fixture(autouse=True)
def _clean_database():
    """Replaces the per-test clean-up: the module's `world` fixture empties the database."""
    yield


@dataclass
class Walker:
    app: Flask
    world: object
    clients: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    sent: int = 0
    counts: tuple | None = None

    def client(self, role: str):
        if role not in self.clients:
            self.clients[role] = self.app.test_client()
            self.log_in(role)
        return self.clients[role]

    def log_in(self, role: str) -> None:
        email = dict(ROLES)[role]
        client = self.clients[role]
        if email is None:
            return
        answer = client.post("/inloggen", data={"email": email, "password": DEMO_PASSWORD})
        assert answer.status_code in (302, 303), f"{role} could not log in"

    def url(self, rule) -> str:
        def fill(match) -> str:
            converter, name = match.group(1), match.group(2)
            if converter in ("int", "integer"):
                if name == "item_id":  # of the list in the address, "categorieen" below
                    kind = "categorieen" if "<kind>" in rule.rule else rule.rule.split("/")[3]
                    return str(self.world.items[kind])
                return str(self.world.ids.get(name, 10**20))
            if name == "kind":
                return "categorieen"
            if name == "slug":
                return self.world.slugs["event" if "evenementen" in rule.rule else "course"]
            return "onbekend-geheim"

        return _PARAM.sub(fill, rule.rule)

    def send(self, role: str, method: str, url: str, where: str, **kwargs):
        response = self.client(role).open(url, method=method, **kwargs)
        self.sent += 1
        status = response.status_code
        text = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        problem = None
        if status >= 500 or status not in PAGE_STATUSES:
            problem = f"answered {status}"
        elif status == 422 and not _says_what(response, text):
            problem = "a 422 that says nothing about what was wrong"
        elif status == 413 and not any(w in text for w in ("te groot", "too large")):
            problem = "a 413 page that does not say the request was too large"
        if problem:
            self.failures.append(f"{method} {url[:120]} as {role}, {where}: {problem}")
        counts = row_counts()
        if status >= 400 and self.counts is not None and counts != self.counts:
            self.failures.append(f"{method} {url[:120]} as {role}, {where}: a refusal wrote rows")
        self.counts = counts
        if LOG_OUT.search(url) or (
            status in (302, 303) and "/inloggen" in response.headers.get("Location", "")
        ):
            self.log_in(role)  # logged out by what was sent: back in for the next request
            self.counts = row_counts()
        return response


def _says_what(response, text: str) -> bool:
    """A refused form names the problem: the error summary, an alert or a status message
    (the check-in page), or, from a script's endpoint, a JSON message."""
    if response.mimetype == "application/json":
        answer = response.get_json(silent=True) or {}
        return bool(answer.get("message") or answer.get("error"))
    return any(mark in text for mark in ("data-error-summary", 'role="alert"', 'role="status"'))


def report(failures: list[str]) -> str:
    """The first failure of each page and problem, with how many more there were like it."""
    groups: dict[tuple[str, str], list[str]] = {}
    for failure in failures:
        head, _sep, problem = failure.rpartition(": ")
        groups.setdefault((head.split(" as ")[0].split("?")[0], problem), []).append(failure)
    lines = [f"{len(found)}x {found[0]}" for found in groups.values()]
    return f"{len(failures)} answers went wrong:\n" + "\n".join(lines)


def _rules(app: Flask) -> list:
    rules = [
        rule for rule in app.url_map.iter_rules() if not rule.rule.startswith(("/api/", "/static/"))
    ]
    return sorted(
        rules,
        key=lambda r: (bool(LOG_OUT.search(r.rule)), bool(ENDING.search(r.rule)), r.rule),
    )


def _reads_json(app: Flask, endpoint: str) -> bool:
    try:
        source = inspect.getsource(app.view_functions[endpoint])
    except (OSError, TypeError):
        return False
    return "get_json" in source or "json_object" in source


def _reads(app: Flask, endpoint: str) -> set[str]:
    """The query parameters a view reads (found in its source), its page number too."""
    try:
        source = inspect.getsource(app.view_functions[endpoint])
    except (OSError, TypeError):
        return set()
    pages = {"page", "pagina"} if re.search(r"page_number|pagina|\bpage=", source) else set()
    return set(_READS.findall(source)) | pages


@pytest.fixture(scope="module")
def discovered(app, world):
    """Every GET page, opened as the first role that may see it: its role and its forms."""
    walker = Walker(app, world)
    pages: dict[str, tuple[str, str, list[Form]]] = {}  # endpoint -> role, url, forms
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        url = walker.url(rule)
        for role, _email in ROLES:
            response = walker.client(role).get(url)
            if response.status_code == 200:
                html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
                pages[rule.endpoint] = (role, url, forms_of(url, html))
                break
    return walker, pages


def _posting_forms(app, pages) -> dict[str, list[tuple[str, Form]]]:
    """POST endpoint -> (role, form) of the forms found on the pages that post to it, one per
    set of field names."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, list[tuple[str, Form]]] = {}
    for role, _url, forms in pages.values():
        for form in forms:
            if form.method != "post":
                continue
            try:
                endpoint, _args = adapter.match(form.action, method="POST")
            except Exception:  # noqa: S112 - a form posting elsewhere is not ours to walk
                continue
            known = found.setdefault(endpoint, [])
            if all(set(f.names) != set(form.names) for _r, f in known) and len(known) < 2:
                known.append((role, form))
    return found


def test_every_page_survives_nasty_ids_and_queries(app, discovered):
    walker, pages = discovered
    walker.failures.clear()
    opened = 0
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        role = pages.get(rule.endpoint, ("admin",))[0]
        url = walker.url(rule)
        for name in _PARAM.findall(rule.rule):
            if name[0] in ("int", "integer"):
                for value in PAGE_IDS:
                    nasty = _fill_others(walker, rule, name[1], value)
                    walker.send(role, "GET", nasty, f"{name[1]}={value}")
        if rule.endpoint not in pages:
            continue
        opened += 1
        names = _reads(app, rule.endpoint)
        names |= {n for f in pages[rule.endpoint][2] if f.method == "get" for n in f.names}
        for name in sorted(names):
            for value in QUERY:
                raw = value if value.startswith("%") else quote(value)
                walker.send(role, "GET", f"{url}?{name}={raw}", f"?{name}={value[:30]}")
    assert opened > 40, f"only {opened} pages opened: the world lacks what the pages need"
    assert not walker.failures, report(walker.failures)


def _fill_others(walker: Walker, rule, name: str, value: str) -> str:
    """The rule's address with `value` for the parameter `name` and real values elsewhere."""
    real = walker.url(rule).split("/")
    template = rule.rule.split("/")
    for i, part in enumerate(template):
        if _PARAM.fullmatch(part) and _PARAM.fullmatch(part).group(2) == name:
            real[i] = value
        elif _PARAM.search(part) and name in part and not _PARAM.fullmatch(part):
            real[i] = _PARAM.sub(value, part)  # <int:award_id>.pdf
    return "/".join(real)


def _numeric(form: Form, fields: list[str]) -> list[str]:
    """The fields that may be read as a number or an id: empty, hidden, chosen from a list,
    or holding digits or a date (text that is plainly text meets the set all at once)."""
    found = dict(form.data())
    return [
        name
        for name in fields
        if name in form.choices
        or name in form.hidden
        or not found.get(name)
        or re.fullmatch(r"[\d\s.,:T-]+", found.get(name, ""))
    ]


def _post(walker: Walker, role: str, url: str, form: Form, where: str, pairs) -> None:
    if form.multipart or form.files:
        data: dict = {}
        for key, value in pairs:
            data.setdefault(key, []).append(value)
        for name in form.files:
            data[name] = (BytesIO(b"email,naam\nx@example.nl,X\n"), "mensen.csv")
        walker.send(role, "POST", url, where, data=data, content_type="multipart/form-data")
    else:
        body = "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)
        walker.send(
            role,
            "POST",
            url,
            where,
            data=body,
            content_type="application/x-www-form-urlencoded",
        )


def test_every_form_survives_nasty_values(app, discovered):
    walker, pages = discovered
    walker.failures.clear()
    posting = _posting_forms(app, pages)
    walked = 0
    for rule in _rules(app):
        if "POST" not in rule.methods:
            continue
        url = walker.url(rule)
        for name in _PARAM.findall(rule.rule):
            if name[0] in ("int", "integer"):
                for value in PAGE_IDS:
                    walker.send(
                        "admin",
                        "POST",
                        _fill_others(walker, rule, name[1], value),
                        f"{name[1]}={value}",
                        data={"x": "1"},
                    )
        # No page of the world shows this form (a waitlist, a failed message, a link's
        # secret): the fields its view reads, from its source, take the nasty values.
        read = sorted(_reads(app, rule.endpoint) - {"page", "pagina"}) or ["x"]
        forms = posting.get(rule.endpoint) or [("admin", Form("post", url, False, [], read))]
        for role, form in forms:
            walked += 1
            fields = [n for n in form.names if n not in ("csrf_token",)] or ["x"]
            _post(walker, role, url, form, "the form as found", form.data())
            for value in NASTY_TEXT:
                pairs = form.data(**{n: value for n in fields})
                _post(walker, role, url, form, f"every field={value[:30]!r}", pairs)
            for name in _numeric(form, fields):
                for value in ONE_FIELD:
                    _post(walker, role, url, form, f"{name}={value!r}", form.data(**{name: value}))
            first = fields[0]
            _post(walker, role, url, form, f"{first}=2 MB", form.data(**{first: "x" * BIG}))
            repeated = [(k, v) for k, v in form.data() if k != first] + [(first, "1")] * 2000
            _post(walker, role, url, form, f"{first} 2,000 times", repeated)
            whole = form.data() + [(f"extra{i}", "x" * 4096) for i in range(512)]
            _post(walker, role, url, form, "a 2 MB body of many fields", whole)
        if _reads_json(app, rule.endpoint):  # a script's endpoint: the API's nasty bodies
            role = forms[0][0]
            for label, raw in NASTY_BODIES:
                walker.send(
                    role, "POST", url, f"JSON {label}", data=raw, content_type="application/json"
                )
    assert walked > 40, f"only {walked} forms walked"
    assert not walker.failures, report(walker.failures)
