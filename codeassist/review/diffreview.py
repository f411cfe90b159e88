"""Review a ChangeSet: check the changed files, keep the findings the change is responsible for.

Filter modes follow reviewdog's names: `added` keeps findings on added lines or about units
the change touched (a stale docstring in an untouched function is not this change's
finding); `diff_context` also keeps lines within the diff's context; `file` keeps every
finding in a changed file; `nofilter` is the same as `file`, since only changed files are
analysed.
"""

from __future__ import annotations

from collections.abc import Mapping

import pathspec

from codeassist.gitdiff import DELETED, ChangeSet, FileChange
from codeassist.pairing import pair_units
from codeassist.parsecache import parse_cached
from codeassist.parsing.languages import language_for_path
from codeassist.review.engine import check_parsed, with_severity
from codeassist.review.limits import DEFAULT_MAX_DIFF_LINES, DEFAULT_MAX_FILES
from codeassist.review.selection import Selection
from codeassist.units import CheckResult, Finding, Skipped



def review_changeset(
    changes: ChangeSet,
    selection: Selection,
    *,
    filter_mode: str = "added",
    severity: Mapping[str, str] | None = None,
    exclude: tuple[str, ...] = (),
    max_files: int = DEFAULT_MAX_FILES,
    max_diff_lines: int = DEFAULT_MAX_DIFF_LINES,
    max_file_bytes: int = 1_000_000,
    use_cache: bool = True,
) -> CheckResult:
    """Check the files of a change and keep the findings it is responsible for.

    Args:
        changes: The change to review.
        selection: Which rules are on.
        filter_mode: One of FILTER_MODES.
        severity: Rule id or prefix → severity replacing the default.
        exclude: Gitignore-style patterns of paths never reviewed.
        max_files: Review at most this many source files; the rest are listed as skipped.
        max_diff_lines: Skip a file whose diff has more changed lines than this.
        max_file_bytes: Skip a file larger than this after the change.
        use_cache: Whether to use the on-disk parse cache.

    Returns:
        The kept findings and everything that was skipped.
    """
    excluded = pathspec.GitIgnoreSpec.from_lines(exclude)
    result = CheckResult()
    reviewed = 0
    for change in changes.files:
        spec = language_for_path(change.path)
        if change.status == DELETED or spec is None or excluded.match_file(change.path):
            continue
        reason = _skip_reason(change, reviewed, max_files, max_diff_lines, max_file_bytes)
        if reason:
            result.skipped.append(Skipped(change.path, reason))
            continue
        reviewed += 1
        assert change.new_text is not None
        parsed = parse_cached(change.new_text, spec.name, change.path, enabled=use_cache)
        findings, suppressed, problems = check_parsed(parsed, change.new_text, change.path, selection)
        result.files_checked += 1
        result.suppressed += suppressed
        result.skipped += [Skipped(change.path, problem) for problem in problems]
        kept = _filter(findings, change, parsed.units, spec.name, filter_mode, use_cache)
        result.findings += [with_severity(f, severity or {}) for f in kept]
    result.findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    return result


def _skip_reason(
    change: FileChange, reviewed: int, max_files: int, max_diff_lines: int, max_file_bytes: int
) -> str | None:
    if change.unreadable:
        return change.unreadable
    if change.new_text is None:
        return "no content after the change"
    if reviewed >= max_files:
        return f"over the limit of {max_files} files (raise --max-files)"
    if change.diff_lines > max_diff_lines:
        return f"diff has {change.diff_lines} changed lines, over {max_diff_lines} (raise --max-diff-lines)"
    size = len(change.new_text.encode("utf-8"))
    if size > max_file_bytes:
        return f"larger than {max_file_bytes} bytes ({size}); raise max-file-bytes to review it"
    return None


def _filter(
    findings: list[Finding], change: FileChange, units: list, language: str, mode: str, use_cache: bool
) -> list[Finding]:
    if mode in ("file", "nofilter"):
        return findings
    lines = change.added_lines if mode == "added" else change.context_lines
    old_units = []
    if change.old_text is not None:
        old_units = parse_cached(change.old_text, language, change.old_path, enabled=use_cache).units
    changed = {c.new.qualname for c in pair_units(old_units, units, change.added_lines) if c.new and c.changed}
    return [f for f in findings if f.line in lines or (f.symbol and f.symbol in changed)]
