"""Run model-written Python in a Linux sandbox, or refuse: nothing here runs it unsandboxed.

The sandbox (set up by `sandbox_init.py`, see docs/llm.md "The sandbox"): new user, mount,
network, PID, IPC and UTS namespaces; every mount read-only, a 64 MiB tmpfs the only
writable directory; no capabilities; `socket()` and io_uring refused by seccomp; rlimits on
CPU, memory, file size, processes and open files; at the timeout init of the PID namespace
is killed, which ends the whole process tree, and the run returns only once it has ended.
Where any of that cannot be had (not Linux, user namespaces disabled, a container that
forbids them) `run_python` raises CodeassistError instead of running anything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import BinaryIO

from codeassist.errors import CodeassistError
from codeassist.generate import sandbox_init

INIT_SCRIPT = Path(sandbox_init.__file__)
OUTPUT_LIMIT = 64 * 1024  # characters of output kept; the file-size rlimit bounds what is written
STOP_GRACE_S = 5
FIX = ("enable unprivileged user namespaces (e.g. `sysctl kernel.apparmor_restrict_unprivileged_userns=0` "
       "on Ubuntu 24.04, `sysctl kernel.unprivileged_userns_clone=1` on older Debian), or leave out --check-doctests")


@dataclass(frozen=True)
class Limits:
    """The rlimits of the sandboxed program (each process it starts has the same).

    Attributes:
        cpu_s: CPU seconds per process (RLIMIT_CPU).
        memory_bytes: Address space per process (RLIMIT_AS).
        file_bytes: The largest file it may write (RLIMIT_FSIZE).
        processes: Processes in the sandbox (RLIMIT_NPROC, counted in its user namespace).
        open_files: Open file descriptors per process (RLIMIT_NOFILE).
    """

    cpu_s: int = 10
    memory_bytes: int = 1 << 30
    file_bytes: int = 16 << 20
    processes: int = 64
    open_files: int = 256


@dataclass(frozen=True)
class SandboxRun:
    """How a sandboxed run ended.

    Attributes:
        returncode: The program's exit status (128 + N for signal N; -9 after a timeout).
        output: Its stdout and stderr together, cut at OUTPUT_LIMIT characters.
        timed_out: It was killed at the timeout.
    """

    returncode: int
    output: str
    timed_out: bool


def run_python(program: str, inputs: Mapping[str, str], *, timeout: float, limits: Limits | None = None) -> SandboxRun:
    """Run `python -I -c program PATH...` in the sandbox, one read-only PATH per input file.

    Args:
        program: Python source, trusted (it may e.g. exec an input).
        inputs: File name -> text, written beside the sandbox's working directory.
        timeout: Wall-clock seconds, setup included, before the whole process tree is killed.
        limits: The rlimits (None: `Limits()` with the CPU limit just above the timeout).

    Returns:
        The exit status and output.

    Raises:
        CodeassistError: When no sandbox can be had here; nothing was run.
    """
    if not sys.platform.startswith("linux"):
        raise CodeassistError(f"running generated code needs a Linux sandbox, and this is {sys.platform}",
                              "run it on Linux, or leave out --check-doctests")
    limits = limits or Limits(cpu_s=int(timeout) + 1)
    with tempfile.TemporaryDirectory(prefix="codeassist-sandbox-") as directory:
        root = Path(directory)
        for name, text in inputs.items():
            (root / name).write_text(text, encoding="utf-8")
        (root / "work").mkdir()  # mount points for the tmpfs and the staged /dev
        (root / "dev").mkdir()
        argv = [sys.executable, "-I", "-c", program, *(str(root / name) for name in inputs)]
        with (root / "output").open("w+b") as output:
            returncode, timed_out, problem = _launch(root, argv, limits, output, timeout)
            output.seek(0)
            text = output.read(OUTPUT_LIMIT * 4).decode("utf-8", "replace")
    if problem:
        raise CodeassistError(f"cannot sandbox the generated code ({problem.removeprefix('sandbox: ')})", FIX)
    cut = text[:OUTPUT_LIMIT] + ("\n[output cut]" if len(text) > OUTPUT_LIMIT else "")
    return SandboxRun(-signal.SIGKILL if timed_out else returncode, cut, timed_out)


def _launch(root: Path, argv: list[str], limits: Limits, output: BinaryIO, timeout: float) -> tuple[int, bool, str]:
    errors_read, errors_write = os.pipe()
    command = [sys.executable, "-I", "-S", str(INIT_SCRIPT), str(errors_write), str(sandbox_init.NAMESPACES),
               str(root), *map(str, astuple(limits)), "--", *argv]
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                   pass_fds=(errors_write,), start_new_session=True, cwd=root,
                                   env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"})
    finally:
        os.close(errors_write)
    timed_out = False
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        if process.poll() is None:
            _stop(process)
    with os.fdopen(errors_read, "rb") as errors:
        os.set_blocking(errors.fileno(), False)
        problem = (errors.read() or b"").decode("utf-8", "replace").strip()
    return process.returncode, timed_out, problem


def _stop(process: subprocess.Popen) -> None:
    """End the whole tree: the launcher kills init, and init is reaped only after every process is gone."""
    process.terminate()
    try:
        process.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        try:  # the launcher and init share this process group, and init's death ends the rest
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
