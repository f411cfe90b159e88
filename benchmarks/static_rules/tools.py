"""The three checkers as processes: where they are, their command lines, what they flagged.

Only the parameter/return checks count. pydoclint runs with its type checks off (codeassist
does not compare types); DOC201 and SIG503 ("return value not documented") and SIG501 ("cannot
tell") are completeness warnings, not contradictions, and no mutation creates them; parameter
order (DOC104 is switched off, SIG402) is not a contradiction either.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

BIN = Path(sys.executable).parent

CODEASSIST_CODES = frozenset({"CA101", "CA102", "CA103"})
PYDOCLINT_CODES = frozenset({"DOC101", "DOC102", "DOC103", "DOC104", "DOC105", "DOC202", "DOC203"})
DOCSIG_CODES = frozenset({"SIG201", "SIG202", "SIG203", "SIG403", "SIG404", "SIG502"})
COUNTED_CODES = {"codeassist": CODEASSIST_CODES, "pydoclint": PYDOCLINT_CODES, "docsig": DOCSIG_CODES}
PYDOCLINT_FLAGS = (
    "--quiet", "--show-filenames-in-every-violation-message", "True",
    "--arg-type-hints-in-signature", "False", "--arg-type-hints-in-docstring", "False",
    "--check-return-types", "False", "--check-yield-types", "False",
    "--check-arg-order", "False", "--check-class-attributes", "False",
    "--omit-stars-when-documenting-varargs", "True", "--allow-init-docstring", "True",
    "--skip-checking-raises", "True",
)
# docsig skips private, dunder and __init__ methods by default; the cases include them.
DOCSIG_FLAGS = (
    "--no-ansi", "--check-protected", "--check-protected-class-methods", "--check-dunders",
    "--check-class-constructor", "--check-overridden", "--check-nested",
)
# Written to the temporary root, it makes that directory every tool's project root: no tool
# picks up the configuration of whatever directory encloses it.
NEUTRAL_PYPROJECT = "[tool.pydoclint]\nquiet = true\n"


class Tool(NamedTuple):
    """A checker run as a process.

    Attributes:
        name: Its display name.
        exe: The executable, or None when it is not installed.
    """

    name: str
    exe: str | None


def find_tools() -> list[Tool]:
    """Locate the three checkers, next to this interpreter first.

    Returns:
        codeassist, pydoclint and docsig; `exe` is None for one that is not installed.
    """
    return [
        Tool(name, shutil.which(name, path=str(BIN)) or shutil.which(name))
        for name in ("codeassist", "pydoclint", "docsig")
    ]


def run_tool(argv: list[str], cwd: Path, cache: Path) -> tuple[float, str]:
    """Run a checker as a process.

    Args:
        argv: The command.
        cwd: Where to run it (the temporary root, which holds no config of the project).
        cache: codeassist's parse-cache directory for this run (`CODEASSIST_CACHE_DIR`), so
            the user's cache is neither read nor filled.

    Returns:
        Wall seconds and the combined stdout and stderr.
    """
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "NO_COLOR": "1", "TERM": "dumb",
           "CODEASSIST_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stdout + done.stderr


def command(tool: Tool, paths: list[str], *, style: str = "google", json_out: bool = False) -> list[str]:
    """Build a checker's command line for the parameter/return checks.

    Args:
        tool: An installed checker.
        paths: Files or directories, relative to the temporary root.
        style: The docstring style pydoclint should expect.
        json_out: Ask codeassist for JSON.

    Returns:
        The argv.

    Raises:
        ValueError: For an unknown tool.
    """
    assert tool.exe is not None
    if tool.name == "codeassist":
        fmt = ["--format", "json"] if json_out else []
        return [tool.exe, "check", *paths, "--select", "CA1", *fmt]
    if tool.name == "pydoclint":
        return [tool.exe, f"--style={style}", *PYDOCLINT_FLAGS, "--config", "pyproject.toml", *paths]
    if tool.name == "docsig":
        return [tool.exe, *DOCSIG_FLAGS, *paths]
    raise ValueError(f"unknown tool {tool.name}")


def flagged_files(tool: str, output: str) -> dict[str, set[str]]:
    """Parse a checker's output into file → the codes it reported.

    Args:
        tool: "codeassist", "pydoclint" or "docsig".
        output: What the run printed (codeassist: its JSON report).

    Returns:
        Paths as printed (relative to the run's working directory) → codes.
    """
    codes: dict[str, set[str]] = collections.defaultdict(set)
    if tool == "codeassist":
        for finding in json.loads(output[output.index("{"):])["findings"]:
            codes[finding["path"]].add(finding["rule"])
    elif tool == "pydoclint":
        for match in re.finditer(r"^(\S.*?\.py):\d+: (DOC\d+)", output, re.MULTILINE):
            codes[match.group(1)].add(match.group(2))
    else:
        current = None
        for line in output.splitlines():
            header = re.match(r"^(\S.*?\.py):\d+", line)
            if header:
                current = header.group(1)
            elif current is not None and (code := re.match(r"^\s+(SIG\d+)", line)):
                codes[current].add(code.group(1))
    return codes
