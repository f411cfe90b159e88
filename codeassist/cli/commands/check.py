"""`codeassist check`: the static rules over files and directories."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from codeassist.cli import reporting


def check(*, paths: Sequence[Path] = (), select: tuple[str, ...] | None = None,
          ignore: tuple[str, ...] | None = None, format: str | None = None, output: Path | None = None,
          config: Path | None = None, baseline: Path | None = None, generate_baseline: Path | None = None,
          max_file_bytes: int | None = None, no_cache: bool = False, exit_zero: bool = False) -> int:
    """Run the static rules over files and report.

    Args:
        paths: Files or directories; none means the current directory.
        select: Rule-id prefixes to enable (None: from the config).
        ignore: Rule-id prefixes to disable (None: from the config).
        format: The output format (None: from the config).
        output: Write the report to this file instead of stdout.
        config: A TOML file with `[tool.codeassist]` (None: pyproject.toml at the root).
        baseline: Report only findings not in this baseline file.
        generate_baseline: Write all current findings to this file and exit 0.
        max_file_bytes: Skip larger files (None: from the config).
        no_cache: Do not read or write the parse cache.
        exit_zero: Exit 0 even when there are findings.

    Returns:
        0 without findings, 1 with findings.
    """
    from codeassist.changes import files
    from codeassist.review.engine import check_files
    paths = list(paths) or [Path(".")]
    root = files.find_root(paths[0])
    settings, selection = reporting.load_settings(root, config=config, select=select, ignore=ignore,
                                                  format=format, max_file_bytes=max_file_bytes)
    sources, skipped = files.collect(paths, root, exclude=settings.exclude)
    result = check_files(
        sources, selection, severity=settings.severity, max_file_bytes=settings.max_file_bytes,
        use_cache=not no_cache, progress=reporting.progress(len(sources)),
    )
    result.skipped = skipped + result.skipped
    return reporting.finish(result, settings, root, output=output, baseline=baseline,
                            generate_baseline=generate_baseline, exit_zero=exit_zero)
