"""The JSON format: findings, skipped files and counts as one document for scripts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from codeassist.report.text import sorted_findings
if TYPE_CHECKING:
    from codeassist.review.rules.base import Rule
    from codeassist.records import CheckResult


def render(result: CheckResult, rules: Mapping[str, Rule]) -> str:
    """Render the result as an indented JSON document.

    Args:
        result: The findings and skips of the run.
        rules: Every known rule by id; unused, each finding already carries its rule's name.

    Returns:
        The document, ending with a newline.
    """
    document: dict[str, Any] = {
        "findings": [
            {
                "rule": finding.rule,
                "name": finding.name,
                "severity": finding.severity,
                "path": finding.path,
                "line": finding.line,
                "column": finding.column,
                "end_line": finding.end_line,
                "end_column": finding.end_column,
                "message": finding.message,
                "fingerprint": finding.fingerprint,
            }
            for finding in sorted_findings(result.findings)
        ],
        "skipped": [{"path": skip.path, "reason": skip.reason} for skip in result.skipped],
        "summary": {
            "findings": len(result.findings),
            "suppressed": result.suppressed,
            "files_checked": result.files_checked,
        },
    }
    # ensure_ascii=False keeps non-ASCII messages readable; the output is text, not bytes.
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
