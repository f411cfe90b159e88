"""`codeassist commit-msg FILE`: the message of the commit being made (the commit-msg hook)."""

from __future__ import annotations

from pathlib import Path

from codeassist.cli import reporting
from codeassist.errors import CodeassistError


def commit_msg(*, message_file: Path, repo: Path = Path("."), select: tuple[str, ...] | None = None,
               ignore: tuple[str, ...] | None = None, format: str | None = None, output: Path | None = None,
               config: Path | None = None, baseline: Path | None = None, generate_baseline: Path | None = None,
               max_file_bytes: int | None = None, no_cache: bool = False, exit_zero: bool = False) -> int:
    """Check the message of the commit being made against the staged change.

    Args:
        message_file: The message file git passes to the hook.
        repo: A path in the repository.
        select: Rule-id prefixes to enable (None: from the config).
        ignore: Rule-id prefixes to disable (None: from the config).
        format: The output format (None: from the config).
        output: Write the report to this file instead of stdout.
        config: A TOML file with `[tool.codeassist]` (None: pyproject.toml at the root).
        baseline: Report only findings not in this baseline file.
        generate_baseline: Write all current findings to this file and exit 0.
        max_file_bytes: Checked to be positive; the message rules read no source files.
        no_cache: Accepted with the other report options; the message rules use no cache.
        exit_zero: Exit 0 even when there are findings.

    Returns:
        0 when the message is fine, 1 with findings.

    Raises:
        CodeassistError: When the message file cannot be read.
    """
    from codeassist.changes import gitdiff
    from codeassist.review.diffreview import review_message
    try:
        message = message_file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CodeassistError(
            f"cannot read the commit message file {message_file}: {exc.strerror}",
            "pass the file git gives the commit-msg hook (.git/COMMIT_EDITMSG)",
        ) from None
    git_repo = gitdiff.open_repo(repo)
    root = Path(git_repo.working_tree_dir or ".")
    settings, selection = reporting.load_settings(root, config=config, select=select, ignore=ignore,
                                                  format=format, max_file_bytes=max_file_bytes)
    result = review_message(message, gitdiff.staged(git_repo), selection, severity=settings.severity)
    return reporting.finish(result, settings, root, output=output, baseline=baseline,
                            generate_baseline=generate_baseline, exit_zero=exit_zero)
