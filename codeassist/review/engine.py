"""Run the rules over files: parse, check each unit, apply selection, suppression, severity.

The engine takes plain arguments (files, a Selection, severity overrides); the CLI builds
them from the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace

from codeassist.errors import log_exception
from codeassist.changes.files import SourceFile, read_source
from codeassist.parsing.cache import parse_cached
from codeassist.parsing.parse import ParseResult
from codeassist.review import suppression
from codeassist.review.rules import FAMILIES, unit_checks
from codeassist.review.rules.base import line_finding
from codeassist.review.rules.meta import CA001
from codeassist.review.selection import Selection
from codeassist.records import CheckResult, CodeUnit, Finding, Skipped


def check_files(
    files: list[SourceFile],
    selection: Selection,
    *,
    severity: Mapping[str, str] | None = None,
    max_file_bytes: int = 1_000_000,
    use_cache: bool = True,
    progress: Callable[[SourceFile], None] | None = None,
) -> CheckResult:
    """Check every file and gather the findings.

    Args:
        files: The files to check.
        selection: Which rules are on.
        severity: Rule id or prefix → severity replacing the default.
        max_file_bytes: Larger files are skipped.
        use_cache: Whether to use the on-disk parse cache.
        progress: Called once per file before it is checked.

    Returns:
        Findings sorted by path and line, skips, and the suppressed count.
    """
    result = CheckResult()
    for file in files:
        if progress is not None:
            progress(file)
        text, reason = read_source(file.path, max_file_bytes)
        if text is None:
            result.skipped.append(Skipped(file.rel, reason or "unreadable"))
            continue
        result.files_checked += 1
        try:
            findings, suppressed, problems = check_text(
                text, file.language, file.rel, selection, use_cache=use_cache
            )
        except Exception as exc:  # a bug on one file must not hide the others' findings
            where = log_exception(exc)
            result.skipped.append(Skipped(file.rel, f"internal error ({where}); please report it"))
            continue
        result.suppressed += suppressed
        result.skipped += [Skipped(file.rel, problem) for problem in problems]
        result.findings += [with_severity(f, severity or {}) for f in findings]
    result.findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    return result


def check_text(
    text: str, language: str, path: str, selection: Selection, *, use_cache: bool = False
) -> tuple[list[Finding], int, list[str]]:
    """Check one file's content.

    Args:
        text: The file content.
        language: Its language registry name.
        path: Its repository-relative path.
        selection: Which rules are on.
        use_cache: Whether to use the on-disk parse cache.

    Returns:
        The findings left after suppression, how many were suppressed, and parse problems.
    """
    parsed = parse_cached(text, language, path, enabled=use_cache)
    return check_parsed(parsed, text, path, selection)


def check_parsed(
    parsed: ParseResult, text: str, path: str, selection: Selection
) -> tuple[list[Finding], int, list[str]]:
    """Run the rules over an already parsed file.

    Args:
        parsed: The parse result of `text`.
        text: The file content, for suppression comments.
        path: Its repository-relative path.
        selection: Which rules are on.

    Returns:
        The findings left after suppression, how many were suppressed, and parse problems.
    """
    doc_lines = {unit.doc.start_line for unit in parsed.units if unit.doc is not None}
    directives = {
        line: directive
        for line, directive in suppression.scan(text).items()
        if line in doc_lines or parsed.is_comment_at(line, directive.column)
    }
    findings: list[Finding] = []
    suppressed = 0
    for unit in parsed.units:
        for finding in _unit_findings(unit, parsed.units):
            if not selection.enabled(finding.rule, path):
                continue
            if _suppress(finding, unit, directives):
                suppressed += 1
            else:
                findings.append(finding)
    if selection.enabled(CA001.id, path):
        findings += _unused(directives, path, selection)
    lines = text.splitlines()
    return [_span_line(f, lines) for f in findings], suppressed, parsed.problems


def _span_line(finding: Finding, lines: list[str]) -> Finding:
    """Widen a finding to the text of its line, so editors and SARIF viewers highlight it."""
    if not 0 < finding.line <= len(lines):
        return finding
    line = lines[finding.line - 1]
    content = line.rstrip()
    column = finding.column if finding.column > 1 else len(line) - len(line.lstrip()) + 1
    return replace(finding, column=column, end_line=finding.line, end_column=max(len(content) + 1, column))


def _unit_findings(unit: CodeUnit, units: Sequence[CodeUnit]) -> Iterator[Finding]:
    for check in unit_checks():
        yield from check(unit, units)


def _suppress(finding: Finding, unit: CodeUnit, directives: dict[int, suppression.Directive]) -> bool:
    lines = {finding.line, unit.start_line}
    if unit.doc is not None:
        lines.add(unit.doc.start_line)
    for line in sorted(lines):
        directive = directives.get(line)
        code = directive.match(finding.rule) if directive else None
        if directive is not None and code is not None:
            directive.used.add(code)
            return True
    return False


def _unused(
    directives: dict[int, suppression.Directive], path: str, selection: Selection
) -> list[Finding]:
    ran = [rule.id for family in FAMILIES.values() for rule in family.RULES if selection.enabled(rule.id, path)]
    findings = []
    for directive in directives.values():
        # Borrowed peer codes (`# noqa: D417`) are the other tool's to judge.
        codes = directive.codes or (() if directive.borrowed else ("*",))
        for code in codes:
            judged = any(r.startswith(code) for r in ran) if code != "*" else bool(ran)
            if code in directive.used or not judged:
                continue
            what = f"`{code}`" if code != "*" else "comment"
            message = f"suppression {what} matches no finding; remove it"
            findings.append(line_finding(CA001, path, directive.line, message))
    return findings


def with_severity(finding: Finding, severity: Mapping[str, str]) -> Finding:
    """Apply the user's severity override with the longest matching prefix.

    Args:
        finding: A finding with its rule's default severity.
        severity: Rule id or prefix → severity.

    Returns:
        The finding, with its severity replaced when an override matches.
    """
    match = max((p for p in severity if finding.rule.startswith(p)), key=len, default=None)
    return replace(finding, severity=severity[match]) if match else finding
