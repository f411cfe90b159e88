"""Baseline files: adopt the tool on an existing codebase, then report only new findings.

A baseline stores fingerprints, which do not contain line numbers, with a count each, so
two identical findings in one unit are both remembered and code may move freely.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from codeassist.errors import CodeassistError
from codeassist.records import Finding

VERSION = 1


def write(path: Path, findings: list[Finding]) -> None:
    """Write the fingerprints of `findings` to a baseline file, atomically.

    Args:
        path: Where to write.
        findings: The findings to accept.

    Raises:
        CodeassistError: When `path` cannot be written (one line naming it and the fix).
    """
    from codeassist.storage import write_file
    counts = Counter(f.fingerprint for f in findings)
    entries = {}
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.rule)):
        entries.setdefault(
            finding.fingerprint,
            {"count": counts[finding.fingerprint], "rule": finding.rule,
             "path": finding.path, "message": finding.message},
        )
    document = {"version": VERSION, "tool": "codeassist", "fingerprints": entries}
    write_file(path, json.dumps(document, indent=2, sort_keys=True) + "\n")


def load(path: Path) -> Counter[str]:
    """Read a baseline file.

    Args:
        path: The baseline file.

    Returns:
        How many findings of each fingerprint the baseline accepts.

    Raises:
        CodeassistError: When the file is missing or not a baseline.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document["fingerprints"]
        return Counter({key: int(value.get("count", 1)) for key, value in entries.items()})
    except FileNotFoundError:
        raise CodeassistError(
            f"baseline file not found: {path}", "create it with --generate-baseline"
        ) from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise CodeassistError(
            f"not a codeassist baseline: {path}", "regenerate it with --generate-baseline"
        ) from None


def subtract(findings: list[Finding], accepted: Counter[str]) -> list[Finding]:
    """Drop the findings a baseline accepts.

    Args:
        findings: This run's findings.
        accepted: Fingerprint counts from `load`.

    Returns:
        The findings that are new.
    """
    remaining = Counter(accepted)
    new = []
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
        else:
            new.append(finding)
    return new
