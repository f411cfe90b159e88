"""CA501 review comments on held-out hunks: asking the model vs the line head, in one run.

Data: the "test" split of training/data/mine_review.py (packages never trained on:
networkx, nltk, boltons, marshmallow, arrow, paramiko), a seeded sample of `--n` hunks with
one injected bug and `--n` clean hunks (refactors and unchanged code shown as added). Each
hunk is reviewed exactly as `codeassist review --llm` reviews it. Configurations:

- `base`, `adapter`: the model is asked for the line (pre-filled `{"line":`), without and with
  the review adapter; validation and the log-probability floor as for `--model` (asked_review).
- `located`: the shipped line head picks the hunk's best line and comments when it clears the
  head's threshold; the adapter explains (located_review, what the default model runs). The
  head's threshold is swept after scoring, and "fix" counts comments whose suggestion is the
  original line.

Line level: a comment on the bug's line is a true positive; any other kept comment is a false
positive (on a clean hunk, or on the wrong line of a buggy one). Precision = TP / comments,
recall = TP / buggy hunks, false positives per 1000 added lines over all hunks shown.

    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE HF_HUB_OFFLINE=1 python benchmarks/llm_review.py [--n 30] [--json]
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
THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9)


def _rates(outcomes: list[tuple[dict, tuple[int, str, str] | None]]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in score(outcomes).items() if k in ("precision", "recall", "fp_per_1000_lines")}


def _same_code(a: str, b: str) -> bool:
    return bool(a) and "".join(a.split()) == "".join(b.split())


def original_line(row: dict) -> str:
    """The bug line as it was before the bug was injected ("" for clean hunks)."""
    if not row["label"]:
        return ""
    new, old = row["new_code"].splitlines(), row["old_code"].splitlines()
    from codeassist.changes.hunkview import shown_lines
    bug = shown_lines(row["view"]).get(row["bug_line"], "")
    index = next((i for i, line in enumerate(new) if line.strip() == bug.strip()), None)
    return old[index] if index is not None and len(old) == len(new) else ""


def real_commits(lm, repo: Path, count: int) -> dict[str, float]:  # noqa: ANN001
    """Review real commits as `codeassist review --llm --commit` does; count what it says.

    Args:
        lm: The default model, review adapter attached.
        repo: A git repository.
        count: How many commits back from HEAD (merges skipped).

    Returns:
        Commits, hunks and added lines reviewed, comments, and comments per 1000 added lines.
    """
    from dataclasses import replace

    from codeassist.changes import gitdiff
    from codeassist.heads.llm_review.comments import asked_review, located_review, review_hunks
    from codeassist.heads.llm_review.head import shipped_head
    from codeassist.review.rules.llm_review import comment_finding, in_scope
    opened = gitdiff.open_repo(repo)
    head = shipped_head()
    review = located_review(lm, head) if head is not None else asked_review(lm)
    seen = {"hunks": 0, "lines": 0}

    def counted(path: str, view: str, added: set[int]) -> tuple[int, str, str] | None:
        seen["hunks"] += 1
        seen["lines"] += len(added)
        return review(path, view, added)

    findings = []
    shas = [c.hexsha for c in opened.iter_commits("HEAD", max_count=count, no_merges=True)]
    for sha in shas:
        changes = gitdiff.commit(opened, sha)
        comments = review_hunks(replace(changes, files=[c for c in changes.files if in_scope(c.path)]), counted,
                                max_per_file=3)
        findings += [comment_finding(c) for c in comments]  # as `review --llm` reports them
    result = {"commits": len(shas), **seen, "comments": len(findings),
              "comments_per_1000_lines": 1000 * len(findings) / max(seen["lines"], 1)}
    print(f"real commits of {repo.name}: {len(shas)} commits, {seen['hunks']} hunks, {seen['lines']} added lines "
          f"reviewed → {len(findings)} comments ({result['comments_per_1000_lines']:.1f} per 1000 lines)")
    for finding in findings:
        print(f"  {finding.path}:{finding.line}: {finding.message}")
    return result


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
    cli.add_argument("--configs", default="base,adapter,located")
    cli.add_argument("--repo", type=Path, default=None,
                     help="also review the last --commits commits of this git repository with the shipped "
                          "configuration: comments per 1000 added lines on real changes")
    cli.add_argument("--commits", type=int, default=20)
    cli.add_argument("--json", action="store_true")
    args = cli.parse_args(argv)

    import torch
    from datasets import load_from_disk

    from codeassist.llm import generation, models
    from codeassist.heads.llm_review.comments import MIN_LOGPROB, answer_hunk, parse_answer, review_prompt

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

    from codeassist.heads.llm_review.comments import explain_line
    from codeassist.heads.llm_review.head import shipped_head
    from codeassist.heads.llm_review.score import score_lines
    head = shipped_head()
    if "located" in configs and head is None:
        print("no line head shipped; located row skipped", file=sys.stderr)
        configs.remove("located")
    answers: dict[str, list] = {c: [] for c in configs}
    best: list[tuple[int, float]] = []  # located: each hunk's best line and its probability
    valid = Counter()
    seconds = Counter()
    for number, row in enumerate(sample, 1):
        added = set(row["added"])
        for config in configs:
            started = time.perf_counter()
            if config == "located":
                scored = score_lines(lm, head, row["path"], row["view"], added)
                best.append(scored[0] if scored else (-1, 0.0))  # as located_review, which scores then explains
                kept = explain_line(lm, row["path"], row["view"], *scored[0]) \
                    if scored and scored[0][1] >= head.threshold else None
                valid[config] += 1
                answers[config].append((row, kept, 0.0))
            else:
                text, confidence = answer_hunk(lm, review_prompt(row["path"], row["view"]), adapter=config != "base")
                parsed = parse_answer(text, added)
                valid[config] += parsed is not None or text.replace(" ", "").startswith('{"line":null}')
                answers[config].append((row, parsed, confidence))
            seconds[config] += time.perf_counter() - started
        if number % 10 == 0:
            print(f"{number}/{len(sample)} in {sum(seconds.values()):.0f} s", file=sys.stderr)

    bugs = Counter(r["kind"] for r in sample if r["label"])
    print(f"{args.split} split (packages held out of training); {args.n} buggy hunks ({', '.join(f'{k} {v}' for k, v in sorted(bugs.items()))}) "
          f"and {args.n} clean hunks, {sum(len(r['added']) for r in sample)} added lines")
    print(f"{'configuration':<16}{'precision':>10}{'recall':>8}{'FP/1000 lines':>15}{'TP':>4}{'FP':>4}"
          f"{'fix':>5}{'valid answers':>15}{'s/hunk':>8}")
    table = {}
    for config in configs:
        floor = -float("inf") if config == "located" else MIN_LOGPROB
        outcomes = [(row, parsed if parsed and confidence >= floor else None)
                    for row, parsed, confidence in answers[config]]
        metrics = score(outcomes)
        metrics["fixed"] = sum(1 for row, kept in outcomes if kept and row["label"] and kept[0] == row["bug_line"]
                               and _same_code(kept[2], original_line(row)))
        metrics["valid_answer_pct"] = 100 * valid[config] / len(sample)
        metrics["seconds_per_hunk"] = seconds[config] / len(sample)
        by_kind = Counter(row["kind"] for row, kept in outcomes if kept and row["label"] and kept[0] == row["bug_line"])
        metrics["tp_by_kind"] = dict(sorted(by_kind.items()))
        table[config] = metrics
        print(f"{config:<16}{metrics['precision']:>10.2f}{metrics['recall']:>8.2f}"
              f"{metrics['fp_per_1000_lines']:>15.1f}{metrics['tp']:>4}{metrics['fp']:>4}{metrics['fixed']:>5}"
              f"{metrics['valid_answer_pct']:>14.0f}%{metrics['seconds_per_hunk']:>8.1f}")
    # Floors and thresholds are applied after the model ran, so other values cost nothing to measure.
    sweeps = {config: {str(floor): _rates([(row, parsed if parsed and confidence >= floor else None)
                                           for row, parsed, confidence in answers[config]]) for floor in FLOORS}
              for config in configs if config != "located"}
    if "located" in configs:
        rows = [row for row, _, _ in answers["located"]]
        sweeps["located"] = {str(t): _rates([(row, (line, "", "") if p >= t else None)
                                             for row, (line, p) in zip(rows, best)]) for t in THRESHOLDS}
    print(f"floor / threshold sweep (shipped: floor {MIN_LOGPROB}, head threshold "
          f"{head.threshold if head else '-'}); precision / recall / FP per 1000 lines")
    for config, sweep in sweeps.items():
        table[config]["sweep"] = sweep
        print(f"{config:<16}" + "  ".join(f"{value}: {m['precision']:.2f}/{m['recall']:.2f}/{m['fp_per_1000_lines']:.0f}"
                                          for value, m in sweep.items()))
    if args.repo is not None:
        table["real"] = real_commits(lm, args.repo, args.commits)
    if args.json:
        print(json.dumps({"n": args.n, "seed": args.seed, **table}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
