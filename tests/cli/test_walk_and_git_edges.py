"""Files and changes that used to hang, abort or mislead a run: FIFOs, symlink loops, directory
permissions, shallow clones, renames, committed symlinks, odd names and a BOM.

Everything goes through the real CLI on real files and real git repositories in tmp_path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git

STALE = 'def f(x):\n    """Do it.\n\n    Args:\n        y: gone.\n    """\n    return x\n'
DOCUMENTED = 'def f(x):\n    """Do it.\n\n    Args:\n        x: the value.\n    """\n    return x\n'
TIMEOUT = 60  # a FIFO that is opened blocks forever: a hang fails here instead of stalling CI


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "codeassist", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT, check=False)


def _commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.mark.parametrize("named", [False, True], ids=["walked", "named"])
def test_fifo_is_skipped_and_listed_without_being_opened(repo: Path, named: bool):
    (repo / "good.py").write_text(STALE)
    os.mkfifo(repo / "pipe.py")
    done = _run("check", *(["good.py", "pipe.py"] if named else []), cwd=repo)
    assert done.returncode == 1, done.stderr
    assert "pipe.py: skipped (not a regular file: a FIFO)" in done.stdout
    assert "good.py:5:9: CA101" in done.stdout


def test_index_skips_a_fifo(repo: Path, tmp_path: Path):
    (repo / "good.py").write_text(DOCUMENTED)
    os.mkfifo(repo / "pipe.py")
    done = subprocess.run(
        [sys.executable, "-m", "codeassist", "index"], cwd=repo, capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "skipped pipe.py: not a regular file: a FIFO" in done.stderr
    assert "in 1 files" in done.stderr


@pytest.mark.parametrize("named", [False, True], ids=["walked", "named"])
def test_symlink_loop_is_skipped_and_listed(repo: Path, named: bool):
    (repo / "good.py").write_text(STALE)
    (repo / "loop.py").symlink_to("loop.py")
    (repo / "sub").mkdir()
    (repo / "sub" / "a.py").symlink_to("b.py")
    (repo / "sub" / "b.py").symlink_to("a.py")
    done = _run("check", *(["good.py", "loop.py"] if named else []), cwd=repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "loop.py: skipped (symbolic link loop)" in done.stdout
    if not named:
        assert "sub/a.py: skipped (symbolic link loop)" in done.stdout
    assert "good.py:5:9: CA101" in done.stdout


def _without_dac_override() -> list[str] | None:
    """A command prefix under which permission bits apply, or None when none can be had.

    Root bypasses permission bits through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH; dropping
    them from the bounding set (util-linux `setpriv`) makes the child an ordinary owner.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


def test_directories_without_x_or_r_are_listed(repo: Path):
    prefix = _without_dac_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: permission bits cannot be exercised")
    (repo / "good.py").write_text(STALE)
    for name in ("nox", "nor"):
        (repo / name).mkdir()
        (repo / name / "a.py").write_text(STALE)
    (repo / "nox").chmod(0o600)
    (repo / "nor").chmod(0o300)
    try:
        done = subprocess.run([*prefix, sys.executable, "-m", "codeassist", "check"], cwd=repo,
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
    finally:
        (repo / "nox").chmod(0o755)
        (repo / "nor").chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert "nox: skipped (directory cannot be searched: Permission denied)" in done.stdout
    assert "nor: skipped (directory cannot be listed: Permission denied)" in done.stdout
    assert "good.py:5:9: CA101" in done.stdout
    assert "1 file checked, 2 skipped" in done.stdout


@pytest.mark.parametrize("args", [("--commit", "HEAD"), ("--range", "HEAD~1..HEAD")])
def test_shallow_clone_without_the_parent_is_one_line(repo: Path, tmp_path: Path, args: tuple[str, str]):
    (repo / "a.py").write_text(DOCUMENTED)
    _commit(repo, "one")
    (repo / "a.py").write_text(STALE)
    _commit(repo, "two")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    done = _run("review", *args, cwd=clone)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "is not in this shallow clone" in done.stderr and "git fetch --unshallow" in done.stderr


def test_pure_rename_is_reviewed_without_false_findings(repo: Path):
    (repo / "old.py").write_text(STALE)
    _commit(repo, "one")
    git(repo, "mv", "old.py", "new.py")
    _commit(repo, "rename")
    done = _run("review", "--commit", "HEAD", "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"skipped": []' in done.stdout and '"files_checked": 1' in done.stdout
    # The whole file is reported in `file` mode: the content after the rename was read.
    done = _run("review", "--commit", "HEAD", "--filter-mode", "file", cwd=repo)
    assert "new.py:5:9: CA101" in done.stdout


def test_committed_symlink_is_skipped_not_parsed(repo: Path):
    (repo / "real.py").write_text(DOCUMENTED)
    _commit(repo, "one")
    (repo / "link.py").symlink_to("real.py")
    _commit(repo, "link")
    done = _run("review", "--commit", "HEAD", "--filter-mode", "file", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "link.py: skipped (symbolic link)" in done.stdout
    assert "0 files checked" in done.stdout


def test_file_name_with_a_newline_stays_on_one_line(tmp_path: Path):
    (tmp_path / "a\nb.py").write_text(STALE)
    done = _run("check", ".", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == '"a\\nb.py":1:1: CA102 parameter `x` of `f` is missing from its documentation'


def test_bom_does_not_shift_line_one(tmp_path: Path):
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + STALE.replace("def f(x)", "def f(x, z)").encode())
    done = _run("check", "bom.py", cwd=tmp_path)
    assert done.stdout.startswith("bom.py:1:1: CA102"), done.stdout


def test_google_entry_with_a_combining_mark_is_read(tmp_path: Path):
    name = "cafe\u0301"  # e + COMBINING ACUTE ACCENT, a valid Python identifier
    (tmp_path / "m.py").write_text(
        f'def f({name}):\n    """Do it.\n\n    Args:\n        {name} (int): the value.\n    """\n    return {name}\n',
        encoding="utf-8",
    )
    done = _run("check", "m.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "No findings; 1 file checked." in done.stdout
