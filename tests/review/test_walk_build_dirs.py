"""Which `build` directories the walk prunes: build outputs beside their sources, nothing else."""

from __future__ import annotations

from pathlib import Path

from codeassist.changes.files import collect


def _files(root: Path) -> list[str]:
    found, _ = collect([root], root)
    return sorted(f.rel for f in found)


def _write(root: Path, *paths: str) -> None:
    for rel in paths:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x = 1\n")


def test_build_lib_copy_beside_sources_is_pruned(tmp_path):
    _write(tmp_path, "setup.py", "pkg/__init__.py", "build/lib/pkg/__init__.py")
    assert _files(tmp_path) == ["pkg/__init__.py", "setup.py"]


def test_build_lib_that_is_all_the_tree_ships_is_walked(tmp_path):
    _write(tmp_path, "setup.py", "build/lib/pkg/__init__.py", "build/temp.linux/x.py")
    assert _files(tmp_path) == ["build/lib/pkg/__init__.py", "build/temp.linux/x.py", "setup.py"]


def test_a_package_named_build_is_source(tmp_path):
    _write(tmp_path, "pkg/__init__.py", "pkg/build/__init__.py", "pkg/build/steps.py")
    assert _files(tmp_path) == ["pkg/__init__.py", "pkg/build/__init__.py", "pkg/build/steps.py"]


def test_other_build_outputs_are_pruned(tmp_path):
    _write(tmp_path, "docs/conf.py", "docs/build/html/_static/x.js")
    assert _files(tmp_path) == ["docs/conf.py"]
