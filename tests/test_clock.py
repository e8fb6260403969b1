"""Time comes from one clock: no module of ours but common/clock.py calls timezone.now() or
datetime.now() (a model field's ``default=timezone.now`` hands Django the function, and is
frozen with it)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import time_machine

from common import clock

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("textcore", "common", "accounts", "manifesto", "amendments", "desk")


def _calls_to_now(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"now", "utcnow", "today"}
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"timezone", "datetime", "date"}
    ]


def test_only_the_clock_asks_for_the_time() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and path != ROOT / "common" / "clock.py"
        for line in _calls_to_now(path)
    ]
    assert offenders == []


def test_the_clock_is_frozen_by_time_machine() -> None:
    moment = datetime(2027, 1, 15, 18, 0, 1, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        assert clock.now() == moment
    assert clock.now() != moment


def test_the_check_finds_a_direct_call(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from django.utils import timezone\nx = timezone.now()\n")
    assert _calls_to_now(sample) == [2]
