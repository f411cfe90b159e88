"""Where the benchmark's code comes from: stdlib files, the speed set, the mutation targets.

The standard library of the running interpreter is the first source; the installed packages
in `SECOND_SOURCES` are the second, real source of functions to mutate.
"""

from __future__ import annotations

import os
import random
import shutil
import sysconfig
from collections.abc import Iterator
from pathlib import Path

from .targets import Target, find_targets

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])

# Directories that hold tests, fixtures in old syntax, or third-party code, never stdlib modules.
NOT_STDLIB = frozenset({"test", "tests", "idle_test", "site-packages", "__pycache__"})
# The speed set also leaves out the two big GUI/legacy-tool packages, as in the brief.
NOT_IN_SPEED_SET = NOT_STDLIB | {"idlelib", "lib2to3"}
SPEED_PACKAGES = (
    "asyncio", "collections", "concurrent", "email", "http", "importlib", "json", "logging",
    "multiprocessing", "sqlite3", "unittest", "urllib", "xml", "xmlrpc", "zoneinfo",
)
# The second source of real functions: installed packages with structured docstrings.
SECOND_SOURCES = ("transformers", "datasets", "pydoclint", "rich")
PER_FILE_CAP = 3  # functions taken from one file of the second source (model files repeat)


def python_files(root: Path, skip_dirs: frozenset[str]) -> list[Path]:
    """Return the .py files under `root`, sorted, never entering `skip_dirs`.

    Args:
        root: A directory.
        skip_dirs: Directory names to prune.

    Returns:
        Sorted file paths.
    """
    found = []
    for current, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip_dirs)
        found += [Path(current) / n for n in names if n.endswith(".py")]
    return sorted(found)


def copy_tree(files: list[Path], root: Path, dest: Path) -> list[str]:
    """Copy files into `dest`, keeping their paths relative to `root`.

    Args:
        files: The files.
        root: What their paths are relative to.
        dest: The destination directory.

    Returns:
        The copies' paths relative to the directory above `dest`, i.e. `dest.name/...`.
    """
    copied = []
    for file in files:
        rel = file.relative_to(root)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
        copied.append(f"{dest.name}/{rel.as_posix()}")
    return copied


def speed_modules(count: int, rng: random.Random) -> list[Path]:
    """Choose the standard-library modules for the speed run.

    Args:
        count: How many.
        rng: The seeded chooser.

    Returns:
        The chosen files, sorted.
    """
    candidates = [p for p in STDLIB.glob("*.py")]
    for package in SPEED_PACKAGES:
        candidates += python_files(STDLIB / package, NOT_IN_SPEED_SET)
    candidates = sorted(set(candidates))
    return sorted(rng.sample(candidates, min(count, len(candidates))))


def _targets_from(files: list[Path], root: Path, source: str, per_file: int | None,
                  rng: random.Random) -> Iterator[Target]:
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = find_targets(path, text, path.relative_to(root).as_posix())
        if per_file is not None and len(found) > per_file:
            found = rng.sample(found, per_file)
        for target in found:
            yield target._replace(source=source)


def collect_targets(limit: int, rng: random.Random) -> list[Target]:
    """Choose the functions to mutate: qualifying stdlib ones, then the second source.

    Args:
        limit: The most functions in all; the stdlib gives at most half.
        rng: The seeded chooser.

    Returns:
        The targets, deduplicated by text.
    """
    seen: set[str] = set()
    targets: list[Target] = []

    def take(target: Target) -> bool:
        if target.module in seen or len(targets) >= limit:
            return False
        seen.add(target.module)
        targets.append(target)
        return True

    stdlib = list(_targets_from(python_files(STDLIB, NOT_STDLIB), STDLIB, "stdlib", None, rng))
    for target in rng.sample(stdlib, min(len(stdlib), limit // 2)):
        take(target)
    # Round-robin over the second source's packages, each read in a seeded file order, so no
    # package (transformers is large) crowds out the others and only what is needed is parsed.
    streams = {}
    for package in SECOND_SOURCES:
        root = SITE_PACKAGES / package
        if root.is_dir():
            files = python_files(root, frozenset({"tests", "test", "__pycache__"}))
            rng.shuffle(files)
            streams[package] = _targets_from(files, SITE_PACKAGES, "packages", PER_FILE_CAP, rng)
    while streams and len(targets) < limit:
        for package in list(streams):
            target = next(streams[package], None)
            if target is None:
                del streams[package]
            else:
                take(target)
    return targets
