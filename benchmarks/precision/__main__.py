"""Run the precision benchmark: `python -m benchmarks.precision [--seed N] [--only NAME ...]`."""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from . import __doc__ as PACKAGE_DOC
from .releases import review_pair
from .sample import cell, draw, excerpt, load_verdicts, tally, verdict_key
from .sources import data_root, fetch, load_packages, load_pairs, materialize

REPO = Path(__file__).resolve().parents[2]
SAMPLE_FILE = REPO / "benchmarks" / "results" / "precision_sample.md"
RESULT_FILE = REPO / "benchmarks" / "results" / "precision.json"
TARGET = 0.90
MIN_FINDINGS = 5


def check(package_dir: Path, work: Path) -> list[dict]:
    """Run `codeassist check --select CA1` on one materialised package.

    Args:
        package_dir: `work/<name>`.
        work: The scratch root; finding paths come back relative to it.

    Returns:
        The findings of the JSON report.
    """
    exe = Path(sys.executable).parent / "codeassist"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([str(exe), "check", "--format", "json", "--select", "CA1", "--no-cache",
                           package_dir.name], cwd=work, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"codeassist check failed on {package_dir.name}: {done.stderr.strip()}")
    findings = json.loads(done.stdout)["findings"]
    for finding in findings:  # paths come back relative to the named directory
        if not finding["path"].startswith(f"{package_dir.name}/"):
            finding["path"] = f"{package_dir.name}/{finding['path']}"
    return findings


def report(sample: list[dict], work: Path, found: collections.Counter) -> tuple[str, list[str]]:
    """Write the sample file's text and the precision table.

    Args:
        sample: The sampled findings.
        work: The scratch root holding the checked files.
        found: Findings per (mode, rule, language) before sampling.

    Returns:
        The markdown of the sample file and the table's lines.
    """
    verdicts = load_verdicts()
    counts = tally(sample, verdicts)
    table = ["| mode | rule | language | findings | sampled | TP | FP | unreviewed | precision |",
             "|---|---|---|---|---|---|---|---|---|"]
    for key in sorted(found):
        c = counts[key]
        judged = c["TP"] + c["FP"]
        precision = f"{c['TP'] / judged:.2f}" if judged else "-"
        flag = " ✗" if judged and found[key] >= MIN_FINDINGS and c["TP"] / judged < TARGET else ""
        table.append(f"| {' | '.join(key)} | {found[key]} | {sum(c.values())} | {c['TP']} | "
                     f"{c['FP']} | {c['unreviewed']} | {precision}{flag} |")
    parts = ["# codeassist CA1xx findings on real packages: a reviewed sample\n",
             "Written by `python -m benchmarks.precision`. Verdicts come from "
             "`benchmarks/precision/verdicts.toml`: TP = the documentation really disagrees with "
             "the signature/body; FP = it does not.\n", "\n".join(table) + "\n"]
    for number, finding in enumerate(sample, 1):
        verdict, reason = verdicts.get(verdict_key(finding), ("unreviewed", ""))
        parts.append(f"## {number}. {' '.join(cell(finding))} `{finding['path']}:"
                     f"{finding['line']}`\n\nkey: `{verdict_key(finding)}`\n\n{finding['message']}\n\n"
                     f"**Verdict: {verdict}**{' - ' + reason if reason else ''}\n\n"
                     f"```\n{excerpt(work / finding['path'], finding['line'])}\n```\n")
    return "\n".join(parts), table


def main(argv: list[str] | None = None) -> int:
    """Fetch, check, sample and print the precision table.

    Args:
        argv: Command-line arguments (default: sys.argv[1:]).

    Returns:
        0.
    """
    parser = argparse.ArgumentParser(prog="python -m benchmarks.precision",
                                     description=PACKAGE_DOC.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", default=None, help="package names to run")
    parser.add_argument("--no-review", action="store_true", help="skip the release pairs")
    args = parser.parse_args(argv)
    root = data_root()
    packages = [p for p in load_packages() if args.only is None or p.name in args.only]
    findings: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="codeassist-precision-") as tmp:
        work = Path(tmp)
        for package in packages:
            checked = materialize(package, fetch(package, root), work)
            found = check(checked, work)
            for finding in found:
                finding["language"] = package.language
                finding["mode"] = "check"
            findings += found
            print(f"check  {package.name:18} {package.language:10} {len(found):4} findings", file=sys.stderr)
        pairs = [] if args.no_review else [p for p in load_pairs() if args.only is None or p.new.name in args.only]
        for pair in pairs:
            found = review_pair(pair, root, work)
            for finding in found:
                finding["mode"] = "review"
            findings += found
            print(f"review {pair.old.spec} -> {pair.new.spec}: {len(found)} findings", file=sys.stderr)
        per_cell = collections.Counter(cell(f) for f in findings)
        sample = draw(findings, args.seed)
        text, table = report(sample, work, per_cell)
    SAMPLE_FILE.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE_FILE.write_text(text, encoding="utf-8")
    RESULT_FILE.write_text(json.dumps({"packages": [p.spec for p in packages],
                                       "pairs": [[p.old.spec, p.new.spec] for p in pairs], "table": table,
                                       "seed": args.seed}, indent=2) + "\n", encoding="utf-8")
    print("\n".join(table))
    print(f"\nsample of {len(sample)} of {len(findings)} findings: {SAMPLE_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
