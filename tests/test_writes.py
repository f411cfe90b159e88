"""Writing the files a user names: modes, links, devices, FIFOs, and one line for every refusal.

`write_atomic` is the one writer (caches and commands); `write_file` is its face for paths the
user named (`--output`, `--generate-baseline`, `docstring --write`). The CLI cases run the real
command as a process on real files in tmp_path.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from codeassist.errors import CodeassistError
from codeassist.storage import check_writable, write_atomic, write_file

CLEAN = '''def scale(value, factor):
    """Scale a value.

    Args:
        value: The input.
        factor: The multiplier.
    """
    return value * factor
'''
AS_ROOT = os.geteuid() == 0
FLAGS = ["--output", "--generate-baseline"]


def _one_line(stderr: str) -> str:
    assert stderr.count("\n") == 1, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr
    return stderr


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def project(repo: Path) -> Path:
    (repo / "mod.py").write_text(CLEAN)
    return repo


# --- the writer itself ------------------------------------------------------------------------


def test_symlink_is_written_through(tmp_path: Path):
    elsewhere = tmp_path / "dotfiles"
    elsewhere.mkdir()
    real = elsewhere / "report.txt"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "report.txt"
    link.symlink_to(Path("dotfiles") / "report.txt")  # relative, as dotfile managers make them
    write_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == "dotfiles/report.txt"
    assert real.read_text() == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert _names(elsewhere) == ["report.txt"] and _names(tmp_path) == ["dotfiles", "report.txt"]


def test_dangling_symlink_creates_its_target(tmp_path: Path):
    link = tmp_path / "out.txt"
    link.symlink_to(tmp_path / "target.txt")
    write_atomic(link, "data")
    assert link.is_symlink() and (tmp_path / "target.txt").read_text() == "data"


def test_symlink_loop_is_one_line(tmp_path: Path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    with pytest.raises(CodeassistError, match="symbolic links"):
        write_file(loop, "data")


def test_fifo_is_written_directly(tmp_path: Path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_character_device_is_written_directly():
    write_atomic(Path("/dev/null"), "discarded\n")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_temporary_file_is_synced_before_the_rename(tmp_path: Path, monkeypatch):
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        calls.append("dir" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file")
        real_fsync(descriptor)

    def replace(source, destination) -> None:  # noqa: ANN001 - os.replace's own signature
        calls.append("rename")
        real_replace(source, destination)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(tmp_path / "out.txt", "data")
    assert calls == ["file", "rename", "dir"]


@pytest.mark.skipif(not AS_ROOT, reason="only root may keep another user's ownership")
def test_rewrite_by_root_keeps_the_owner(tmp_path: Path):
    shared = tmp_path / "shared.txt"
    shared.write_text("old")
    os.chown(shared, 1234, 5678)
    shared.chmod(0o2664)
    write_atomic(shared, "new")
    info = shared.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 5678, 0o2664)


def test_read_only_file_is_refused_and_kept(tmp_path: Path):
    # No write bit at all: root's os.access says yes, but a read-only file is still refused.
    locked = tmp_path / "locked.txt"
    locked.write_text("keep me")
    locked.chmod(0o444)
    with pytest.raises(CodeassistError) as caught:
        write_file(locked, "new")
    assert str(caught.value) == (f"cannot write {locked}: the file is read-only: "
                                 f"make it writable (chmod u+w {locked}) or pass another path")
    with pytest.raises(CodeassistError, match="read-only"):
        check_writable(locked)
    assert locked.read_text() == "keep me" and _names(tmp_path) == ["locked.txt"]


def test_cache_writers_still_get_an_oserror(tmp_path: Path):
    # Caches catch OSError and run on without the cache; they must not see CodeassistError.
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing" / "entry", b"x")


# --- the CLI: --output and --generate-baseline ------------------------------------------------


@pytest.mark.parametrize("flag", FLAGS)
def test_rewrite_keeps_the_target_mode(project: Path, cli, flag: str):
    target = project / "out"
    target.write_text("old")
    target.chmod(0o754)
    done = cli("check", "mod.py", flag, "out", cwd=project)
    assert done.returncode == 0, done.stderr
    assert target.read_text() != "old"
    assert stat.S_IMODE(target.stat().st_mode) == 0o754


@pytest.mark.parametrize("flag", FLAGS)
def test_new_file_follows_the_umask(project: Path, cli, flag: str):
    old = os.umask(0o027)  # the CLI process inherits it
    try:
        done = cli("check", "mod.py", flag, "out", cwd=project)
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((project / "out").stat().st_mode) == 0o640


@pytest.mark.parametrize("flag", FLAGS)
def test_read_only_target_is_refused_with_one_line(project: Path, cli, flag: str):
    target = project / "out"
    target.write_text("keep me")
    target.chmod(0o444)
    done = cli("check", "mod.py", flag, "out", cwd=project)
    assert done.returncode == 2
    assert _one_line(done.stderr) == ("codeassist: error: cannot write out: the file is read-only: "
                                      "make it writable (chmod u+w out) or pass another path\n")
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("flag", FLAGS)
def test_symlink_target_gets_the_content(project: Path, cli, flag: str):
    (project / "reports").mkdir()
    real = project / "reports" / "latest"
    real.write_text("old")
    (project / "out").symlink_to("reports/latest")
    done = cli("check", "mod.py", flag, "out", cwd=project)
    assert done.returncode == 0, done.stderr
    assert (project / "out").is_symlink() and real.read_text() != "old"


def test_output_to_dev_null_keeps_the_device(project: Path, cli):
    done = cli("check", "mod.py", "--output", "/dev/null", cwd=project)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_output_to_dev_stdout_reaches_the_pipe(project: Path, cli):
    # /dev/stdout links to /proc/self/fd/1, a pipe here: written in place, never renamed over.
    done = cli("check", "mod.py", "--output", "/dev/stdout", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "No findings" in done.stdout


def test_output_to_a_fifo(project: Path, cli):
    os.mkfifo(project / "pipe")
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append((project / "pipe").read_text()))
    reader.start()
    done = cli("check", "mod.py", "--output", "pipe", cwd=project)
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert received and "No findings" in received[0]
    assert stat.S_ISFIFO(os.lstat(project / "pipe").st_mode)


@pytest.mark.parametrize(("prepare", "target", "message"), [
    (lambda root: None, "missing/out.txt",
     "cannot write missing/out.txt: directory missing does not exist: "
     "create it (mkdir -p missing) or pass a path in an existing directory"),
    (lambda root: (root / "notes").write_text("x"), "notes/out.txt",
     "cannot write notes/out.txt: notes is a file, not a directory: pass a path inside an existing directory"),
    (lambda root: (root / "notes").write_text("x"), "notes/deeper/out.txt",
     "cannot write notes/deeper/out.txt: notes is a file, not a directory: "
     "pass a path inside an existing directory"),
    (lambda root: (root / "reports").mkdir(), "reports",
     "cannot write reports: it is a directory: pass a file path, e.g. reports/report.txt"),
], ids=["missing-directory", "parent-is-a-file", "ancestor-is-a-file", "target-is-a-directory"])
@pytest.mark.parametrize("flag", FLAGS)
def test_unwritable_path_is_one_line_naming_it(project: Path, cli, flag: str, prepare, target: str,
                                               message: str):
    prepare(project)
    before = _names(project)
    done = cli("check", "mod.py", flag, target, cwd=project)
    assert done.returncode == 2
    assert _one_line(done.stderr) == f"codeassist: error: {message}\n"
    assert ".out.txt." not in done.stderr  # never the temporary file's name
    assert _names(project) == before


@pytest.mark.skipif(AS_ROOT, reason="root bypasses directory permission bits; the path-whose-"
                    "parent-is-a-file case covers an unwritable directory as root")
def test_read_only_directory_is_one_line(project: Path, cli):
    (project / "locked").mkdir()
    (project / "locked").chmod(0o555)
    try:
        done = cli("check", "mod.py", "--output", "locked/out.txt", cwd=project)
    finally:
        (project / "locked").chmod(0o755)
    assert done.returncode == 2
    assert _one_line(done.stderr) == ("codeassist: error: cannot write locked/out.txt: no permission "
                                      "to create files in locked: pass a path in a directory you can write\n")


# --- the CLI: docstring --write -----------------------------------------------------------------

UNDOCUMENTED = "def area(w, h):\n    return w * h\n"
# A model path that does not exist: a refusal that comes before the model loads says its own
# reason; one that came after would say "no such model directory".
NO_MODEL = ("--model", "./no/model")


@pytest.fixture
def module(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    return tmp_path


@pytest.mark.parametrize(("content", "write", "message"), [
    (b"def area(w, h:\n    return w * h\n", True,
     "geometry.py:1: '(' was never closed (as Python 3"),
    (b"def area(w, h):\nreturn w * h\n", True,
     "geometry.py:2: expected an indented block after function definition on line 1"),
    (b"# caf\xe9\ndef area(w, h):\n    return w * h\n", False,
     "geometry.py:1: not UTF-8 text (byte 0xe9): convert the file to UTF-8"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", False,
     "geometry.py is a binary file, not Python source: pass a Python source file"),
], ids=["syntax-error", "bad-indentation", "latin-1", "binary"])
def test_docstring_refuses_before_the_model_and_keeps_the_file(cli, module: Path, content: bytes,
                                                               write: bool, message: str):
    (module / "geometry.py").write_bytes(content)
    done = cli("docstring", "geometry.py", *(["--write"] if write else []), *NO_MODEL, cwd=module)
    assert done.returncode == 2
    assert message in _one_line(done.stderr)
    assert (module / "geometry.py").read_bytes() == content
    assert _names(module) == ["geometry.py", "pyproject.toml"]


def test_docstring_write_refuses_a_read_only_file_before_the_model(cli, module: Path):
    path = module / "geometry.py"
    path.write_text(UNDOCUMENTED)
    path.chmod(0o444)
    done = cli("docstring", "geometry.py", "--write", *NO_MODEL, cwd=module)
    assert done.returncode == 2
    assert "cannot write geometry.py: the file is read-only: make it writable" in _one_line(done.stderr)
    assert path.read_text() == UNDOCUMENTED


def test_docstring_on_a_fifo_does_not_hang(cli, module: Path):
    os.mkfifo(module / "pipe.py")
    done = cli("docstring", "pipe.py", *NO_MODEL, cwd=module)
    assert done.returncode == 2
    assert _one_line(done.stderr) == "codeassist: error: not a regular file: pipe.py: pass a Python source file\n"


def test_docstring_write_keeps_mode_and_writes_through_a_symlink(cli, module: Path):
    """The one slow case here: it loads the real default model (~7 s on CPU)."""
    (module / "src").mkdir()
    real = module / "src" / "geometry.py"
    real.write_text("#!/usr/bin/env python3\r\n" + UNDOCUMENTED.replace("\n", "\r\n"))
    real.chmod(0o755)
    (module / "geometry.py").symlink_to("src/geometry.py")
    done = cli("docstring", "geometry.py::area", "--write", cwd=module)
    assert done.returncode == 0, done.stderr
    assert (module / "geometry.py").is_symlink()
    text = real.read_bytes()
    assert b'"""' in text and text.count(b"\r\n") == text.count(b"\n")  # CRLF kept throughout
    assert stat.S_IMODE(real.stat().st_mode) == 0o755
    assert _names(module / "src") == ["geometry.py"]
