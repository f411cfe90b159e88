"""What `check`, `review` and `commit-msg` share: settings from config and flags, the report.

The report options travel as plain keyword arguments rather than a record: they are used at
two moments (`load_settings` before the run, `finish` after it), each takes only its few, and
the command functions stay callable from Python without building an options object first.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from codeassist.errors import EXIT_CLEAN, EXIT_FINDINGS, CodeassistError

if TYPE_CHECKING:
    from codeassist.config import Settings
    from codeassist.records import CheckResult
    from codeassist.review.selection import Selection


def load_settings(root: Path, *, config: Path | None, select: tuple[str, ...] | None,
                  ignore: tuple[str, ...] | None, format: str | None, max_file_bytes: int | None,
                  llm: bool | None = None) -> tuple[Settings, Selection]:
    """Merge the config file under `root` with the command-line flags that were given.

    Args:
        root: The project root, whose pyproject.toml is read when `config` is None.
        config: An explicit TOML file with `[tool.codeassist]`.
        select: Rule-id prefixes to enable, or None for the configured ones.
        ignore: Rule-id prefixes to disable, or None for the configured ones.
        format: The output format, or None for the configured one.
        max_file_bytes: The file size limit, or None for the configured one.
        llm: Whether to ask the LLM for review comments, or None for the configured choice.

    Returns:
        The merged settings and the rule selection they describe.

    Raises:
        CodeassistError: When the file size limit is not positive.
    """
    from codeassist import config as configuration
    from codeassist.review.rules import all_rules
    from codeassist.review.selection import Selection

    settings = configuration.with_overrides(
        configuration.load(root, config, rule_ids=all_rules()),
        select=select,
        ignore=ignore,
        format=format,
        max_file_bytes=max_file_bytes,
        llm=llm,
    )
    if settings.max_file_bytes <= 0:
        raise CodeassistError("--max-file-bytes must be positive", "pass a size in bytes")
    return settings, Selection(settings.select, settings.ignore, settings.per_file_ignores)


def finish(result: CheckResult, settings: Settings, root: Path, *, output: Path | None,
           baseline: Path | None, generate_baseline: Path | None, exit_zero: bool) -> int:
    """Apply or write the baseline, write the report, and choose the exit code.

    Args:
        result: The findings of the run.
        settings: The merged settings (format and configured baseline).
        root: The project root, against which a configured baseline is resolved.
        output: Write the report to this file instead of stdout.
        baseline: Report only the findings not in this baseline file.
        generate_baseline: Write every finding to this file instead of reporting.
        exit_zero: Exit 0 even when there are findings.

    Returns:
        0 without findings (or with exit_zero or generate_baseline), 1 with findings.
    """
    from codeassist.report import render
    from codeassist.review import baseline as baselines
    from codeassist.review.rules import all_rules
    if result.rules_skipped:  # stderr, so that a SARIF or JSON report on stdout stays valid
        print(f"codeassist: {skipped_rules_line(result.rules_skipped)}", file=sys.stderr)
    if generate_baseline is not None:
        baselines.write(generate_baseline, result.findings)
        print(f"codeassist: wrote {len(result.findings)} findings to {generate_baseline}", file=sys.stderr)
        return EXIT_CLEAN
    baseline_file = baseline or (root / settings.baseline if settings.baseline else None)
    if baseline_file is not None:
        result.findings = baselines.subtract(result.findings, baselines.load(baseline_file))
    emit(render(settings.format, result, all_rules()), output)
    if result.findings and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def skipped_rules_line(rules_skipped: dict[str, str]) -> str:
    """Say in one line which rules did not run and what makes them run.

    Args:
        rules_skipped: Rule id -> "cause: fix", as a review fills `CheckResult.rules_skipped`.

    Returns:
        E.g. "skipped CA201, CA401 (the text encoder's weights ... are not installed: run
        `codeassist models pull encoders`)".
    """
    by_reason: dict[str, list[str]] = {}
    for rule, reason in sorted(rules_skipped.items()):
        by_reason.setdefault(reason, []).append(rule)
    return "; ".join(f"skipped {', '.join(rules)} ({reason})" for reason, rules in by_reason.items())


def emit(report: str, output: Path | None) -> None:
    """Write a rendered report to stdout, or atomically to a file.

    Args:
        report: The rendered report.
        output: The file, or None for stdout.

    Raises:
        CodeassistError: When `output` cannot be written (one line naming it and the fix).
    """
    if output is None:
        sys.stdout.write(report)
        sys.stdout.flush()
        return
    from codeassist.storage import write_file
    write_file(output, report)


def progress(total: int) -> Callable[[object], None] | None:
    """Return a per-file callback that draws a progress bar on a terminal, for long runs.

    Args:
        total: The number of files the run will check.

    Returns:
        The callback, or None for short runs and when stderr is not a terminal.
    """
    if total < 200 or not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("checking", total=total)
    bar.start()
    seen = 0

    def advance(_file: object) -> None:
        nonlocal seen
        seen += 1
        bar.advance(task)
        if seen >= total:
            bar.stop()

    return advance
