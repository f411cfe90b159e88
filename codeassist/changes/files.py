"""Which files to check, and reading them safely.

Directories are walked with the usual build/vendor directories pruned (a `build/lib` only when
the sources are also beside it); `.gitignore` is
honoured through git itself when the root is a git work tree (so nested ignore files and
global excludes count), else through the root `.gitignore`. Config `exclude` patterns apply
even to files named on the command line, so a pre-commit hook that passes every staged file
still skips them.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pathspec

from codeassist.errors import CodeassistError
from codeassist.languages import language_for_path
from codeassist.records import Skipped

PRUNED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", ".tox", ".nox", "node_modules", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "dist", "target",
})
_SETUP_FILES = frozenset({"setup.py", "conftest.py", "noxfile.py", "fabfile.py"})
_BINARY_PROBE = 8192


@dataclass(frozen=True)
class SourceFile:
    """A file to check.

    Attributes:
        path: Where it is on disk.
        rel: Its path relative to the project root, `/`-separated (absolute when outside).
        language: The language registry name.
    """

    path: Path
    rel: str
    language: str


def find_root(start: Path) -> Path:
    """Return the project root for `start`: the nearest git work tree, else pyproject.toml.

    Args:
        start: A file or directory.

    Returns:
        The root directory; `start`'s directory when neither marker is found.
    """
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return here


def relative(path: Path, root: Path) -> str:
    """Return `path` relative to `root`, `/`-separated; absolute when it lies outside.

    Args:
        path: A path.
        root: The project root.

    Returns:
        The path as reports print it.
    """
    resolved = path.resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return resolved.as_posix()


def _link_relative(path: Path, root: Path) -> str:
    """`relative` without resolving the last component: a symlink loop has nothing to resolve to."""
    parent = relative(path.parent, root)
    return path.name if parent == "." else f"{parent}/{path.name}"


def _key(path: Path, root: Path) -> str:
    try:
        return relative(path, root)
    except (OSError, RuntimeError):  # RuntimeError: pathlib's "Symlink loop" before 3.13
        return _link_relative(path, root)


def not_regular(path: Path) -> str | None:
    """Say why `path` cannot be checked as a file, looking without opening it.

    A FIFO or device named like source would block or never end when read, so anything
    but a regular file (after symlinks) is refused here, before anyone opens it.

    Args:
        path: A file path.

    Returns:
        The reason, or None for a regular file.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT and path.is_symlink():
            return "symbolic link to a missing file"
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kinds = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
             stat.S_IFBLK: "a block device", stat.S_IFDIR: "a directory"}
    return f"not a regular file: {kinds.get(stat.S_IFMT(mode), 'a special file')}"


def collect(
    paths: list[Path], root: Path, *, exclude: tuple[str, ...] = ()
) -> tuple[list[SourceFile], list[Skipped]]:
    """Expand the command-line paths into the files to check.

    Args:
        paths: Files and directories as given.
        root: The project root, for relative paths and ignore files.
        exclude: Gitignore-style patterns of files never to check.

    Returns:
        The files in sorted order, and what was skipped with why: named files, and walked
        source files or directories that cannot be read (FIFOs, symlink loops, permissions).

    Raises:
        CodeassistError: When a path does not exist.
    """
    missing = [str(p) for p in paths if not os.path.lexists(p)]  # a named symlink loop is skipped below
    if missing:
        raise CodeassistError(
            f"no such file or directory: {', '.join(missing)}", "check the path and try again"
        )
    excluded = pathspec.GitIgnoreSpec.from_lines(exclude)
    candidates: dict[str, tuple[Path, bool]] = {}  # rel → (path, named explicitly)
    unreadable_dirs: dict[str, str] = {}  # rel → why the walk could not enter it
    for path in paths:
        if path.is_dir():
            walked, problems = _walk(path)
            for file in walked:
                candidates.setdefault(_key(file, root), (file, False))
            for directory, reason in problems:
                unreadable_dirs.setdefault(relative(directory, root), reason)
        else:
            candidates[_key(path, root)] = (path, True)
    ignored = _git_ignored(root, [*candidates, *unreadable_dirs])
    files: list[SourceFile] = []
    skipped = [
        Skipped(rel, reason) for rel, reason in sorted(unreadable_dirs.items())
        if rel not in ignored and not excluded.match_file(rel)
    ]
    for rel in sorted(candidates):
        path, named = candidates[rel]
        if excluded.match_file(rel):
            continue  # the user's own exclude list: skipped quietly, like ruff's force-exclude
        if rel in ignored:
            if named:
                skipped.append(Skipped(rel, "ignored by git (.gitignore)"))
            continue
        spec = language_for_path(path)
        if spec is None:
            if named:
                skipped.append(Skipped(rel, "not a supported language (by file suffix)"))
            continue
        reason = not_regular(path)
        if reason is not None:
            skipped.append(Skipped(rel, reason))
            continue
        files.append(SourceFile(path, rel, spec.name))
    return files, skipped


def _walk(directory: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Source-named entries under `directory`, and the directories the walk could not enter."""
    found: list[Path] = []
    problems: list[tuple[Path, str]] = []

    def unreadable(exc: OSError) -> None:
        problems.append((Path(exc.filename), f"directory cannot be listed: {exc.strerror or exc}"))

    for current, dirs, names in os.walk(directory, onerror=unreadable):
        try:
            # Listing needs r, reaching the entries needs x: stat "." answers for x.
            os.stat(os.path.join(current, "."))
        except OSError as exc:
            problems.append((Path(current), f"directory cannot be searched: {exc.strerror or exc}"))
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not _pruned(Path(current), d))
        found += [Path(current) / name for name in names if language_for_path(name)]
    return found, problems


def _pruned(parent: Path, name: str) -> bool:
    # Any virtualenv is pruned by its marker file, not its name: the stdlib has a `venv` package.
    if name in PRUNED_DIRS or name.endswith(".egg-info"):
        return True
    try:
        if name == "build":
            return _build_output(parent)
        return (parent / name / "pyvenv.cfg").exists()
    except OSError:
        return False  # not searchable: the walk enters it and lists it as skipped


def _build_output(parent: Path) -> bool:
    """Tell whether `parent/build` is a build's output copy of sources that live beside it.

    A `build` package (`mypkg/build/__init__.py`) is source. setuptools' `build/lib` is a copy,
    pruned when the tree has its sources elsewhere, but walked when it is all the tree ships.
    """
    build = parent / "build"
    if (build / "__init__.py").exists():
        return False
    if not any(entry.name.startswith("lib") and entry.is_dir() for entry in build.iterdir()):
        return True  # temp.*, bdist.*, a Sphinx or CMake build: nothing to review
    return any(_is_source(entry) for entry in parent.iterdir() if entry.name != "build")


def _is_source(entry: Path) -> bool:
    if entry.is_dir():
        return entry.name == "src" or (entry / "__init__.py").exists()
    return entry.suffix == ".py" and entry.name not in _SETUP_FILES


def _git_ignored(root: Path, rels: list[str]) -> set[str]:
    if not rels:
        return set()
    if (root / ".git").exists():
        # One `git check-ignore --stdin` call answers for every path at once; GitPython's
        # `Repo.ignored` passes paths as arguments, which overflows on large trees.
        try:
            done = subprocess.run(
                ["git", "-C", str(root), "check-ignore", "--stdin", "-z"],
                input="\0".join(rels).encode("utf-8"),
                capture_output=True,
                check=False,
            )
        except OSError:
            done = None
        if done is not None and done.returncode in (0, 1):
            return {p for p in done.stdout.decode("utf-8", "replace").split("\0") if p}
    gitignore = root / ".gitignore"
    if not gitignore.is_file():
        return set()
    spec = pathspec.GitIgnoreSpec.from_lines(
        gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
    )
    return {rel for rel in rels if spec.match_file(rel)}


def read_source(path: Path, max_bytes: int) -> tuple[str | None, str | None]:
    """Read a source file, refusing what we cannot check.

    Args:
        path: The file.
        max_bytes: The size limit.

    Returns:
        (text, None) on success, or (None, reason) when the file is skipped.
    """
    reason = not_regular(path)  # again: a file can become a FIFO between the walk and the read
    if reason is not None:
        return None, reason
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, f"larger than {max_bytes} bytes ({size}); raise max-file-bytes to check it"
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror or exc}"
    return decode_source(data)


def decode_source(data: bytes) -> tuple[str | None, str | None]:
    """Decode source bytes, refusing binary content and invalid UTF-8.

    A UTF-8 byte order mark is dropped: columns are byte offsets, and editors do not count it.

    Args:
        data: The file content.

    Returns:
        (text, None) on success, or (None, reason).
    """
    if b"\0" in data[:_BINARY_PROBE]:
        return None, "binary file"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, f"not valid UTF-8 (line {line}); save it as UTF-8"
