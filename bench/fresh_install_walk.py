"""A hands-on pass over a fresh installation, one role after the other, in Chromium.

Not part of the test suite: a script the next session reruns to look at the pages again.
It builds a database with `flask db upgrade` alone (no demo seeder), makes the first
administrator with `flask create-user`, serves the app with `flask run` on PORT with the
default settings (two-step verification required for administrators, organisers, HR and
advisors: the codes are computed with pyotp from the key on the set-up page), and then, with
Playwright and /usr/bin/chromium:

- the administrator logs in, sets up two-step verification, creates an organisation, a team and
  one person of each role (team leader, HR, advisor, organiser, participant), opens the single
  sign-on page, the audit log, the privacy pages and the outbox;
- the organiser creates a category and a target group, a venue, a course, a session and an event;
- each invited person accepts the invitation link from the outbox (the mail the embedded worker
  wrote to MAIL_FOLDER) and chooses a password;
- the participant enrols, the team leader books a place for their team, HR looks at their
  organisation's people, the advisor publishes times.

Every step takes a screenshot into SCREENS (default <tmp>/fresh_walk_screens, named
<role>-<step>.png) and fails loudly on an error page. It prints what it did and where the
screenshots are.

    .venv/bin/python bench/fresh_install_walk.py [--port 5077] [--screens DIR]
"""

from __future__ import annotations

import argparse
import email
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.gettempdir())
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "booking"]
ADMIN = ("admin@centrum.example.nl", "Anna Admin")
PASSWORD = "Lange-zin-voor-de-test-2026"  # noqa: S105 - a throw-away database
ORGANISATION = "Gemeente Zuidwijk"
TEAM = "Team Wijkbeheer"
PEOPLE = {  # role -> (address, name, needs an organisation, needs a team)
    "team_leader": ("leider@zuidwijk.example.nl", "Lies Leider"),
    "hr": ("hr@zuidwijk.example.nl", "Henk Personeel"),
    "advisor": ("adviseur@centrum.example.nl", "Ada Adviseur"),
    "organiser": ("organisator@centrum.example.nl", "Otto Organisator"),
    "participant": ("deelnemer@zuidwijk.example.nl", "Dirk Deelnemer"),
}
ROLE_LABELS = {
    "team_leader": "Teamleider",
    "hr": "HR",
    "advisor": "Loopbaanadviseur",
    "organiser": "Organisator",
    "participant": "Deelnemer",
}


ENGLISH = re.compile(
    r"\b(?:the|and|your|with|this|please|save|cancel|delete|yes|you|[Tt]here are|not yet)\b"
)


class Walk:
    def __init__(self, base: str, screens: Path, mail: Path):
        self.base = base
        self.screens = screens
        self.mail = mail
        self.shots: list[Path] = []
        self.problems: list[str] = []
        self.secrets: dict[str, str] = {}

    # -- looking -------------------------------------------------------------------------

    def shot(self, page: Page, role: str, step: str) -> None:
        path = self.screens / f"{role}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        self.check(page, f"{role}-{step}")
        print(f"  {role:12} {step:28} {page.url}")

    def check(self, page: Page, where: str) -> None:
        title = page.title()
        for bad in ("went wrong", "misgegaan", "Page not found", "Pagina niet gevonden"):
            if bad in title:
                self.problems.append(f"{where}: error page {title!r} at {page.url}")
        # The pages are Dutch: English words in them are texts the catalogue lacks.
        text = page.locator("body").inner_text()
        english = sorted(set(ENGLISH.findall(text)))
        if english:
            self.problems.append(f"{where}: English on a Dutch page: {english}")

    def goto(self, page: Page, path: str):
        response = page.goto(self.base + path)
        if response is not None and response.status >= 400:
            self.problems.append(f"{path}: HTTP {response.status}")
        return response

    # -- logging in ----------------------------------------------------------------------

    def log_in(self, page: Page, address: str, password: str = PASSWORD) -> None:
        self.goto(page, "/inloggen")
        page.get_by_label("E-mailadres", exact=True).fill(address)
        page.get_by_label("Wachtwoord", exact=True).fill(password)
        page.get_by_role("button", name="Inloggen", exact=True).click()
        page.wait_for_load_state()

    def second_factor(self, page: Page, role: str, address: str) -> None:
        """Set up the app at the first log-in, or type the code at a later one."""
        if "/account/tweestapsverificatie" in page.url:
            self.shot(page, role, "totp-setup")
            secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
            self.secrets[address] = secret
            page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
            page.get_by_role("button").filter(
                has_text=re.compile("verificatie|verification")
            ).last.click()
            page.wait_for_load_state()
            self.shot(page, role, "totp-recovery-codes")
            page.get_by_role("link").filter(has_text=re.compile("overzicht|overview")).first.click()
            page.wait_for_load_state()
        elif "/inloggen/code" in page.url:
            totp = pyotp.TOTP(self.secrets[address])
            page.get_by_label("Code", exact=True).fill(totp.at(time.time() + 30))
            page.get_by_role("button", name="Inloggen", exact=True).click()
            page.wait_for_load_state()

    def log_out(self, page: Page) -> None:
        page.get_by_role("button", name="Uitloggen", exact=True).click()
        page.wait_for_load_state()

    # -- mail ----------------------------------------------------------------------------

    def link_for(self, address: str, kind: str = "welkom") -> str:
        """The newest link of this kind in the mail written for this address."""
        deadline = time.time() + 30
        while time.time() < deadline:
            found = []
            for path in sorted(self.mail.glob("*.eml"), key=lambda p: p.stat().st_mtime):
                message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
                if address not in str(message["To"]):
                    continue
                body = message.get_body(("plain",))
                text = body.get_content() if body else ""
                found += re.findall(rf"https?://\S+/{kind}/[A-Za-z0-9_-]+", text)
            if found:
                return urlsplit(found[-1]).path
            time.sleep(1)
        raise AssertionError(f"no {kind} link mailed to {address} in {self.mail}")


def start_server(port: int, database: Path, mail: Path) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        MAIL_FOLDER=str(mail),
        BASE_URL=f"http://127.0.0.1:{port}",
        WORKER_POLL_SECONDS="1",
    )
    for leftover in (database, *mail.glob("*.eml")):
        leftover.unlink(missing_ok=True)
    mail.mkdir(parents=True, exist_ok=True)
    subprocess.run([*FLASK, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=ROOT)
    subprocess.run(
        [
            *FLASK,
            "create-user",
            ADMIN[0],
            "--name",
            ADMIN[1],
            "--role",
            "admin",
            "--password-stdin",
        ],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    log = open(database.with_suffix(".log"), "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        [*FLASK, "run", "--port", str(port)], env=env, stdout=log, stderr=log, cwd=ROOT
    )
    for _ in range(100):
        try:
            subprocess.run(
                ["curl", "-sf", "-o", "/dev/null", f"http://127.0.0.1:{port}/"], check=True
            )
            return server
        except subprocess.CalledProcessError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start; see " + str(database.with_suffix(".log")))


# -- the roles ---------------------------------------------------------------------------


def administrator(walk: Walk, page: Page) -> None:
    role = "admin"
    walk.log_in(page, ADMIN[0])
    walk.second_factor(page, role, ADMIN[0])
    walk.shot(page, role, "overview")

    walk.goto(page, "/beheer/organisaties")
    walk.shot(page, role, "organisations-empty")
    page.get_by_label("Naam", exact=True).first.fill(ORGANISATION)
    page.get_by_role("button", name=re.compile("toevoegen|Toevoegen")).first.click()
    page.wait_for_load_state()
    walk.shot(page, role, "organisation-created")
    page.get_by_label("Naam", exact=True).first.fill(TEAM)
    page.get_by_role("button", name="Team toevoegen", exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, role, "team-created")

    for person_role, (address, name) in PEOPLE.items():
        walk.goto(page, "/beheer/mensen/nieuw")
        page.get_by_label("E-mailadres", exact=True).fill(address)
        page.get_by_label("Naam", exact=True).fill(name)
        page.get_by_label("Rol", exact=True).select_option(person_role)
        if person_role in ("team_leader", "hr", "participant"):
            page.get_by_label("Organisatie", exact=True).select_option(label=ORGANISATION)
        if person_role in ("team_leader", "participant"):
            page.get_by_label("Team", exact=True).select_option(label=TEAM)
        if person_role == "participant":
            walk.shot(page, role, "person-form")
        page.get_by_role("button", name="Toevoegen", exact=True).click()
        page.wait_for_load_state()
        walk.shot(page, role, f"person-{person_role}")
    page.get_by_role("button", name="Uitnodiging opnieuw sturen").click()
    page.wait_for_load_state()
    walk.shot(page, role, "invitation-sent-again")
    walk.goto(page, "/beheer/mensen")
    walk.shot(page, role, "people")

    walk.goto(page, "/beheer/organisaties")
    page.get_by_role("link", name=ORGANISATION).first.click()
    page.get_by_role("link", name="Single sign-on").click()
    page.wait_for_load_state()
    walk.shot(page, role, "sso")
    for path, step in (
        ("/beheer/audit", "audit-log"),
        ("/beheer/privacy", "privacy"),
        ("/beheer/privacy/wissen", "privacy-erase"),
        ("/privacy", "privacy-statement"),
        ("/beheer/berichten", "outbox"),
        ("/organisatie", "organisation-as-hr-sees-it"),
    ):
        walk.goto(page, path)
        walk.shot(page, role, step)
    walk.log_out(page)


def dump(page: Page) -> None:
    """What a page offers (exploring): headings, labels, buttons, links of the main part."""
    print(
        page.evaluate(
            """() => {
        const out = [];
        const main = document.querySelector('main') || document.body;
        const what = 'h1,h2,h3,label,button,a,select,[role=alert],.utrecht-alert';
        for (const el of main.querySelectorAll(what)) {
          let t = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 90);
          if (el.tagName === 'A') t += '  -> ' + el.getAttribute('href');
          if (el.tagName === 'SELECT')
            t = [...el.options].map(o => o.value + '=' + o.text).join(' | ').slice(0, 200);
          out.push(el.tagName + ': ' + t);
        }
        return out.join('\\n');
    }"""
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--screens", type=Path, default=TMP / "fresh_walk_screens")
    parser.add_argument("--database", type=Path, default=TMP / "fresh_walk.sqlite")
    parser.add_argument("--mail", type=Path, default=TMP / "fresh_walk_mail")
    parser.add_argument("--only", default="", help="comma-separated roles to stop after")
    args = parser.parse_args()
    args.screens.mkdir(parents=True, exist_ok=True)
    server = start_server(args.port, args.database, args.mail)
    base = f"http://127.0.0.1:{args.port}"
    walk = Walk(base, args.screens, args.mail)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            for step in STEPS:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                print(f"{step.__name__}:")
                try:
                    step(walk, page)
                except Exception as error:
                    walk.problems.append(f"{step.__name__}: {type(error).__name__}: {error}")
                    path = args.screens / f"{step.__name__}-FAILED.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(f"  FAILED at {page.url}: {error}\n  screenshot {path}")
                context.close()
                if step.__name__ in args.only.split(","):
                    break
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(10)
    for line in args.database.with_suffix(".log").read_text().splitlines():
        if '"status": 5' in line or '"level": "ERROR"' in line:
            walk.problems.append(f"server: {line}")
    print(f"\n{len(walk.shots)} screenshots in {args.screens}")
    print("server log:", args.database.with_suffix(".log"))
    for problem in walk.problems:
        print("PROBLEM:", problem)
    return 1 if walk.problems else 0


def accept_invitation(walk: Walk, page: Page, role: str) -> None:
    """The person opens the link in their invitation mail and chooses a password."""
    address = PEOPLE[role][0]
    walk.goto(page, walk.link_for(address, "welkom"))
    if role == "participant":
        walk.shot(page, role, "invitation")
    fields = page.locator("input[type=password]")
    fields.nth(0).fill(PASSWORD)
    fields.nth(1).fill(PASSWORD)
    page.get_by_role("button", name="Mijn wachtwoord instellen", exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, role, "password-set")


def onboarding(walk: Walk, page: Page) -> None:
    for role in PEOPLE:
        page.context.clear_cookies()
        accept_invitation(walk, page, role)


def organiser(walk: Walk, page: Page) -> None:
    role = "organiser"
    address = PEOPLE[role][0]
    walk.log_in(page, address)
    walk.second_factor(page, role, address)
    walk.shot(page, role, "overview")
    walk.goto(page, "/beheer/cursussen")
    walk.shot(page, role, "courses-empty")
    page.get_by_role("link", name=re.compile("Categorieën, doelgroepen")).click()
    page.wait_for_load_state()
    walk.shot(page, role, "lists-fresh")
    page.get_by_role("link", name="Nieuwe categorie toevoegen").click()
    page.get_by_label("Naam (Nederlands)").fill("Vitaliteit")
    page.get_by_label("Naam (Engels)").fill("Vitality")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Nieuwe doelgroep toevoegen").click()
    page.get_by_label("Naam (Nederlands)").fill("Leidinggevenden")
    page.get_by_label("Naam (Engels)").fill("Managers")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, role, "lists-filled")

    walk.goto(page, "/mijn")
    page.get_by_role("link", name="Locatie toevoegen").click()
    page.get_by_label("Fysiek: een adres met zalen").check()
    page.get_by_label("Naam", exact=True).fill("Stadskantoor Zuidwijk")
    page.get_by_label("Straat en huisnummer").fill("Markt 1")
    page.get_by_label("Postcode").fill("3111 AA")
    page.get_by_label("Plaats").fill("Zuidwijk")
    page.get_by_label("Zaal", exact=True).first.fill("Raadszaal")
    page.get_by_label("Capaciteit", exact=True).first.fill("20")
    walk.shot(page, role, "venue-form")
    page.get_by_role("button", name="Locatie opslaan").click()
    page.wait_for_load_state()
    walk.shot(page, role, "venue-saved")

    walk.goto(page, "/mijn")
    page.get_by_role("link", name="Cursus toevoegen").click()
    page.get_by_label("Titel").fill("Gezond werken")
    page.get_by_label("Samenvatting (één zin)").fill("Een middag over werkdruk en energie.")
    page.get_by_label("Beschrijving").fill("Wat je energie geeft en wat je energie kost.")
    page.get_by_label("Categorie", exact=True).select_option(label="Vitaliteit")
    page.get_by_label("Leidinggevenden").check()
    page.get_by_label("Mbo-niveau").check()
    walk.shot(page, role, "course-form")
    page.get_by_role("button", name="Cursus opslaan").click()
    page.wait_for_load_state()
    walk.shot(page, role, "course-saved")

    walk.goto(page, "/mijn")
    page.get_by_role("link", name="Sessie plannen").click()
    page.wait_for_load_state()
    page.get_by_label("Cursus", exact=True).select_option(label="Gezond werken")
    page.get_by_label("Op locatie", exact=True).check()
    day = (datetime.now() + timedelta(days=14)).date().isoformat()
    page.get_by_label("Datum", exact=True).first.fill(day)
    page.get_by_label("Van", exact=True).first.fill("13:00")
    page.get_by_label("Tot", exact=True).first.fill("16:00")
    page.get_by_label("Locatie en zaal").select_option(index=1)
    page.get_by_label("Plaatsen op locatie").fill("12")
    walk.shot(page, role, "session-form")
    page.get_by_role("button", name="Sessie opslaan").click()
    page.wait_for_load_state()
    walk.shot(page, role, "session-saved")

    walk.goto(page, "/mijn")
    page.get_by_role("link", name="Evenement aanmaken").click()
    page.wait_for_load_state()
    page.get_by_label("Titel").fill("Week van de vitaliteit")
    page.get_by_label("Symposium").check()
    page.get_by_label("Beschrijving").fill("Een week vol workshops over gezond werken.")
    first = datetime.now() + timedelta(days=30)
    page.get_by_label("Begint").fill(first.strftime("%Y-%m-%dT09:00"))
    page.get_by_label("Eindigt").fill(first.strftime("%Y-%m-%dT17:00"))
    page.get_by_label("Totale capaciteit").fill("100")
    walk.shot(page, role, "event-form")
    page.get_by_role("button", name="Evenement opslaan").click()
    page.wait_for_load_state()
    walk.shot(page, role, "event-saved")
    page.get_by_role("link", name="Programmaonderdeel toevoegen").click()
    page.wait_for_load_state()
    page.get_by_label("Cursus", exact=True).select_option(label="Gezond werken")
    page.get_by_label("Op locatie", exact=True).check()
    page.get_by_label("Datum", exact=True).first.fill(first.date().isoformat())
    page.get_by_label("Van", exact=True).first.fill("10:00")
    page.get_by_label("Tot", exact=True).first.fill("12:00")
    page.get_by_label("Locatie en zaal").select_option(index=1)
    page.get_by_label("Plaatsen op locatie").fill("20")
    walk.shot(page, role, "programme-item-form")
    page.get_by_role("button", name="Sessie opslaan").click()
    page.wait_for_load_state()
    walk.shot(page, role, "programme-item-saved")
    organiser_extras(walk, page)
    for path, step in (
        ("/", "catalogue"),
        ("/evenementen", "events"),
        ("/beheer/sessies", "sessions"),
    ):
        walk.goto(page, path)
        walk.shot(page, role, step)
    walk.log_out(page)


def organiser_extras(walk: Walk, page: Page) -> None:
    """What else the demo has: a speaker, a funding programme, a certification, advisors."""
    role = "organiser"
    walk.goto(page, "/mijn")
    page.get_by_role("link", name="Sprekers en trainers").first.click()
    page.wait_for_load_state()
    walk.shot(page, role, "speakers-empty")
    page.get_by_role("link", name="Spreker toevoegen").click()
    page.get_by_label("Naam", exact=True).fill("Sam Spreker")
    page.get_by_label("Rol of beroep").fill("bedrijfsarts")
    page.get_by_label("Korte biografie").fill("Twintig jaar bedrijfsarts.")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, role, "speaker-saved")

    walk.goto(page, "/mijn")
    page.get_by_role("link", name=re.compile("Categorieën, doelgroepen")).first.click()
    page.get_by_role("link", name="Nieuw financieringsprogramma toevoegen").click()
    page.get_by_label("Naam (Nederlands)").fill("Regionaal Werkfonds")
    page.get_by_label("Naam (Engels)").fill("Regional Work Fund")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, role, "programme-saved")

    walk.goto(page, "/mijn")
    page.get_by_role("link", name="Certificeringen beheren").first.click()
    page.wait_for_load_state()
    walk.shot(page, role, "certifications-empty")
    page.get_by_role("link", name="Certificering vastleggen").click()
    page.get_by_label("Naam (Nederlands)").fill("Gezond werken")
    page.get_by_label("Gezond werken", exact=True).check()
    page.get_by_label("Alle bijeenkomsten bijgewoond").check()
    page.get_by_label("Geen toetsing").check()
    page.get_by_label("Geldig gedurende (maanden)").fill("24")
    page.get_by_role("button", name="Certificering opslaan").click()
    page.wait_for_load_state()
    walk.shot(page, role, "certification-saved")
    walk.goto(page, "/beheer/adviseurs")
    walk.shot(page, role, "advisors")
    walk.goto(page, "/beheer/berichten")
    walk.shot(page, role, "undelivered-messages")


def advisor(walk: Walk, page: Page) -> None:
    role = "advisor"
    address = PEOPLE[role][0]
    walk.log_in(page, address)
    walk.second_factor(page, role, address)
    walk.shot(page, role, "overview")
    walk.goto(page, "/loopbaangesprekken/agenda")
    walk.shot(page, role, "agenda-empty")
    page.get_by_label("Vergaderlink voor online gesprekken").fill("https://teams.example.nl/l/ada")
    page.get_by_label("Over jou").fill("Loopbaanadviseur sinds 2015.")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, role, "profile-saved")
    day = (datetime.now() + timedelta(days=7)).date().isoformat()
    page.get_by_label("Datum", exact=True).fill(day)
    page.get_by_label("Begintijd").fill("10:00")
    page.get_by_label("Duur in minuten").fill("45")
    page.get_by_label("Online", exact=True).first.check()
    page.get_by_role("button", name="Publiceren", exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, role, "time-published")
    page.get_by_label("Dag van de week").select_option("2")
    page.get_by_label("Van", exact=True).fill("13:00")
    page.get_by_label("Tot", exact=True).fill("15:00")
    page.get_by_label("Duur van elk gesprek in minuten").fill("60")
    page.get_by_label("Aantal weken").fill("2")
    page.get_by_label("Op locatie", exact=True).last.check()
    page.get_by_label("Locatie (op locatie)").last.select_option(index=1)
    page.get_by_role("button", name="De reeks publiceren").click()
    page.wait_for_load_state()
    walk.shot(page, role, "series-published")
    walk.log_out(page)


def participant(walk: Walk, page: Page) -> None:
    role = "participant"
    address = PEOPLE[role][0]
    walk.log_in(page, address)
    walk.shot(page, role, "overview")
    walk.goto(page, "/")
    page.get_by_role("link", name="Gezond werken").first.click()
    page.wait_for_load_state()
    walk.shot(page, role, "course")
    page.get_by_role("button", name="Inschrijven").first.click()
    page.wait_for_load_state()
    walk.shot(page, role, "enrolled")
    walk.goto(page, "/evenementen")
    walk.shot(page, role, "events")
    page.get_by_role("link", name="Week van de vitaliteit").first.click()
    page.wait_for_load_state()
    walk.shot(page, role, "event")
    page.get_by_label("Gezond werken").first.check()
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, role, "event-registered")
    walk.goto(page, "/loopbaangesprekken")
    walk.shot(page, role, "career-conversations")
    page.get_by_role("button", name=re.compile("Deze tijd boeken")).first.click()
    page.wait_for_load_state()
    walk.shot(page, role, "conversation-booked")
    walk.goto(page, "/mijn")
    walk.shot(page, role, "overview-after")
    walk.log_out(page)


def team_leader(walk: Walk, page: Page) -> None:
    role = "team_leader"
    address = PEOPLE[role][0]
    walk.log_in(page, address)
    walk.shot(page, role, "overview")
    walk.goto(page, "/mijn-team")
    walk.shot(page, role, "team")
    page.get_by_label("Sessie", exact=True).select_option(index=2)
    page.get_by_label("Dirk Deelnemer").check()
    page.get_by_label("Lies Leider").check()
    page.get_by_role("button", name="Inschrijven", exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, role, "team-booked")
    walk.log_out(page)


def hr(walk: Walk, page: Page) -> None:
    role = "hr"
    address = PEOPLE[role][0]
    walk.log_in(page, address)
    walk.second_factor(page, role, address)
    walk.shot(page, role, "overview")
    for path, step in (
        ("/organisatie", "organisation"),
        ("/organisatie/mensen", "people"),
        ("/organisatie/certificaten", "certificates"),
    ):
        walk.goto(page, path)
        walk.shot(page, role, step)
    walk.goto(page, "/organisatie/mensen")
    page.get_by_role("link", name="Dirk Deelnemer").click()
    page.wait_for_load_state()
    walk.shot(page, role, "person")
    walk.log_out(page)


def api(walk: Walk, page: Page) -> None:
    """The administrator makes an API token on the account page and builds, through the API
    alone, what the pages made: an organisation with a team and people, the lists, a venue, a
    course, a session, an event, a speaker."""
    role = "api"
    walk.log_in(page, ADMIN[0])
    walk.second_factor(page, "admin", ADMIN[0])
    walk.goto(page, "/account")
    page.get_by_label("Naam van het token").fill("koppeling")
    page.get_by_label("Je huidige wachtwoord").last.fill(PASSWORD)
    page.get_by_role("button", name="Token aanmaken").click()
    page.wait_for_load_state()
    walk.shot(page, role, "token")
    token = page.get_by_test_id("new-token").inner_text().strip()
    request = page.context.request
    headers = {"Authorization": f"Bearer {token}"}

    def post(path: str, body: dict) -> dict:
        answer = request.post(walk.base + "/api/v1" + path, data=body, headers=headers)
        print(f"  {role:12} POST {path:34} {answer.status}")
        if answer.status != 201:
            walk.problems.append(f"API POST {path}: {answer.status} {answer.text()[:300]}")
            return {}
        return answer.json()

    organisation = post("/organisations", {"name": "Gemeente Noordwijk"})
    team = post(f"/organisations/{organisation.get('id')}/teams", {"name": "Burgerzaken"})
    post(
        "/people",
        {
            "email": "api-deelnemer@noordwijk.example.nl",
            "name": "Api Deelnemer",
            "role": "participant",
            "organisation_id": organisation.get("id"),
            "team_id": team.get("id"),
        },
    )
    category = post("/categories", {"name": "Digitale vaardigheden", "name_en": "Digital skills"})
    post("/target-groups", {"name": "Starters", "name_en": "Starters"})
    post("/funding-programmes", {"name": "Digitaal Fonds", "name_en": "Digital Fund"})
    speaker = post("/speakers", {"name": "Dana Docent", "role": "trainer"})
    venue = post(
        "/venues",
        {
            "kind": "physical",
            "name": "Bibliotheek Noordwijk",
            "address": "Plein 2",
            "postcode": "2201 AA",
            "city": "Noordwijk",
            "rooms": [{"name": "Leeszaal", "capacity": 16}],
        },
    )
    course = post(
        "/courses",
        {
            "title": "Veilig online",
            "description": "Phishing herkennen en sterke wachtwoorden.",
            "category": category.get("slug", ""),
            "format": "workshop",
            "speaker_ids": [speaker["id"]] if speaker else [],
        },
    )
    start = (datetime.now(UTC) + timedelta(days=21)).replace(hour=9, minute=0, microsecond=0)
    post(
        "/sessions",
        {
            "course_id": course.get("id"),
            "mode": "physical",
            "capacity": {"in_person": 16},
            "meetings": [
                {
                    "starts_at": start.isoformat(),
                    "ends_at": (start + timedelta(hours=3)).isoformat(),
                }
            ],
            "venue_id": venue.get("id"),
            "room_id": (venue.get("rooms") or [{}])[0].get("id"),
        },
    )
    post("/events", {"title": "Digitale week", "kind": "festival", "capacity": 50})
    walk.goto(page, "/")
    walk.shot(page, role, "catalogue-after-api")
    walk.log_out(page)


def phone(walk: Walk, page: Page) -> None:
    """The participant's pages at phone width (390 CSS px)."""
    page.set_viewport_size({"width": 390, "height": 844})
    walk.log_in(page, PEOPLE["participant"][0])
    for path, step in (
        ("/", "phone-catalogue"),
        ("/cursussen/gezond-werken", "phone-course"),
        ("/mijn", "phone-overview"),
        ("/evenementen/week-van-de-vitaliteit", "phone-event"),
        ("/loopbaangesprekken", "phone-career-conversations"),
    ):
        walk.goto(page, path)
        walk.shot(page, "participant", step)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > 390:
            walk.problems.append(f"{path}: {wide} px wide at a phone's 390 px")


STEPS = [administrator, onboarding, organiser, advisor, participant, team_leader, hr, api, phone]

if __name__ == "__main__":
    sys.exit(main())
