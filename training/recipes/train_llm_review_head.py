"""Train the line head behind CA501 and ship it.

setup: the review corpus (training/data/mine_review.py: one-token bugs injected into real
functions, and clean refactors; train/dev/test split by package), `train_per_label` buggy and
as many clean train hunks round-robin over packages, all of dev, a test sample plus the exact
`benchmark_per_label` + `benchmark_per_label` hunks benchmarks/llm_review.py draws; and real
hunks of the packages' release histories (label 0), split by package the same way → features:
`codeassist.heads.llm_review.features.line_features` (one forward pass of the default model per
hunk; cached as .npz per row set) and `design` → train: standardised logistic regression on
line labels (1 = the bug line of a buggy hunk, 0 = every other added line), C by dev line AUC;
threshold: the lowest probability at which the dev hunks' best lines reach `precision` and at
most `max_real_flag_rate` of real dev hunks get a comment → save: the head to `ship`
(`save_head`) → evaluate: dev/test and real hunks beside a baseline without the model (the
"busiest" added line: the most operators, commas and digits, a heuristic that finds most
one-token mutations), into metrics.json. To try settings without touching the shipped head,
`--set ship=SOMEWHERE`.

    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE HF_HUB_OFFLINE=1 \\
        python -m training.recipes.train_llm_review_head --config training/configs/llm_review_head.toml
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from codeassist.changes.hunkview import numbered_hunk, shown_lines
from codeassist.heads.asset import Head, save_head
from codeassist.heads.llm_review.features import LAYERS, PREFIX, design, line_features
from codeassist.heads.llm_review.head import FAMILY, trained_on
from training.config import recipe_config
from training.recipes.thresholds import rate_threshold

_BUSY = re.compile(r"[-+*/%<>=!&|^~,\[\]]|\d+|\b(?:not|and|or|is|in)\b")


# --- setup -------------------------------------------------------------------------------

class Data(NamedTuple):
    """The hunks of every row set, their per-line arrays (hunk, line, y, x, seconds), designed rows."""

    splits: dict[str, list[dict]]
    arrays: dict[str, dict[str, np.ndarray]]
    rows: dict[str, np.ndarray]
    bench: int  # the first `bench` test hunks are benchmarks/llm_review.py's sample


def sample_split(rows: list[dict], per_label: int | None, seed: int) -> list[dict]:
    """Draw `per_label` buggy and as many clean hunks, round-robin over packages (seeded).

    Args:
        rows: One split's rows.
        per_label: Hunks per label; None keeps every row.
        seed: Sampling seed.

    Returns:
        The sample, buggy hunks first.
    """
    if per_label is None:
        return rows
    rng = random.Random(seed)
    chosen: list[dict] = []
    for label in (1, 0):
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            if row["label"] == label:
                groups[row["package"]].append(row)
        for group in groups.values():
            rng.shuffle(group)
        picked: list[dict] = []
        while len(picked) < per_label and any(groups.values()):
            for package in sorted(groups):
                if groups[package] and len(picked) < per_label:
                    picked.append(groups[package].pop())
        chosen += picked
    return chosen


def real_hunks(history: Path, package: str, count: int, seed: int) -> list[dict]:
    """Hunks of a package's real release-to-release changes, numbered as CA501 shows them.

    The corpus's clean hunks are refactors of a single function; real changes look otherwise
    (longer hunks, new code, docs in strings), and without them the head flagged a quarter of
    this repository's own hunks. These are label 0: real lines, not injected bugs.

    Args:
        history: The directory of per-package git histories (one commit per release,
            training/data/mine_drift.py).
        package: The package's directory name.
        count: How many hunks to draw (seeded), at most 2 per file.
        seed: Sampling seed.

    Returns:
        Rows with the corpus's fields (kind "real", label 0).
    """
    from codeassist.changes import gitdiff
    from codeassist.review.rules.llm_review import in_scope
    repo = gitdiff.open_repo(history / package)
    found = []
    for commit in repo.iter_commits("HEAD"):
        if not commit.parents:
            continue
        for change in gitdiff.commit(repo, commit.hexsha).files:
            if change.new_text is None or change.unreadable or not in_scope(change.path):
                continue
            hunks = [h for h in change.hunks if h.new_count > 0]
            for hunk in random.Random(f"{seed}{change.path}{commit.hexsha}").sample(hunks, min(2, len(hunks))):
                view, added = numbered_hunk(change.new_text, hunk)
                if added:
                    found.append({"package": package, "path": change.path, "qualname": commit.hexsha[:12],
                                  "kind": "real", "label": 0, "view": view, "added": sorted(added),
                                  "bug_line": None})
    random.Random(seed).shuffle(found)
    return found[:count]


def benchmark_sample(rows: list[dict], n: int, seed: int = 0) -> list[dict]:
    """The hunks benchmarks/llm_review.py scores (the same seeded draw: its --n and --seed 0)."""
    rng = random.Random(seed)
    return [*rng.sample([r for r in rows if r["label"] == 1], n), *rng.sample([r for r in rows if r["label"] == 0], n)]


def row_id(row: dict) -> str:
    """A stable id of one hunk (cache keys)."""
    key = "\0".join((row["package"], row["path"], row["qualname"], row["kind"], row["view"]))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def extract(lm, rows: list[dict], cache: Path) -> dict[str, np.ndarray]:  # noqa: ANN001
    """Features of every added line of `rows` with hunk index, line and label; cached per row set.

    Args:
        lm: The default model.
        rows: Hunks.
        cache: Directory of .npz caches.

    Returns:
        Arrays hunk, line, y, x (line_features rows) and seconds (per hunk).
    """
    from tqdm import tqdm

    key = hashlib.sha256((json.dumps([list(LAYERS), PREFIX]) + "".join(map(row_id, rows))).encode()).hexdigest()[:16]
    path = cache / f"{key}.npz"
    if path.exists():
        return dict(np.load(path))
    hunk, line, label, features, seconds = [], [], [], [], []
    for index, row in enumerate(tqdm(rows, desc=f"features → {path.name}", mininterval=30)):
        started = time.perf_counter()
        numbers, vectors = line_features(lm, row["path"], row["view"], set(row["added"]))
        seconds.append(time.perf_counter() - started)
        hunk += [index] * len(numbers)
        line += numbers
        label += [int(row["label"] == 1 and n == row["bug_line"]) for n in numbers]
        features.append(vectors)
    arrays = {"hunk": np.array(hunk), "line": np.array(line), "y": np.array(label),
              "x": np.concatenate(features).astype(np.float16), "seconds": np.array(seconds)}
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return arrays


def designed(arrays: dict[str, np.ndarray]) -> np.ndarray:
    """`design` applied hunk by hunk, rows in the arrays' order."""
    x = arrays["x"].astype(np.float32)
    out = np.empty((len(x), 2 * x.shape[1] + 3), dtype=np.float32)
    for hunk in np.unique(arrays["hunk"]):
        members = arrays["hunk"] == hunk
        out[members] = design(x[members])
    return out


def setup(config: dict) -> Data:
    """Draw every row set, read each hunk once with the default model and design the rows.

    Args:
        config: The recipe's settings.

    Returns:
        The data.
    """
    import torch
    from datasets import load_from_disk

    from codeassist.llm import models
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    data = load_from_disk(config["data"])
    test_rows = list(data["test"])
    bench = benchmark_sample(test_rows, config["benchmark_per_label"])
    bench_ids = {row_id(r) for r in bench}
    splits = {
        "train": sample_split(list(data["train"]), config["train_per_label"], config["seed"]),
        "dev": list(data["dev"]),
        "test": bench + [r for r in sample_split(test_rows, config["test_per_label"], config["seed"])
                         if row_id(r) not in bench_ids],
    }
    for name, packages in config["real_packages"].items():
        splits[f"{name}_real"] = [row for package in packages
                                  for row in real_hunks(Path(config["history"]), package, config["real_per_package"],
                                                        config["seed"])]
    lm = models.load(None, config["device"])
    arrays = {name: extract(lm, rows, Path(config["cache"])) for name, rows in splits.items()}
    return Data(splits, arrays, {name: designed(a) for name, a in arrays.items()}, len(bench))


# --- train -------------------------------------------------------------------------------

def busy_scores(arrays: dict[str, np.ndarray], rows: list[dict]) -> np.ndarray:
    """The baseline's score per line: operators, commas, brackets and digits in its code."""
    texts = [shown_lines(row["view"]) for row in rows]
    return np.array([len(_BUSY.findall(texts[h].get(int(n), ""))) for h, n in zip(arrays["hunk"], arrays["line"])],
                    dtype=np.float32)


def hunk_tops(arrays: dict[str, np.ndarray], scores: np.ndarray) -> list[tuple[float, bool, int, bool]]:
    """Per hunk: (best line's score, best line is the bug, added lines, hunk is buggy)."""
    tops = []
    for hunk in np.unique(arrays["hunk"]):
        members = np.nonzero(arrays["hunk"] == hunk)[0]
        best = members[scores[members].argmax()]
        tops.append((float(scores[best]), bool(arrays["y"][best]), len(members), bool(arrays["y"][members].any())))
    return tops


def at_threshold(tops: list[tuple[float, bool, int, bool]], threshold: float) -> dict[str, float]:
    """benchmarks/llm_review.py's metrics with one comment per hunk: its best line, if it clears `threshold`."""
    comments = [t for t in tops if t[0] >= threshold]
    true = sum(t[1] for t in comments)
    bugs = sum(t[3] for t in tops)
    clean = len(tops) - bugs
    return {"precision": true / len(comments) if comments else 0.0, "recall": true / bugs if bugs else 0.0,
            "fp_per_1000_lines": 1000 * (len(comments) - true) / max(sum(t[2] for t in tops), 1),
            "clean_hunks_flagged": sum(1 for t in comments if not t[3]) / clean if clean else 0.0}


def threshold_for(tops: list[tuple[float, bool, int, bool]], precision: float) -> float:
    """The lowest threshold at which the hunks' best lines reach `precision` (the most recall)."""
    for threshold in sorted({t[0] for t in tops}):
        if at_threshold(tops, threshold)["precision"] >= precision:
            return threshold
    return float("inf")


class Trained(NamedTuple):
    """The head, the C it was fitted with, and every row set's scores by the head and the baseline."""

    head: Head
    c: float
    probabilities: dict[str, np.ndarray]
    busy: dict[str, np.ndarray]
    busy_threshold: float


def train(config: dict, data: Data, command: str) -> Trained:
    """Fit the head (C by dev line AUC) and choose its threshold and the baseline's on dev.

    Args:
        config: The recipe's settings.
        data: The row sets.
        command: The command line, recorded in the head.

    Returns:
        The head and the scores the report needs.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    arrays, rows = data.arrays, data.rows
    train_rows = np.vstack([rows["train"], rows["train_real"]])
    train_y = np.concatenate([arrays["train"]["y"], arrays["train_real"]["y"]])
    scaler = StandardScaler().fit(train_rows)
    dev_rows = scaler.transform(np.vstack([rows["dev"], rows["dev_real"]]))
    dev_y = np.concatenate([arrays["dev"]["y"], arrays["dev_real"]["y"]])
    best = None
    for c in config["c_grid"]:
        model = LogisticRegression(C=c, max_iter=config["max_iter"], class_weight="balanced").fit(
            scaler.transform(train_rows), train_y)
        auc = roc_auc_score(dev_y, model.decision_function(dev_rows))
        print(f"C={c:g}: dev line AUC (corpus + real hunks) {auc:.3f}")
        if best is None or auc > best[0]:
            best = (auc, c, model)
    _, c, model = best
    head = Head(family=FAMILY, kind="logistic", trained_on=trained_on(), threshold=0.5,
                mean=scaler.mean_.astype(np.float32), scale=scaler.scale_.astype(np.float32),
                weights=(model.coef_[0].astype(np.float32),), biases=(np.array([model.intercept_[0]], np.float32),),
                date=time.strftime("%Y-%m-%d"), command=command)
    # Scored as the rule scores them: by the numpy head.
    probabilities = {name: head.probabilities(r) for name, r in rows.items()}
    busy = {name: busy_scores(arrays[name], data.splits[name]) for name in arrays}
    # The threshold: precision on the corpus's dev hunks, and few comments on real dev hunks.
    threshold = max(threshold_for(hunk_tops(arrays["dev"], probabilities["dev"]), config["precision"]),
                    rate_threshold([t[0] for t in hunk_tops(arrays["dev_real"], probabilities["dev_real"])],
                                   config["max_real_flag_rate"]))
    busy_threshold = max(threshold_for(hunk_tops(arrays["dev"], busy["dev"]), config["precision"]),
                         rate_threshold([t[0] for t in hunk_tops(arrays["dev_real"], busy["dev_real"])],
                                        config["max_real_flag_rate"]))
    return Trained(replace(head, threshold=float(threshold)), c, probabilities, busy, busy_threshold)


# --- save --------------------------------------------------------------------------------

def save(config: dict, head: Head) -> Path:
    """Write the head to `ship`.

    Args:
        config: The recipe's settings.
        head: The head.

    Returns:
        The ship directory.
    """
    ship = Path(config["ship"])
    save_head(ship, head)
    return ship


# --- evaluate ----------------------------------------------------------------------------

def summary(arrays: dict[str, np.ndarray], scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Line AUC, top-1 on buggy hunks (and a random line's), and the metrics at `threshold`."""
    from sklearn.metrics import roc_auc_score

    tops = hunk_tops(arrays, scores)
    buggy = [t for t in tops if t[3]]
    return {"hunks": len(tops), "lines": int(len(scores)), "line_auc": float(roc_auc_score(arrays["y"], scores)),
            "top1": float(np.mean([t[1] for t in buggy])), "random_top1": float(np.mean([1 / t[2] for t in buggy])),
            **at_threshold(tops, threshold)}


def evaluate(config: dict, data: Data, trained: Trained) -> dict:
    """Report the head and the baseline on dev, test, the benchmark's hunks and real hunks; write metrics.json.

    Args:
        config: The recipe's settings.
        data: The row sets.
        trained: The head and the scores.

    Returns:
        The report written to metrics.json.
    """
    splits, arrays = data.splits, data.arrays
    probabilities, busy, busy_threshold = trained.probabilities, trained.busy, trained.busy_threshold
    threshold, c = trained.head.threshold, trained.c
    bench_mask = arrays["test"]["hunk"] < data.bench
    bench_arrays = {k: v[bench_mask] for k, v in arrays["test"].items() if k != "seconds"}
    report: dict[str, object] = {"c": c, "threshold": threshold, "precision_target": config["precision"],
                                 "max_real_flag_rate": config["max_real_flag_rate"],
                                 "train_hunks": len(splits["train"]), "train_lines": int(len(arrays["train"]["y"])),
                                 "train_real_hunks": len(splits["train_real"])}
    print(f"\nthreshold {threshold:.3f} (dev precision ≥ {config['precision']}, ≤ {config['max_real_flag_rate']:.0%} "
          f"of real dev hunks flagged); C={c:g}; "
          f"train {len(splits['train'])} hunks / {len(arrays['train']['y'])} lines")
    print(f"{'split':<10}{'scorer':<8}{'hunks':>6}{'AUC':>7}{'top-1':>7}{'random':>8}{'P':>7}{'R':>7}"
          f"{'FP/1000':>9}{'clean flagged':>15}")
    for name, split_arrays, mask in (("dev", arrays["dev"], None), ("test", arrays["test"], None),
                                     ("bench60", bench_arrays, bench_mask)):
        source = "test" if name == "bench60" else name
        for scorer, scores, cut in (("head", probabilities[source], threshold), ("busy", busy[source], busy_threshold)):
            picked = scores if mask is None else scores[mask]
            metrics = summary(split_arrays, picked, cut)
            report[f"{name}_{scorer}"] = metrics
            print(f"{name:<10}{scorer:<8}{metrics['hunks']:>6}{metrics['line_auc']:>7.3f}{metrics['top1']:>7.2f}"
                  f"{metrics['random_top1']:>8.2f}{metrics['precision']:>7.2f}{metrics['recall']:>7.2f}"
                  f"{metrics['fp_per_1000_lines']:>9.1f}{metrics['clean_hunks_flagged']:>15.2f}")
    print(f"{'real hunks':<18}{'hunks':>6}{'lines':>7}{'flagged':>9}{'comments/1000 lines':>21}")
    for name in ("dev_real", "test_real"):
        for scorer, scores, cut in (("head", probabilities[name], threshold), ("busy", busy[name], busy_threshold)):
            tops = hunk_tops(arrays[name], scores)
            flagged = sum(1 for t in tops if t[0] >= cut)
            metrics = {"hunks": len(tops), "lines": int(len(scores)), "flagged": flagged / len(tops),
                       "comments_per_1000_lines": 1000 * flagged / len(scores)}
            report[f"{name}_{scorer}"] = metrics
            print(f"{name + ' ' + scorer:<18}{len(tops):>6}{len(scores):>7}{metrics['flagged']:>9.1%}"
                  f"{metrics['comments_per_1000_lines']:>21.1f}")
    # Which bugs it finds, and which clean edits it flags, at the shipped threshold.
    found: dict[str, list[bool]] = defaultdict(list)
    flagged: dict[str, list[bool]] = defaultdict(list)
    for row, top in zip(splits["test"], hunk_tops(arrays["test"], probabilities["test"]), strict=True):
        if row["label"] == 1:
            found[row["kind"]].append(top[1] and top[0] >= threshold)
        else:
            flagged[row["kind"]].append(top[0] >= threshold)
    report["test_recall_by_kind"] = {k: float(np.mean(v)) for k, v in sorted(found.items())}
    report["test_clean_flagged_by_kind"] = {k: float(np.mean(v)) for k, v in sorted(flagged.items())}
    print("test recall by bug kind: " + ", ".join(f"{k} {np.mean(v):.2f}" for k, v in sorted(found.items())))
    print("test clean hunks flagged: " + ", ".join(f"{k} {np.mean(v):.2f}" for k, v in sorted(flagged.items())))
    seconds = np.concatenate([arrays[name]["seconds"] for name in ("dev", "test", "dev_real", "test_real")])
    report["ms_per_hunk"] = {"mean": 1000 * float(seconds.mean()), "p90": 1000 * float(np.percentile(seconds, 90))}

    (Path(config["ship"]) / "metrics.json").write_text(json.dumps(report, indent=1) + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the recipe from its config: setup → train → save → evaluate.

    Args:
        argv: Command-line arguments (default: sys.argv[1:]).

    Returns:
        0.
    """
    config, command = recipe_config(argv, description=__doc__.splitlines()[0], module="training.recipes.train_llm_review_head",
                                    shipped="llm_review_head", paths=("data", "cache", "history", "ship"))

    data = setup(config)
    trained = train(config, data, command)
    ship = save(config, trained.head)
    evaluate(config, data, trained)
    print(f"saved the head and metrics.json to {ship}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
