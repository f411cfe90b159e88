"""The reviewdog format: one rdjsonl Diagnostic object per line, for `reviewdog -f=rdjsonl`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from codeassist.report.text import sorted_findings
if TYPE_CHECKING:
    from codeassist.review.rules.base import Rule
    from codeassist.records import CheckResult, Finding

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def diagnostic(finding: Finding) -> dict[str, Any]:
    """Return the reviewdog Diagnostic for one finding.

    Both formats count lines and columns from 1 and end a range just past its last
    character, so positions pass through unchanged.

    Args:
        finding: The finding to convert.

    Returns:
        The Diagnostic as a JSON-ready dict.
    """
    return {
        "message": finding.message,
        "location": {
            "path": finding.path,
            "range": {
                "start": {"line": finding.line, "column": finding.column},
                "end": {"line": finding.end_line, "column": finding.end_column},
            },
        },
        "severity": SEVERITIES.get(finding.severity, "UNKNOWN_SEVERITY"),
        "source": {"name": "codeassist"},
        "code": {"value": finding.rule},
    }


def render(result: CheckResult, rules: Mapping[str, Rule]) -> str:
    """Render one compact JSON line per finding.

    Args:
        result: The findings of the run; skipped files have no place in the format.
        rules: Every known rule by id; unused.

    Returns:
        The lines, each ending with a newline; an empty string when there are no findings.
    """
    return "".join(
        json.dumps(diagnostic(finding), ensure_ascii=False, separators=(",", ":")) + "\n"
        for finding in sorted_findings(result.findings)
    )
