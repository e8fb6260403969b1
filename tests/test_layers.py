"""The layers only point down, read from the source (no Django needed):

    textcore ← common ← accounts ← manifesto ← amendments ← desk

- A package imports only packages of its own layer or below: textcore imports none of ours
  and no Django; common imports neither accounts, manifesto, amendments nor desk; accounts
  imports neither manifesto, amendments nor desk; manifesto never imports amendments or desk;
  no app imports desk (the project package: settings, root URLs, middleware).
- No read imports a service: selectors, review_queue, filtering, listing, rules, ledger and
  manifesto.counting import no ``services`` module.
- No ``import`` sits inside a function body unless the line before it is a comment giving the
  reason, and that reason is not an import cycle (a cycle is fixed by moving code, not hidden).

Migrations are left out (Django runs them with its own historical models); so are tests/ and
bench/, which set Django up before they import the apps.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("textcore", "common", "accounts", "manifesto", "amendments", "desk")
READS = {"selectors", "review_queue", "filtering", "listing", "rules", "ledger", "counting"}


@dataclass(frozen=True)
class Import:
    module: str  # the absolute module imported ("amendments.services.review")
    line: int
    in_function: bool


def _modules() -> list[Path]:
    return sorted(
        path
        for package in LAYERS
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _imports(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inside.update(id(child) for child in ast.walk(node) if child is not node)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            base = node.module or ""
            # "from amendments import selectors" imports the module amendments.selectors.
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.extend(Import(name, node.lineno, id(node) in inside) for name in names)
    return found


def _package(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


MODULES = _modules()


def test_the_layers_are_found() -> None:
    found = {_package(path) for path in MODULES}
    assert found == set(LAYERS)
    assert len(MODULES) > 50


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_imports_nothing_from_a_layer_above_its_own(path: Path) -> None:
    layer = LAYERS.index(_package(path))
    above = set(LAYERS[layer + 1 :])
    upward = [
        f"line {i.line}: {i.module}" for i in _imports(path) if i.module.split(".")[0] in above
    ]
    assert not upward, f"{_name(path)} imports from a layer above it: {upward}"


@pytest.mark.parametrize("path", [p for p in MODULES if _package(p) == "textcore"], ids=_name)
def test_the_text_core_imports_no_django(path: Path) -> None:
    django = [i.module for i in _imports(path) if i.module.split(".")[0] == "django"]
    assert not django, f"{_name(path)} imports Django: {django}"


@pytest.mark.parametrize("path", [p for p in MODULES if p.stem in READS], ids=_name)
def test_no_read_imports_a_service(path: Path) -> None:
    services = [i.module for i in _imports(path) if "services" in i.module.split(".")]
    assert not services, f"{_name(path)} reads, yet imports services: {services}"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_import_hides_in_a_function_without_a_reason(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    hidden = []
    for found in _imports(path):
        if not found.in_function:
            continue
        before = lines[found.line - 2].strip() if found.line > 1 else ""
        reason = before.removeprefix("#").strip().lower() if before.startswith("#") else ""
        if not reason or "cycle" in reason or "circular" in reason:
            hidden.append(f"line {found.line}: {found.module}")
    assert not hidden, f"{_name(path)} imports inside a function without a reason: {hidden}"


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    # The AST reading itself: an upward import at the top, and one hidden in a function.
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from amendments import selectors\n\n\ndef f():\n    import amendments.services.review\n"
    )
    imports = _imports(sample)
    assert Import("amendments.selectors", 1, False) in imports
    assert Import("amendments.services.review", 5, True) in imports
