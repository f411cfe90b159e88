"""The SARIF 2.1.0 format, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import codeassist
from codeassist.report.text import sorted_findings
if TYPE_CHECKING:
    from codeassist.review.rules.base import Rule
    from codeassist.records import CheckResult, Finding

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/codeassist/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "codeassist/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def artifact_location(path: str) -> dict[str, str]:
    """Return the artifactLocation of a repository-relative path.

    Args:
        path: A `/`-separated path relative to the repository root.

    Returns:
        The location, its uri percent-encoded so spaces, `%`, `:` and non-ASCII names
        still form a valid relative URI reference.
    """
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def region(finding: Finding) -> dict[str, int]:
    """Return the region of a finding, leaving out an end that would make it invalid.

    Args:
        finding: The finding to locate.

    Returns:
        startLine/startColumn, plus endLine/endColumn when they lie at or after the start;
        SARIF viewers reject a region that ends before it begins.
    """
    result = {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)}
    if finding.end_line > finding.line or (
        finding.end_line == finding.line and finding.end_column >= finding.column
    ):
        result["endLine"] = finding.end_line
        if finding.end_column >= 1:
            result["endColumn"] = finding.end_column
    return result


def descriptor(rule: Rule) -> dict[str, Any]:
    """Return the reportingDescriptor of one rule.

    Args:
        rule: The rule to describe.

    Returns:
        Its id, name, descriptions, help page and default level.
    """
    page = rule.page()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what.strip()},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
    }


def result_object(finding: Finding, index: int | None) -> dict[str, Any]:
    """Return the SARIF result of one finding.

    Args:
        finding: The finding to report.
        index: The position of its rule in the driver's rules array; None if it has none.

    Returns:
        The result; its level comes from the finding, which may override the rule default.
    """
    result: dict[str, Any] = {"ruleId": finding.rule}
    if index is not None:
        result["ruleIndex"] = index
    result["level"] = LEVELS.get(finding.severity, "warning")
    result["message"] = {"text": finding.message}
    result["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": artifact_location(finding.path),
                "region": region(finding),
            }
        }
    ]
    if finding.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    return result


def render(result: CheckResult, rules: Mapping[str, Rule]) -> str:
    """Render the result as a SARIF 2.1.0 log with one run.

    Args:
        result: The findings and skips of the run.
        rules: Every known rule by id; all become descriptors, so viewers can show the
            documentation of rules that found nothing too.

    Returns:
        The log as indented JSON, ending with a newline.
    """
    ordered_rules = sorted(rules.values(), key=lambda rule: rule.id)
    index = {rule.id: position for position, rule in enumerate(ordered_rules)}
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if result.skipped:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "note",
                "message": {"text": f"skipped: {skip.reason}"},
                "locations": [
                    {"physicalLocation": {"artifactLocation": artifact_location(skip.path)}}
                ],
            }
            for skip in result.skipped
        ]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "codeassist",
                        "version": codeassist.__version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [descriptor(rule) for rule in ordered_rules],
                    }
                },
                # The checkout's absolute path differs per machine and is not ours to publish;
                # SARIF allows a base id without a uri, meaning "wherever the sources are".
                "originalUriBaseIds": {
                    SRCROOT: {"description": {"text": "The root of the checked repository."}}
                },
                "invocations": [invocation],
                "results": [
                    result_object(finding, index.get(finding.rule))
                    for finding in sorted_findings(result.findings)
                ],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
