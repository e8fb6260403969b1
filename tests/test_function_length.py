"""No function in the services or the text store is longer than 60 lines.

A long service function mixes jobs (checking, deciding, writing, logging) that each deserve a
name; this keeps them short. Counted from the ``def`` line to the function's last line,
docstring and comments included, for every function and method (nested ones too) of
``amendments/services/`` and ``manifesto/`` (migrations excepted).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

MAX_LINES = 60
CHECKED = (ROOT / "amendments" / "services", ROOT / "manifesto")


def _modules() -> list[Path]:
    return sorted(
        path
        for folder in CHECKED
        for path in folder.rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def function_lengths(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, length in lines) of every function in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            end = node.end_lineno or node.lineno
            found.append((node.name, node.lineno, end - node.lineno + 1))
    return found


def test_no_function_in_the_services_or_the_text_store_is_longer_than_60_lines() -> None:
    too_long = [
        f"{path.relative_to(ROOT)}:{line} {name} has {length} lines"
        for path in _modules()
        for name, line, length in function_lengths(path.read_text(encoding="utf-8"))
        if length > MAX_LINES
    ]
    assert too_long == [], f"functions over {MAX_LINES} lines: " + "; ".join(too_long)


def test_the_length_check_reads_the_services_and_counts_from_def_to_last_line() -> None:
    # The test above would pass vacuously if it found no code, or counted the wrong lines.
    names = {path.relative_to(ROOT).as_posix() for path in _modules()}
    assert "amendments/services/locking.py" in names
    assert "manifesto/services.py" in names
    assert not any("migrations" in name for name in names)
    source = (
        "def short():\n    return 1\n\n\n"
        "class A:\n    def method(self):\n        x = 1\n\n        return x\n"
    )
    assert function_lengths(source) == [("short", 1, 2), ("method", 6, 4)]
