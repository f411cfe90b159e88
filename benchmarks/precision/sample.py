"""Findings of real packages: a seeded sample per rule and language, with hand verdicts.

The verdicts live in `verdicts.toml` beside this module: a person reads each sampled finding
in benchmarks/results/precision_sample.md and records TP or FP with a reason there.
"""

from __future__ import annotations

import collections
import hashlib
import re
from pathlib import Path

from codeassist.languages import language_for_path
from benchmarks.verdicts import read_verdicts
from codeassist.parsing.parse import parse_source

SAMPLE_PER_CELL = 15
EXCERPT_LINES = 40


def load_verdicts() -> dict[str, tuple[str, str]]:
    """Read the hand verdicts.

    Returns:
        `verdict_key` of a finding → ("TP" or "FP", the reason).
    """
    return read_verdicts(__package__)


def verdict_key(finding: dict) -> str:
    """Name a finding the way `verdicts.toml` does.

    Args:
        finding: One finding of codeassist's JSON report, its path relative to the work root
            (so it starts with the package name).

    Returns:
        The rule, path:line and the names quoted in the message joined by `/`.
    """
    names = "/".join(re.findall(r"`([^`]+)`", finding["message"]))
    return f"{finding['rule']} {finding['path']}:{finding['line']} {names}"


def cell(finding: dict) -> tuple[str, str, str]:
    """Return the table cell of a finding.

    Args:
        finding: A finding with "mode" ("check" or "review") and "language" keys added.

    Returns:
        (mode, rule, language).
    """
    return finding.get("mode", "check"), finding["rule"], finding["language"]


def draw(findings: list[dict], seed: int) -> list[dict]:
    """Pick at most `SAMPLE_PER_CELL` findings of each mode × rule × language, seeded.

    Each finding gets a seeded hash of its verdict key, and a cell's sample is its lowest
    hashes: a fix that removes findings only removes them from the sample (the next ones move
    up), so the verdicts read before stay in it instead of a fresh draw replacing them all.

    Args:
        findings: Every finding, each with a "language" key added.
        seed: The random seed.

    Returns:
        The sample, sorted by rule, language, path and line.
    """
    cells: dict[tuple[str, str, str], list[dict]] = collections.defaultdict(list)
    for finding in findings:
        cells[cell(finding)].append(finding)
    sample = []
    for key in sorted(cells):
        ranked = sorted(cells[key], key=lambda f: _rank(seed, f))
        sample += ranked[:SAMPLE_PER_CELL]
    return sorted(sample, key=lambda f: (*cell(f), f["path"], f["line"]))


def _rank(seed: int, finding: dict) -> str:
    return hashlib.sha256(f"{seed}:{verdict_key(finding)}".encode()).hexdigest()


def excerpt(path: Path, line: int) -> str:
    """Return the documentation and head of the innermost unit holding `line`.

    Args:
        path: The file.
        line: The reported 1-based line.

    Returns:
        The unit's lines from its documentation's first line, at most `EXCERPT_LINES`.
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    spec = language_for_path(path)
    best = None
    if spec is not None:
        for unit in parse_source(text, spec.name, str(path)).units:
            first = min(unit.start_line, unit.doc.start_line if unit.doc else unit.start_line)
            if first <= line <= unit.end_line and (best is None or first >= best[0]):
                best = (first, unit.end_line)
    first, last = best or (max(1, line - 5), line + 5)
    lines = text.splitlines()[first - 1:last]
    if len(lines) > EXCERPT_LINES:
        lines = [*lines[:EXCERPT_LINES], f"[... {len(lines) - EXCERPT_LINES} more lines]"]
    return "\n".join(lines)


def tally(sample: list[dict], verdicts: dict[str, tuple[str, str]]) -> dict[tuple[str, str, str], collections.Counter]:
    """Count the verdicts of the sample per mode × rule × language.

    Args:
        sample: The sampled findings.
        verdicts: The hand verdicts.

    Returns:
        (mode, rule, language) → counts of "TP", "FP" and "unreviewed".
    """
    counts: dict[tuple[str, str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for finding in sample:
        counts[cell(finding)][verdicts.get(verdict_key(finding), ("unreviewed",))[0]] += 1
    return counts
