"""The dependency rule of docs/architecture.md: a package imports only packages before it.

Every module under codeassist/ is parsed (never imported) and each `codeassist.*` import,
at any depth and under TYPE_CHECKING too, is checked against the layer table below. The
table is the one in docs/architecture.md; a test keeps the two the same.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "codeassist"

# Lowest first. A module may import its own layer and every layer below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("records", "errors", "storage", "languages", "config"),
    ("changes",),
    ("parsing",),
    ("encoders", "llm"),
    ("heads",),
    ("review",),
    ("report",),
    ("search",),
    ("generate",),
    ("cli",),
)
ENTRY_POINTS = ("__init__", "__main__")  # the package's face: may re-export from anywhere
TOP_LEVEL = {"__init__.py", "__main__.py", *(f"{name}.py" for name in LAYERS[0])}
# encoders and llm share a layer but are independent of each other.
SIBLINGS = {"encoders": {"llm"}, "llm": {"encoders"}}


def _level(part: str) -> int:
    for level, names in enumerate(LAYERS):
        if part in names:
            return level
    raise AssertionError(f"codeassist.{part} is in no layer of tests/test_layers.py")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Return (line, imported codeassist part) for every codeassist import in `path`."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "codeassist" else [f"codeassist.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "codeassist" and len(parts) > 1 and parts[1] != "__version__":
                found.append((node.lineno, parts[1]))
    return found


def _owner(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_module_imports_only_lower_layers(path: Path):
    owner = _owner(path)
    if owner in ENTRY_POINTS:
        return
    level = _level(owner)
    wrong = [f"line {line}: codeassist.{part}" for line, part in _imports(path)
             if part != owner and (_level(part) > level or part in SIBLINGS.get(owner, ()))]
    assert not wrong, f"{path.relative_to(ROOT)} imports a package above its layer: {wrong}"


def test_plumbing_imports_nothing_else_from_codeassist():
    for name in LAYERS[0]:
        path = PACKAGE / f"{name}.py"
        others = {part for _, part in _imports(path)} - set(LAYERS[0])
        assert not others, f"{path.name} imports {sorted(others)}"


def test_no_loose_modules_at_the_top():
    loose = sorted(p.name for p in PACKAGE.glob("*.py")) 
    assert set(loose) <= TOP_LEVEL, f"modules outside a stage package: {sorted(set(loose) - TOP_LEVEL)}"


def test_every_package_is_in_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    for name in packages:
        _level(name)


def test_architecture_doc_lists_the_same_layers():
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    table = re.search(r"<!-- layers -->\n(.*?)<!-- /layers -->", text, re.S)
    assert table, "docs/architecture.md has no <!-- layers --> block"
    rows = [re.findall(r"`(\w+)`", line) for line in table.group(1).splitlines() if line.startswith("|")]
    assert tuple(tuple(row) for row in rows if row) == LAYERS
