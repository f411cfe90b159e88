"""The plain-text format: one canonical `path:line:col: RULE message` line per finding."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeassist.review.rules.base import Rule
    from codeassist.records import CheckResult, Finding


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Return findings in report order: path, line, column, rule.

    Every format uses this order so that two runs over the same tree diff cleanly.

    Args:
        findings: The findings of a run, in any order.

    Returns:
        A new list, sorted; the message breaks remaining ties so the order is total.
    """
    return sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule, f.message))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(result: CheckResult) -> str:
    """Return the one-sentence summary that ends the text report.

    Args:
        result: The findings and skips of the run.

    Returns:
        E.g. "Found 3 findings in 2 files (1 suppressed); 4 files checked, 1 skipped."
    """
    suppressed = f" ({result.suppressed} suppressed)" if result.suppressed else ""
    if result.findings:
        files = len({finding.path for finding in result.findings})
        head = (
            f"Found {_plural(len(result.findings), 'finding')} in {_plural(files, 'file')}"
            f"{suppressed}"
        )
    else:
        head = f"No findings{suppressed}"
    tail = f"{_plural(result.files_checked, 'file')} checked"
    if result.skipped:
        tail += f", {len(result.skipped)} skipped"
    return f"{head}; {tail}."


def render(result: CheckResult, rules: Mapping[str, Rule]) -> str:
    """Render findings, skipped files and a summary as plain text.

    Args:
        result: The findings and skips of the run.
        rules: Every known rule by id; unused, the canonical line already names the rule.

    Returns:
        The report, ending with a newline.
    """
    lines = [str(finding) for finding in sorted_findings(result.findings)]
    lines += [f"{skip.path}: skipped ({skip.reason})" for skip in result.skipped]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
