"""Keeps the nl and en catalogues in step with the code: `python -m booking.core.i18n update`.

English is the source language, so the en catalogue repeats each message; it exists so that a
test can prove both catalogues complete and so English wording can change without code edits.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "booking" / "translations"
POT = TRANSLATIONS / "messages.pot"
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "-k", "_n:1,2"]


def pybabel(*args: str) -> None:
    command = [str(Path(sys.executable).parent / "pybabel"), *args]
    subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 - our own fixed arguments


def extract() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        *KEYWORDS,
        "--no-location",
        "--sort-output",
        "--project",
        "booking",
        "-o",
        str(POT),
        ".",
    )


def update() -> None:
    extract()
    for language in ("nl", "en"):
        po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(TRANSLATIONS),
                "-l",
                language,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", language)
    fill_english()


def fill_english() -> None:
    path = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id)
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    {"update": update, "extract": extract, "fill-en": fill_english}[command]()
