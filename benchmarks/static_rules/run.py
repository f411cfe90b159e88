"""The command line: parse the flags, find the checkers, run the chosen parts in one temp root."""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

from . import __doc__ as PACKAGE_DOC
from . import precision, quality, speed
from .tools import NEUTRAL_PYPROJECT, find_tools


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark parts and print their tables.

    Args:
        argv: Command-line arguments (default: sys.argv[1:]).

    Returns:
        0.
    """
    parser = argparse.ArgumentParser(prog="python -m benchmarks.static_rules",
                                     description=PACKAGE_DOC.splitlines()[0])
    parser.add_argument("--modules", type=int, default=150, help="stdlib modules in the speed run")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool (best counts)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--functions", type=int, default=300, help="most functions to mutate")
    parser.add_argument("--sample", type=int, default=40, help="stdlib findings to sample")
    parser.add_argument("--parts", default="speed,quality,stdlib", help="which parts to run")
    parser.add_argument("--keep", type=Path, help="write the case files here (a new directory) "
                        "instead of a temporary one, to inspect them")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    tools = find_tools()
    print(f"static_rules benchmark: python {sys.version.split()[0]}, {os.cpu_count()} cpus, "
          f"seed {args.seed}; tools: "
          + ", ".join(f"{t.name} ({t.exe or 'not installed'})" for t in tools))
    with tempfile.TemporaryDirectory(prefix="static_rules_") as tmp:
        work = Path(tmp)
        if args.keep is not None:
            args.keep.mkdir(parents=True)
            work = args.keep.resolve()
        (work / "pyproject.toml").write_text(NEUTRAL_PYPROJECT, encoding="utf-8")
        if "speed" in parts:
            speed.bench(tools, work, args.modules, args.repeat, random.Random(args.seed))
        if "quality" in parts:
            quality.bench(tools, work, args.functions, args.seed, random.Random(args.seed))
        if "stdlib" in parts:
            precision.bench(tools, work, args.sample, random.Random(args.seed))
    return 0
