"""The one user-facing error, and the funnel that turns any failure into one line.

Every expected failure (bad path, bad config, not a repository) raises `CodeassistError` with
the cause and the fix. `report_error` prints one line for it; anything else is an internal
error whose traceback goes to a log file rather than the user's terminal.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class CodeassistError(Exception):
    """A problem the user can fix, described by its cause and the fix."""

    def __init__(self, cause: str, fix: str = "") -> None:
        super().__init__(cause)
        self.cause = cause
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.cause}: {self.fix}" if self.fix else self.cause


class ModelMissing(CodeassistError):
    """A model's weights are not installed (`codeassist models pull` fetches them).

    A review catches it per rule family: the rules that needed the model are skipped with one
    line that says so, everything else runs, and the exit code does not change. Any other
    command reports it as the error it is.

    Args:
        cause: What is missing.
        fix: The command that installs it.
        rules: The rule ids that cannot run without it; empty when the raiser does not know
            (the review then names the family's enabled rules).
    """

    def __init__(self, cause: str, fix: str = "", *, rules: tuple[str, ...] = ()) -> None:
        super().__init__(cause, fix)
        self.rules = rules


def log_path() -> Path:
    """Return where internal-error tracebacks are written.

    Returns:
        A file in the user cache directory, or in the temp dir when that is not writable.
    """
    try:
        from platformdirs import user_log_dir

        directory = Path(user_log_dir("codeassist"))
        directory.mkdir(parents=True, exist_ok=True)
    except (ImportError, OSError):
        directory = Path(tempfile.gettempdir())
    return directory / "codeassist.log"


def log_exception(exc: BaseException) -> str:
    """Append the traceback of `exc` to the log file.

    Args:
        exc: The exception.

    Returns:
        Where the traceback went, for a message ("traceback in PATH").
    """
    path = log_path()
    try:
        with path.open("a", encoding="utf-8") as log:
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        return "no log could be written"
    return f"traceback in {path}"


def report_error(exc: BaseException) -> int:
    """Print one line about `exc` on stderr and return the error exit code.

    Args:
        exc: The exception that ended the command.

    Returns:
        The exit code for usage/config/internal errors.
    """
    if isinstance(exc, CodeassistError):
        print(f"codeassist: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    where = log_exception(exc)
    print(
        f"codeassist: internal error: {type(exc).__name__}: {exc} ({where}); "
        "please report it with that log",
        file=sys.stderr,
    )
    return EXIT_ERROR
