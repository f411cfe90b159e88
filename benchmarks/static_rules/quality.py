"""Part (b): real functions written out unchanged and mutated; precision and recall per tool."""

from __future__ import annotations

import collections
import os
import random
from pathlib import Path
from typing import NamedTuple

from .corpus import SECOND_SOURCES, SITE_PACKAGES, STDLIB, collect_targets
from .mutations import KINDS, mutants
from .targets import Target
from .tools import (
    CODEASSIST_CODES, COUNTED_CODES, DOCSIG_CODES, PYDOCLINT_CODES, Tool, command, flagged_files,
    run_tool,
)


class Case(NamedTuple):
    """One file for the quality benchmark.

    Attributes:
        rel: Path relative to the cases root.
        source: Which source the function came from.
        kind: "original" or a mutation kind.
        origin: The function's origin.
    """

    rel: str
    source: str
    kind: str
    origin: str


def write_cases(targets: list[Target], cases: Path, seed: int) -> list[Case]:
    """Write each target unchanged and mutated, one file per case, grouped by style.

    Args:
        targets: The chosen functions.
        cases: The directory for the cases (`<style>/<n>_<kind>.py` under it).
        seed: Seeds each function's own chooser, so a case does not depend on the others.

    Returns:
        The cases.
    """
    written = []
    for number, target in enumerate(targets):
        rng = random.Random(f"{seed}:{target.origin}")
        variants = {"original": target.module, **mutants(target.module, rng)}
        for kind, text in variants.items():
            rel = f"{target.style}/{target.source}_{number:04d}_{kind}.py"
            (cases / rel).parent.mkdir(parents=True, exist_ok=True)
            (cases / rel).write_text(text, encoding="utf-8")
            written.append(Case(f"{cases.name}/{rel}", target.source, kind, target.origin))
    return written


def run_tools(tools: list[Tool], work: Path, cases: Path) -> dict[str, dict[str, set[str]] | None]:
    """Run each checker over all case files and return what it flagged.

    Args:
        tools: The checkers.
        work: The temporary root (the working directory).
        cases: The cases directory, with one subdirectory per style.

    Returns:
        Tool name → (case path relative to `work` → counted codes), or None if not installed.
    """
    results: dict[str, dict[str, set[str]] | None] = {}
    styles = sorted(p.name for p in cases.iterdir() if p.is_dir())
    cache = work / "cache-quality"
    for tool in tools:
        if tool.exe is None:
            results[tool.name] = None
            continue
        if tool.name == "pydoclint":
            raw: dict[str, set[str]] = {}
            for style in styles:  # no style detection in pydoclint: one run per style
                _, out = run_tool(command(tool, [f"{cases.name}/{style}"], style=style), work, cache)
                raw.update(flagged_files(tool.name, out))
        else:
            _, out = run_tool(command(tool, [cases.name], json_out=True), work, cache)
            raw = flagged_files(tool.name, out)
        counted = COUNTED_CODES[tool.name]
        results[tool.name] = {
            os.path.normpath(path): codes & counted for path, codes in raw.items() if codes & counted
        }
    return results


def ratio(numerator: int, denominator: int) -> str:
    """Format a fraction for the tables.

    Args:
        numerator: The count on top.
        denominator: The count below.

    Returns:
        The fraction to two places, or "-" when the denominator is 0.
    """
    return f"{numerator / denominator:.2f}" if denominator else "-"


def table(cases: list[Case], results: dict[str, dict[str, set[str]] | None]) -> list[str]:
    """Format precision, recall (overall and per kind) and FP rate per tool and source.

    Args:
        cases: All cases.
        results: What each tool flagged.

    Returns:
        The table's lines.
    """
    header = (f"{'source':<9} {'tool':<11} {'precision':>9} {'recall':>7} {'FP rate':>13} "
              + " ".join(f"{k:>11}" for k in KINDS))
    lines = [header]
    for source in sorted({c.source for c in cases}, key=lambda s: s != "stdlib"):
        mine = [c for c in cases if c.source == source]
        for tool, flagged in results.items():
            if flagged is None:
                lines.append(f"{source:<9} {tool:<11} not installed")
                continue
            hit = [c for c in mine if c.rel in flagged]
            originals = [c for c in mine if c.kind == "original"]
            false_pos = sum(1 for c in hit if c.kind == "original")
            true_pos = len(hit) - false_pos
            positives = len(mine) - len(originals)
            per_kind = []
            for kind in KINDS:
                of_kind = [c for c in mine if c.kind == kind]
                per_kind.append(ratio(sum(1 for c in of_kind if c.rel in flagged), len(of_kind)))
            lines.append(
                f"{source:<9} {tool:<11} {ratio(true_pos, true_pos + false_pos):>9} "
                f"{ratio(true_pos, positives):>7} "
                f"{f'{ratio(false_pos, len(originals))} ({false_pos}/{len(originals)})':>13} "
                + " ".join(f"{r:>11}" for r in per_kind)
            )
    return lines


def bench(tools: list[Tool], work: Path, limit: int, seed: int, rng: random.Random) -> None:
    """Mutate real functions, run every tool once, print the quality table.

    Args:
        tools: The checkers.
        work: The temporary root.
        limit: The most functions.
        seed: The run's seed.
        rng: The seeded chooser.
    """
    targets = collect_targets(limit, rng)
    cases = write_cases(targets, work / "cases", seed)
    results = run_tools(tools, work, work / "cases")
    by_source = collections.Counter(t.source for t in targets)
    by_style = collections.Counter(t.style for t in targets)
    kinds = collections.Counter(c.kind for c in cases)
    print(f"\n(b) quality on mutations: {len(targets)} functions "
          f"(stdlib: {by_source['stdlib']} from {STDLIB}; packages: {by_source['packages']} "
          f"from {', '.join(SECOND_SOURCES)} in {SITE_PACKAGES})")
    print("    styles: " + ", ".join(f"{s} {n}" for s, n in sorted(by_style.items()))
          + "; cases: " + ", ".join(f"{k} {kinds[k]}" for k in ("original", *KINDS)))
    print("    counted codes: codeassist " + ",".join(sorted(CODEASSIST_CODES))
          + "; pydoclint " + ",".join(sorted(PYDOCLINT_CODES)) + " (one run per style, type "
          "checks off); docsig " + ",".join(sorted(DOCSIG_CODES)))
    for line in table(cases, results):
        print(line)
