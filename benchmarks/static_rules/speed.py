"""Part (a): each checker as one process over the same stdlib modules, best wall time."""

from __future__ import annotations

import random
from pathlib import Path

from .corpus import STDLIB, copy_tree, speed_modules
from .tools import Tool, command, run_tool


def bench(tools: list[Tool], work: Path, modules: int, repeat: int, rng: random.Random) -> None:
    """Time each tool over the same modules and print the table.

    Args:
        tools: The checkers.
        work: The temporary root.
        modules: How many modules.
        repeat: Runs per tool; the best counts.
        rng: The seeded chooser.
    """
    chosen = speed_modules(modules, rng)
    files = copy_tree(chosen, STDLIB, work / "speed")
    lines = sum(p.read_text(encoding="utf-8", errors="replace").count("\n") for p in chosen)
    # codeassist keeps an on-disk parse cache; the fair row starts each run with an empty one,
    # the warm row shows what a repeated hook run costs.
    installed = [t for t in tools if t.exe is not None]
    warm_cache = work / "cache-warm"
    if any(t.name == "codeassist" for t in installed):
        run_tool(command(next(t for t in installed if t.name == "codeassist"), files), work, warm_cache)
    best: dict[str, float] = {}
    for attempt in range(repeat):
        for tool in installed:  # interleaved, so a noisy moment hits every tool alike
            runs = [(tool.name, work / f"cache-cold-{attempt}")]
            if tool.name == "codeassist":
                runs.append(("codeassist (warm cache)", warm_cache))
            for label, cache in runs:
                seconds, _ = run_tool(command(tool, files), work, cache)
                best[label] = min(seconds, best.get(label, seconds))
    print(f"\n(a) speed: {len(files)} stdlib modules ({lines:,} lines), one process per tool, "
          f"best of {repeat} wall times")
    print(f"{'tool':<24} {'seconds':>8} {'vs pydoclint':>13}")
    base = best.get("pydoclint")
    for label in ("codeassist", "codeassist (warm cache)", "pydoclint", "docsig"):
        if label not in best:
            if "warm" not in label:
                print(f"{label:<24} {'not installed':>22}")
            continue
        ratio = f"{best[label] / base:.2f}x" if base else "n/a"
        print(f"{label:<24} {best[label]:>8.2f} {ratio:>13}")
