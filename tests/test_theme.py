"""The theme gives the design system's select its chevron: the components draw selects
without the browser's arrow and read `--utrecht-select-background-image`, which the vendored
tokens leave empty, so every select looked like a text field."""

from __future__ import annotations

import re

from config import ROOT

STATIC = ROOT / "static"


def test_selects_get_a_chevron_from_the_theme():
    components = next((STATIC / "vendor" / "nl-design-system").glob("utrecht-component-*.css"))
    assert "background-image: var(--utrecht-select-background-image)" in components.read_text()
    theme = (STATIC / "css" / "theme.css").read_text()
    found = re.search(r"--utrecht-select-background-image:\s*url\(\"data:image/svg\+xml,", theme)
    assert found, "theme.css defines no chevron for selects"
