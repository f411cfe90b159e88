"""Review a ChangeSet: check the changed files, keep the findings the change is responsible for.

Filter modes follow reviewdog's names: `added` keeps findings on added lines or about units
the change touched (a stale docstring in an untouched function is not this change's
finding); `diff_context` also keeps lines within the diff's context; `file` keeps every
finding in a changed file; `nofilter` is the same as `file`, since only changed files are
analysed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import pathspec

from codeassist.changes.gitdiff import DELETED, ChangeSet, FileChange
from codeassist.errors import ModelMissing
from codeassist.parsing.pairing import UnitPair, pair_units
from codeassist.parsing.cache import parse_cached
from codeassist.languages import language_for_path
from codeassist.review import suppression
from codeassist.review.context import ChangeContext
from codeassist.review.engine import check_parsed, with_severity
from codeassist.review.limits import DEFAULT_MAX_DIFF_LINES, DEFAULT_MAX_FILES
from codeassist.review.rules import CHANGE_FAMILIES
from codeassist.review.selection import Selection
from codeassist.records import CheckResult, CodeUnit, Finding, Skipped

if TYPE_CHECKING:
    from codeassist.heads.llm_review.comments import LineComment


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
    read: Callable[[str], str | None] | None = None,
    paths: Callable[[], list[str]] | None = None,
    messages: Sequence[tuple[str, str]] = (),
    changes_of: Callable[[str], ChangeSet | None] | None = None,
    comment: Callable[[ChangeSet], Iterable[LineComment]] | None = None,
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
        read: Reads a file as it is after the change, for documentation rules.
        paths: Lists the files after the change, for documentation rules.
        messages: (sha, message) of the commit messages to check.
        changes_of: Returns one commit's own change, for the messages of a range.
        comment: Writes LLM review comments (CA501) on the reviewed files; None: no LLM.

    Returns:
        The kept findings and everything that was skipped.
    """
    excluded = pathspec.GitIgnoreSpec.from_lines(exclude)
    result = CheckResult()
    context = ChangeContext(changes, messages=list(messages), comment=comment)
    if read is not None:
        context.read = read
    if paths is not None:
        context.paths = paths
    if changes_of is not None:
        context.changes_of = changes_of
    for change in changes.files:
        spec = language_for_path(change.path)
        if change.status == DELETED or spec is None or excluded.match_file(change.path):
            continue
        reason = _skip_reason(change, len(context.reviewed), max_files, max_diff_lines, max_file_bytes)
        if reason:
            result.skipped.append(Skipped(change.path, reason))
            continue
        context.reviewed.add(change.path)
        assert change.new_text is not None
        parsed = parse_cached(change.new_text, spec.name, change.path, enabled=use_cache)
        findings, suppressed, problems = check_parsed(parsed, change.new_text, change.path, selection)
        result.files_checked += 1
        result.suppressed += suppressed
        result.skipped += [Skipped(change.path, problem) for problem in problems]
        unit_changes = _unit_changes(change, parsed.units, spec.name, use_cache)
        context.units += [(change.path, unit_change) for unit_change in unit_changes]
        context.flagged |= {(f.path, f.symbol) for f in findings if f.rule.startswith("CA1")}
        kept = _filter(findings, change, unit_changes, filter_mode)
        result.findings += [with_severity(f, severity or {}) for f in kept]
    for change in changes.files:
        spec = language_for_path(change.path)
        if change.status == DELETED and spec is not None and change.old_text is not None:
            old = parse_cached(change.old_text, spec.name, change.old_path, enabled=use_cache).units
            context.units += [(change.path, unit_change) for unit_change in pair_units(old, [], frozenset())]
    result.findings += [
        with_severity(f, severity or {}) for f in _change_findings(context, selection, result)
    ]
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


def _unit_changes(change: FileChange, units: list[CodeUnit], language: str, use_cache: bool) -> list[UnitPair]:
    old_units: list[CodeUnit] = []
    if change.old_text is not None:
        old_units = parse_cached(change.old_text, language, change.old_path, enabled=use_cache).units
    return pair_units(old_units, units, change.added_lines)


def _filter(findings: list[Finding], change: FileChange, unit_changes: list[UnitPair], mode: str) -> list[Finding]:
    if mode in ("file", "nofilter"):
        return findings
    lines = change.added_lines if mode == "added" else change.context_lines
    changed = {c.new.qualname for c in unit_changes if c.new and c.changed}
    return [f for f in findings if f.line in lines or (f.symbol and f.symbol in changed)]


def review_message(
    message: str, changes: ChangeSet, selection: Selection, *, severity: Mapping[str, str] | None = None
) -> CheckResult:
    """Check a commit message about to be committed (the commit-msg hook).

    Args:
        message: The message file's content.
        changes: The staged change the message describes.
        selection: Which rules are on; only the commit-message family runs.
        severity: Rule id or prefix → severity replacing the default.

    Returns:
        The message's findings.
    """
    context = ChangeContext(changes, messages=[("", message)])
    result = CheckResult(files_checked=1)
    findings = _change_findings(context, selection, result, families=("CA4",))
    result.findings = [with_severity(f, severity or {}) for f in findings]
    return result


def _change_findings(
    context: ChangeContext, selection: Selection, result: CheckResult, families: Sequence[str] | None = None
) -> list[Finding]:
    """Run the change-level families; a directive on a documentation line suppresses there.

    A family whose model is not installed stops where it needed it: what it found before is
    kept, and its rules are listed in `result.rules_skipped`; the other families still run.
    """
    context.enabled = selection.enabled
    texts: dict[str, str | None] = {}
    kept = []
    for prefix, family in CHANGE_FAMILIES.items():
        if families is not None and prefix not in families:
            continue
        if not any(selection.enabled(rule.id) for rule in family.RULES):
            continue
        found: list[Finding] = []
        try:
            found.extend(family.check_change(context))
        except ModelMissing as missing:
            rules = missing.rules or tuple(rule.id for rule in family.RULES)
            result.rules_skipped.update({rule: str(missing) for rule in rules if selection.enabled(rule)})
        for finding in found:
            if not selection.enabled(finding.rule, finding.path):
                continue
            if finding.path not in texts:
                texts[finding.path] = context.read(finding.path)
            directive = suppression.scan(texts[finding.path] or "").get(finding.line)
            if directive is not None and directive.match(finding.rule):
                result.suppressed += 1
                continue
            kept.append(finding)
    return kept
