"""The GitHub Actions format: workflow commands that become annotations on the pull request."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from codeassist.report.text import sorted_findings
if TYPE_CHECKING:
    from codeassist.review.rules.base import Rule
    from codeassist.records import CheckResult, Finding

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
# GitHub turns at most this many commands of each type into annotations per step.
ANNOTATION_LIMIT = 10


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command (after the `::`).

    Args:
        text: The raw message.

    Returns:
        The text with `%`, CR and LF percent-encoded, `%` first so it is not encoded twice.
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command (`file=...,title=...`).

    Args:
        text: The raw value.

    Returns:
        The value escaped as data, with `:` and `,` also encoded since they delimit properties.
    """
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    """Return the workflow command that annotates one finding.

    Args:
        finding: The finding to annotate.

    Returns:
        A line such as `::error file=a.py,line=3,col=5,endLine=3,endColumn=9,title=...::msg`.
    """
    properties = {
        "file": finding.path,
        "line": str(finding.line),
        "col": str(finding.column),
        "endLine": str(finding.end_line),
        "endColumn": str(finding.end_column),
        "title": f"{finding.rule} {finding.name}",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    name = COMMANDS.get(finding.severity, "warning")
    return f"::{name} {joined}::{escape_data(finding.message)}"


def overflow_notice(counts: Mapping[str, int]) -> str | None:
    """Return a notice about annotations GitHub will drop, or None when none are dropped.

    Args:
        counts: The number of commands of each type ("error", "warning", "notice").

    Returns:
        A `::notice::` command naming the dropped counts and pointing at SARIF upload.
    """
    if all(count <= ANNOTATION_LIMIT for count in counts.values()):
        return None
    # The notice is itself a notice annotation, so once it is needed it takes a notice slot.
    shown = {**counts, "notice": counts.get("notice", 0) + 1}
    dropped = []
    for kind in ("error", "warning", "notice"):
        over = shown.get(kind, 0) - ANNOTATION_LIMIT
        if over > 0:
            dropped.append(f"{over} {kind}" if over == 1 else f"{over} {kind}s")
    text = (
        f"codeassist: GitHub shows at most {ANNOTATION_LIMIT} annotations of each type per step,"
        f" so {' and '.join(dropped)} will not be shown."
        " For the full list, render the sarif format and upload it to code scanning."
    )
    return f"::notice::{escape_data(text)}"


def render(result: CheckResult, rules: Mapping[str, Rule]) -> str:
    """Render one workflow command per finding and a plain summary line.

    Skipped files are counted in the summary rather than annotated, to keep annotation
    slots for findings.

    Args:
        result: The findings and skips of the run.
        rules: Every known rule by id; unused, each finding already carries its rule's name.

    Returns:
        The commands, each on its own line, ending with a newline.
    """
    findings = sorted_findings(result.findings)
    lines = [command(finding) for finding in findings]
    notice = overflow_notice(
        Counter(COMMANDS.get(finding.severity, "warning") for finding in findings)
    )
    if notice is not None:
        # First, not last: GitHub keeps the first annotations of each type, so a trailing
        # notice would itself be dropped whenever notices overflow.
        lines.insert(0, notice)
    findings_word = "finding" if len(findings) == 1 else "findings"
    skipped_word = "file" if len(result.skipped) == 1 else "files"
    lines.append(
        f"codeassist: {len(findings)} {findings_word}, {len(result.skipped)} skipped {skipped_word}"
    )
    return "\n".join(lines) + "\n"
