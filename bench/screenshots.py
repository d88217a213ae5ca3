"""The README's screenshots: the demo centre's main pages, photographed in Chromium.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots] [--only catalogue,...]

Builds a fresh temporary SQLite database with the demo data, serves the app on a free port
of 127.0.0.1, signs in as the demo people and saves one PNG per page (1280 by 800 CSS px,
the attendance list at 390 by 844, a phone). Not part of the tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from bench.common import fresh_database, quiet_logs
from booking import create_app
from booking.demo.people import DEMO_PASSWORD
from booking.extensions import db
from booking.scheduling.models import Meeting, Session

CHROMIUM = "/usr/bin/chromium"
ORGANISER = "organisator@talentmvs.example.nl"
PARTICIPANT = "medewerker@schiedam.example.nl"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def attendance_path() -> str:
    """The list of the past Projectassistent edition's first meeting."""
    session_id = db.session.scalar(
        select(Session.id)
        .join(Session.course)
        .where(Session.id.in_(select(Meeting.session_id).group_by(Meeting.session_id)))
        .order_by(Session.id.desc())
    )
    meeting_id = db.session.scalar(
        select(Meeting.id).where(Meeting.session_id == session_id).order_by(Meeting.starts_at)
    )
    return f"/presentie/sessies/{session_id}/bijeenkomsten/{meeting_id}"


# (file name, who signs in (None: nobody), path or a function giving it, viewport)
SHOTS = [
    ("catalogue", None, "/", DESKTOP),
    ("course", None, "/cursussen/netwerken-met-linkedin", DESKTOP),
    ("festival", None, "/evenementen/loopbaanfestival", DESKTOP),
    ("overview", PARTICIPANT, "/mijn", DESKTOP),
    ("sessions", ORGANISER, "/beheer/sessies", DESKTOP),
    ("attendance-phone", ORGANISER, attendance_path, PHONE),
]


class _Quiet(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass


def serve(app) -> tuple[str, object]:
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_port}", httpd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--only", default="", help="comma-separated names")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    wanted = {name for name in args.only.split(",") if name}

    folder = tempfile.mkdtemp(prefix="booking-screenshots-")
    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite",
            "EMBEDDED_WORKER": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_FOLDER": folder,
        },
    )
    quiet_logs()
    with app.app_context():
        fresh_database()
        db.session.commit()
        paths = {name: (path() if callable(path) else path) for name, _, path, _ in SHOTS}
    url, httpd = serve(app)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, person, _path, viewport in SHOTS:
            if wanted and name not in wanted:
                continue
            context = browser.new_context(
                base_url=url, viewport=viewport, locale="nl-NL", timezone_id="Europe/Amsterdam"
            )
            page = context.new_page()
            if person:
                page.goto("/inloggen")
                page.locator("input[type=email]").fill(person)
                page.locator("input[type=password]").fill(DEMO_PASSWORD)
                page.locator("main form button[type=submit]").first.click()
                page.wait_for_url("**/mijn")
            page.goto(paths[name])
            page.evaluate("document.fonts.ready")
            if viewport is PHONE:  # a phone shows the page's content, scrolled past the menu
                page.evaluate("document.getElementById('inhoud').scrollIntoView()")
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            size = f"{viewport['width']}x{viewport['height']}"
            print(f"{target}  {size}  {target.stat().st_size // 1024} KiB")
            context.close()
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main()
