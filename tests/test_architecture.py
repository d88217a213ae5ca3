"""The house rules of docs/architecture.md that a linter does not check: one unit of work,
and no imports inside functions except the ones the document names."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "booking"
UNIT_OF_WORK = PACKAGE / "core" / "db.py"

# (file, imported module) pairs allowed inside a function, each with its reason in
# docs/architecture.md ("Imports inside functions").
INLINE_IMPORTS_ALLOWED = {
    # create_app is the composition root: importing a model must not load every page.
    ("__init__.py", "*"),
    # fcntl exists only on Unix; elsewhere a single process is all SQLite serves.
    ("notifications/duties.py", "fcntl"),
}


def _python_files():
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_only_the_unit_of_work_commits():
    commits = []
    for path in _python_files():
        if path == UNIT_OF_WORK:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
            ):
                commits.append(f"{_name(path)}:{node.lineno}")
    assert commits == [], "commit outside booking.core.db.atomic: " + ", ".join(commits)


def test_no_imports_inside_functions_but_the_named_ones():
    found = []
    for path in _python_files():
        name = _name(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    modules = [alias.name for alias in inner.names]
                elif isinstance(inner, ast.ImportFrom):
                    modules = [inner.module or ""]
                else:
                    continue
                for module in modules:
                    if (name, "*") in INLINE_IMPORTS_ALLOWED:
                        continue
                    if (name, module) not in INLINE_IMPORTS_ALLOWED:
                        found.append(f"{name}:{inner.lineno} {module}")
    assert sorted(set(found)) == [], "imports inside functions: " + ", ".join(sorted(set(found)))
