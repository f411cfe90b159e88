"""The sandbox of generated code: each escape seen before it existed now fails, or nothing runs.

The attacks are written as generated modules run through `check_doctests` (the user's path),
and print what they managed, so a test sees that the attack ran and was stopped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from codeassist.errors import CodeassistError
from codeassist.generate import sandbox, sandbox_init
from codeassist.generate.code import check_doctests
from codeassist.generate.sandbox import run_python

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox is Linux-only")

DOCTEST = '\n\ndef f():\n    """Nothing.\n\n    >>> f()\n    """\n'


def _module(attack: str) -> str:
    return textwrap.dedent(attack) + DOCTEST


def _processes_with(token: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and token.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:  # ended while we looked
            continue
    return found


def test_a_file_outside_the_sandbox_is_neither_deleted_nor_created(tmp_path: Path):
    victim, planted = tmp_path / "victim.txt", tmp_path / "planted.txt"
    victim.write_text("keep me\n")
    result = check_doctests(_module(f"""
        import os, shutil
        for act in (lambda: os.remove({str(victim)!r}), lambda: open({str(planted)!r}, "w").write("x"),
                    lambda: shutil.rmtree({str(tmp_path)!r})):
            try:
                act()
                print("ESCAPED")
            except OSError as error:
                print("blocked:", error.strerror)
    """))
    assert victim.read_text() == "keep me\n" and not planted.exists()
    assert "ESCAPED" not in result.output and result.output.count("blocked: Read-only file system") == 3


def test_the_working_directory_is_writable_and_private():
    result = check_doctests(_module("""
        import os, tempfile
        with open("scratch.txt", "w") as file:
            file.write("ok")
        with tempfile.NamedTemporaryFile() as file:
            print("wrote", open("scratch.txt").read(), os.path.dirname(file.name) == os.getcwd())
    """))
    assert result.ok and "wrote ok True" in result.output


@pytest.mark.parametrize("attack", [
    "import _socket\ns = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)\ns.connect(ADDRESS)",
    "import _socket, ctypes\nfd = ctypes.CDLL(None, use_errno=True).socket(2, 1, 0)\n"
    "assert fd >= 0, ctypes.get_errno()\n_socket.socket(fileno=fd).connect(ADDRESS)",
    "import _socket\n_socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM).connect(ADDRESS)",
], ids=["_socket", "libc-socket", "unix-socket"])
def test_no_connection_reaches_a_server_the_test_started(attack: str, tmp_path: Path):
    if "AF_UNIX" in attack:  # a path socket: a network namespace alone does not stop these
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(tmp_path / "server.sock"))
        server.listen()
        address = str(tmp_path / "server.sock")
    else:
        server = socket.create_server(("127.0.0.1", 0))
        address = server.getsockname()
    with server:
        body = "try:\n" + textwrap.indent(attack.replace("ADDRESS", repr(address)), "    ") + (
            "\n    print('ESCAPED')\nexcept (OSError, AssertionError) as error:\n    print('blocked:', error)\n")
        result = check_doctests(body + DOCTEST)
        server.settimeout(0.5)
        with pytest.raises(TimeoutError):
            server.accept()
    assert "ESCAPED" not in result.output and "blocked:" in result.output


def test_a_new_session_child_does_not_outlive_the_timeout(tmp_path: Path):
    token, marker = f"codeassist-escape-{uuid.uuid4().hex}", tmp_path / "marker"
    child = f"import time; time.sleep(3); open({str(marker)!r}, 'w').write('escaped')"
    result = check_doctests(_module(f"""
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", {child!r}, {token!r}], start_new_session=True)
        while True:
            pass
    """), timeout=2)
    assert not result.ok and "timed out" in result.output
    assert _processes_with(token) == []  # the run returns only after the whole tree has ended
    time.sleep(3.5)
    assert _processes_with(token) == [] and not marker.exists()


def test_children_end_with_the_program_too():
    token = f"codeassist-daemon-{uuid.uuid4().hex}"
    result = check_doctests(_module(f"""
        import os, subprocess, sys
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", {token!r}], start_new_session=True)
    """))
    assert result.ok and _processes_with(token) == []


def test_limits_hold():
    run = run_python("import resource, os\nprint(resource.getrlimit(resource.RLIMIT_NPROC)[0], "
                     "resource.getrlimit(resource.RLIMIT_FSIZE)[0], resource.getrlimit(resource.RLIMIT_AS)[0])\n"
                     "print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])\n"
                     "try:\n    bytearray(2 << 30)\nexcept MemoryError:\n    print('memory capped')\n",
                     {}, timeout=10)
    limits = sandbox.Limits()
    assert run.returncode == 0, run.output
    assert f"{limits.processes} {limits.file_bytes} {limits.memory_bytes}" in run.output
    assert "0000000000000000" in run.output and "memory capped" in run.output


def test_not_linux_is_refused_and_nothing_runs(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    monkeypatch.setattr(sandbox.subprocess, "Popen", None)  # would raise TypeError if reached
    with pytest.raises(CodeassistError, match="needs a Linux sandbox") as error:
        check_doctests(_module("print('ran')"))
    assert "\n" not in str(error.value)


def test_without_user_namespaces_it_is_refused_and_nothing_runs(tmp_path: Path):
    # A real host without user namespaces: a namespace whose limit of nested ones is 0.
    marker = tmp_path / "ran"
    script = textwrap.dedent(f"""
        import ctypes, os
        from codeassist.errors import CodeassistError
        from codeassist.generate.code import check_doctests
        uid, gid = os.getuid(), os.getgid()
        assert ctypes.CDLL(None, use_errno=True).unshare({sandbox_init.CLONE_NEWUSER}) == 0
        for name, text in (("setgroups", "deny"), ("uid_map", f"0 {{uid}} 1"), ("gid_map", f"0 {{gid}} 1")):
            with open(f"/proc/self/{{name}}", "w") as file:
                file.write(text)
        with open("/proc/sys/user/max_user_namespaces", "w") as file:
            file.write("0")
        try:
            check_doctests("open({str(marker)!r}, 'w')\\n")
        except CodeassistError as error:
            print(error)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True,
                          env={**os.environ, "PYTHONPATH": str(Path(sandbox.__file__).parents[2])})
    line = done.stdout.strip()
    assert line.startswith("cannot sandbox the generated code (unshare (user namespaces) failed")
    assert "enable unprivileged user namespaces" in line and "\n" not in line and not marker.exists()
