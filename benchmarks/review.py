"""CA501 review comments on held-out hunks: base model vs the review adapter, in one run.

Data: the "test" split of training/data/mine_review.py (packages never trained on:
networkx, nltk, boltons, marshmallow, arrow, paramiko), a seeded sample of `--n` hunks with
one injected bug and `--n` clean hunks (refactors and unchanged code shown as added). Each
hunk is asked about exactly as `codeassist review --llm` asks (the product's prompt, pre-filled
answer, validation and confidence floor).

Line level: a comment on the bug's line is a true positive; any other kept comment is a false
positive (on a clean hunk, or on the wrong line of a buggy one). Precision = TP / comments,
recall = TP / buggy hunks, false positives per 1000 added lines over all hunks shown.

    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE HF_HUB_OFFLINE=1 python benchmarks/review.py [--n 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DATA = "~/.cache/codeassist-data/review"
FLOORS = (-0.3, -0.6, -1.2, -2.0, -100.0)


def score(outcomes: list[tuple[dict, tuple[int, str, str] | None]]) -> dict[str, float]:
    """Line-level precision, recall and false positives per 1000 added lines.

    Args:
        outcomes: (example, kept comment or None) per hunk.

    Returns:
        The counts and rates.
    """
    true = sum(1 for row, kept in outcomes if kept and row["label"] and kept[0] == row["bug_line"])
    comments = sum(1 for _, kept in outcomes if kept)
    false = comments - true
    bugs = sum(row["label"] for row, _ in outcomes)
    lines = sum(len(row["added"]) for row, _ in outcomes)
    return {"tp": true, "fp": false, "comments": comments, "bugs": bugs, "added_lines": lines,
            "precision": true / comments if comments else 0.0, "recall": true / bugs if bugs else 0.0,
            "fp_per_1000_lines": 1000 * false / max(lines, 1)}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table.

    Args:
        argv: Command-line arguments.

    Returns:
        0.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--n", type=int, default=30, help="buggy hunks, and as many clean ones (seeded sample)")
    cli.add_argument("--seed", type=int, default=0)
    cli.add_argument("--data", default=DATA)
    cli.add_argument("--split", default="test", help="test (held out); dev to choose the confidence floor")
    cli.add_argument("--adapter", type=Path, default=None, help="default: the shipped review adapter")
    cli.add_argument("--configs", default="base,adapter")
    cli.add_argument("--json", action="store_true")
    args = cli.parse_args(argv)

    import torch
    from datasets import load_from_disk

    from codeassist.llm import generation, models
    from codeassist.llm.review_comments import MIN_LOGPROB, answer_hunk, parse_answer, review_prompt

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "0")) or torch.get_num_threads())
    test = list(load_from_disk(str(Path(args.data).expanduser()))[args.split])
    rng = random.Random(args.seed)
    sample = [*rng.sample([r for r in test if r["label"] == 1], args.n),
              *rng.sample([r for r in test if r["label"] == 0], args.n)]

    lm = models.load(None, "cpu")
    if args.adapter is not None:
        generation.adapter_dir = lambda task: args.adapter  # noqa: E731 - measure a candidate adapter
    configs = [c.strip() for c in args.configs.split(",")]
    if "adapter" in configs and not generation.attach_adapter(lm, "review"):
        print("no review adapter found; adapter row skipped", file=sys.stderr)
        configs.remove("adapter")

    answers: dict[str, list] = {c: [] for c in configs}
    valid = Counter()
    seconds = Counter()
    for number, row in enumerate(sample, 1):
        for config in configs:
            started = time.perf_counter()
            text, confidence = answer_hunk(lm, review_prompt(row["path"], row["view"]), adapter=config != "base")
            seconds[config] += time.perf_counter() - started
            parsed = parse_answer(text, set(row["added"]))
            valid[config] += parsed is not None or text.replace(" ", "").startswith('{"line":null}')
            answers[config].append((row, parsed, confidence))
        if number % 10 == 0:
            print(f"{number}/{len(sample)} in {sum(seconds.values()):.0f} s", file=sys.stderr)

    bugs = Counter(r["kind"] for r in sample if r["label"])
    print(f"{args.split} split (packages held out of training); {args.n} buggy hunks ({', '.join(f'{k} {v}' for k, v in sorted(bugs.items()))}) "
          f"and {args.n} clean hunks, {sum(len(r['added']) for r in sample)} added lines")
    print(f"{'configuration':<16}{'precision':>10}{'recall':>8}{'FP/1000 lines':>15}{'TP':>4}{'FP':>4}"
          f"{'valid answers':>15}{'s/hunk':>8}")
    table = {}
    for config in configs:
        outcomes = [(row, parsed if parsed and confidence >= MIN_LOGPROB else None)
                    for row, parsed, confidence in answers[config]]
        metrics = score(outcomes)
        metrics["valid_answer_pct"] = 100 * valid[config] / len(sample)
        metrics["seconds_per_hunk"] = seconds[config] / len(sample)
        by_kind = Counter(row["kind"] for row, kept in outcomes if kept and row["label"] and kept[0] == row["bug_line"])
        metrics["tp_by_kind"] = dict(sorted(by_kind.items()))
        # The floor is applied after generation, so other floors cost nothing to measure.
        metrics["by_floor"] = {
            str(floor): {k: round(v, 3) for k, v in score(
                [(row, parsed if parsed and confidence >= floor else None)
                 for row, parsed, confidence in answers[config]]).items() if k in ("precision", "recall", "fp_per_1000_lines")}
            for floor in FLOORS}
        table[config] = metrics
        print(f"{config:<16}{metrics['precision']:>10.2f}{metrics['recall']:>8.2f}"
              f"{metrics['fp_per_1000_lines']:>15.1f}{metrics['tp']:>4}{metrics['fp']:>4}"
              f"{metrics['valid_answer_pct']:>14.0f}%{metrics['seconds_per_hunk']:>8.1f}")
    print(f"confidence floor sweep (shipped: {MIN_LOGPROB}); precision / recall / FP per 1000 lines")
    for config in configs:
        print(f"{config:<16}" + "  ".join(f"{floor}: {m['precision']:.2f}/{m['recall']:.2f}/{m['fp_per_1000_lines']:.0f}"
                                          for floor, m in table[config]["by_floor"].items()))
    if args.json:
        print(json.dumps({"n": args.n, "seed": args.seed, **table}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
