"""Part (c): codeassist over the whole standard library; a seeded sample with hand verdicts.

The verdicts live in `verdicts.toml` beside this module: a person reads each sampled finding
in benchmarks/results/stdlib_sample.md and records TP or FP with a reason there.
"""

from __future__ import annotations

import ast
import collections
import json
import random
import re
import sys
from pathlib import Path

from benchmarks.verdicts import VERDICTS_FILE, read_verdicts

from .corpus import NOT_STDLIB, STDLIB, copy_tree, python_files
from .quality import ratio
from .targets import FunctionNode
from .tools import Tool, command, run_tool

REPO = Path(__file__).resolve().parents[2]
SAMPLE_FILE = REPO / "benchmarks" / "results" / "stdlib_sample.md"


def load_verdicts() -> dict[str, tuple[str, str]]:
    """Read the hand verdicts on the stdlib sample.

    Returns:
        `verdict_key` of a finding → ("TP" or "FP", the reason).
    """
    return read_verdicts(__package__)


def verdict_key(finding: dict) -> str:
    """Name a finding the way `verdicts.toml` does.

    Args:
        finding: One finding of codeassist's JSON report.

    Returns:
        The rule, the path relative to the stdlib with the line, and the names quoted in the
        message joined by `/`: `CA102 ipaddress.py:57 strict/ip_network`.
    """
    names = "/".join(re.findall(r"`([^`]+)`", finding["message"]))
    return f"{finding['rule']} {finding['path'].removeprefix('stdlib/')}:{finding['line']} {names}"


def unit_excerpt(path: Path, line: int, max_lines: int = 45) -> str:
    """Return the source of the unit a finding is about, from its `def` to its docstring's end.

    Args:
        path: The file.
        line: The reported line.
        max_lines: The most lines of the excerpt.

    Returns:
        The innermost function or class whose span holds `line`, as written (for a class, its
        `__init__` header follows); empty when there is none.
    """
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    best = None
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.lineno <= line <= (node.end_lineno or node.lineno) and (best is None or node.lineno >= best.lineno):
                best = node
    if best is None:
        return ""

    def head(node: FunctionNode | ast.ClassDef) -> list[str]:
        first = node.body[0]
        documented = ast.get_docstring(node, clean=False) is not None
        last = (first.end_lineno or first.lineno) if documented else first.lineno - 1
        return lines[node.lineno - 1:max(last, node.lineno)]

    excerpt = head(best)
    if len(excerpt) > max_lines:
        excerpt = [*excerpt[:max_lines], f"    [... {len(excerpt) - max_lines} more lines]"]
    if isinstance(best, ast.ClassDef):
        init = next((n for n in best.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        if init is not None:
            excerpt += ["    ...", *head(init)]
    return "\n".join(excerpt)


def sample_report(sample: list[dict], *, found: int, files: int, work: Path) -> tuple[str, list[str]]:
    """Write up the sampled findings with their excerpts and verdicts.

    Args:
        sample: The sampled findings, in the order they are listed.
        found: How many findings there were in all.
        files: How many stdlib files were checked.
        work: The temporary root the finding paths are relative to.

    Returns:
        The markdown text for `SAMPLE_FILE`, and its per-rule summary table's lines.
    """
    verdicts = load_verdicts()
    verdict_counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    parts = [
        "# codeassist CA1xx findings on the standard library: a reviewed sample\n",
        f"Written by `python -m benchmarks.static_rules` (seeded sample of {len(sample)} of "
        f"{found} findings over {files} stdlib files of Python {sys.version.split()[0]}). "
        f"Verdicts come from `benchmarks/static_rules/{VERDICTS_FILE}`: TP = the "
        "documentation really disagrees with the signature/body; FP = it does not.\n",
    ]
    for number, finding in enumerate(sample, 1):
        rel = finding["path"].removeprefix("stdlib/")
        excerpt = unit_excerpt(work / finding["path"], finding["line"])
        verdict, reason = verdicts.get(verdict_key(finding), ("unreviewed", ""))
        verdict_counts[finding["rule"]][verdict] += 1
        parts.append(
            f"## {number}. {finding['rule']} `{rel}:{finding['line']}`\n\n"
            f"{finding['message']}\n\n**Verdict: {verdict}**{' - ' + reason if reason else ''}\n\n"
            f"```python\n{excerpt}\n```\n"
        )
    summary = ["| rule | sampled | TP | FP | unreviewed | precision |", "|---|---|---|---|---|---|"]
    for rule in sorted(verdict_counts):
        counts = verdict_counts[rule]
        summary.append(f"| {rule} | {sum(counts.values())} | {counts['TP']} | {counts['FP']} | "
                       f"{counts['unreviewed']} | {ratio(counts['TP'], counts['TP'] + counts['FP'])} |")
    parts.insert(2, "\n".join(summary) + "\n")
    return "\n".join(parts), summary


def bench(tools: list[Tool], work: Path, sample_size: int, rng: random.Random) -> None:
    """Run codeassist over the standard library, count its findings, write the sample.

    Args:
        tools: The checkers (only codeassist is used).
        work: The temporary root.
        sample_size: How many findings to write to the sample file.
        rng: The seeded chooser.
    """
    tool = next(t for t in tools if t.name == "codeassist")
    if tool.exe is None:
        print("\n(c) stdlib: codeassist not installed")
        return
    files = copy_tree(python_files(STDLIB, NOT_STDLIB), STDLIB, work / "stdlib")
    seconds, out = run_tool(command(tool, files, json_out=True), work, work / "cache-stdlib")
    report = json.loads(out[out.index("{"):])
    findings = report["findings"]
    per_rule = collections.Counter(f["rule"] for f in findings)
    print(f"\n(c) stdlib precision: codeassist --select CA1 over {len(files)} files "
          f"({report['summary']['files_checked']} checked, {len(report['skipped'])} skipped; "
          f"test dirs and site-packages left out) in {seconds:.1f} s")
    print("    findings per rule: " + (", ".join(f"{r} {n}" for r, n in sorted(per_rule.items())) or "none"))
    sample = sorted(rng.sample(findings, min(sample_size, len(findings))),
                    key=lambda f: (f["path"], f["line"], f["rule"], f["message"]))
    text, summary = sample_report(sample, found=len(findings), files=len(files), work=work)
    SAMPLE_FILE.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE_FILE.write_text(text, encoding="utf-8")
    print(f"    sample of {len(sample)} written to {SAMPLE_FILE.relative_to(REPO)}; "
          "reviewed precision per rule:")
    for line in summary:
        print("    " + line)
