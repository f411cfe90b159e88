"""The plain-text format: one canonical `path:line:col: RULE message` line per finding."""

from __future__ import annotations

import dataclasses
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


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
            "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def quote_path(path: str) -> str:
    """Quote a path the way git does when it would break a line-based report.

    A name with a control character, a double quote or a backslash is written in double
    quotes with C escapes (git's `core.quotePath`, leaving non-ASCII letters as they are), so
    a file named with a newline stays on its one line; every other path is unchanged.

    Args:
        path: A repository-relative path.

    Returns:
        The path, quoted only when needed.
    """
    quoted = "".join(
        _ESCAPES.get(char) or (f"\\{ord(char):03o}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in path
    )
    return path if quoted == path else f'"{quoted}"'


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
    lines = [str(dataclasses.replace(finding, path=quote_path(finding.path)))
             for finding in sorted_findings(result.findings)]
    lines += [f"{quote_path(skip.path)}: skipped ({skip.reason})" for skip in result.skipped]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
