"""Train the commit-message head behind CA401 and ship it.

setup: read the mined commits (training/data/mine_commits.py; split by Debian source package),
at most `max_per_package` per package → pairs: every message with its own diff (label 0) and
with another commit's diff (label 1: from the same package when it has another, which is the
hard case, otherwise from another package) → features with the shipped documentation encoder
(cached as .npz per split) → train: logistic regression on train → threshold on dev: the
probability that flags at most `max_flag_rate` of real (message, own diff) pairs → save:
head.json and metrics.json to codeassist/assets/commit-message-head/ → report test metrics beside
single-feature baselines at the same flag rate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
import tomllib
from collections import defaultdict
from pathlib import Path

import numpy as np

from codeassist.heads.commit_message.summary import summary_from_files
from codeassist.heads.commit_message.score import FEATURES, feature_rows
from codeassist.heads.logistic import LogisticHead
from training.recipes.thresholds import rate_threshold


def load_commits(data: Path, split: str, max_per_package: int, limit: int, seed: int) -> list[dict]:
    """Read one split: at most `max_per_package` commits per package, `limit` in all (seeded).

    Args:
        data: The directory of {split}.jsonl files.
        split: "train", "dev" or "test".
        max_per_package: Cap per source package, so large packages do not dominate.
        limit: Cap in all.
        seed: Sampling seed.

    Returns:
        Commit rows.
    """
    rng = random.Random(seed)
    by_package: dict[str, list[dict]] = defaultdict(list)
    with (data / f"{split}.jsonl").open() as handle:
        for line in handle:
            row = json.loads(line)
            by_package[row["package"]].append(row)
    rows = []
    for package in sorted(by_package):
        commits = by_package[package]
        rng.shuffle(commits)
        rows += commits[:max_per_package]
    rng.shuffle(rows)
    return rows[:limit]


def pairs(commits: list[dict], seed: int) -> tuple[list[tuple[str, object]], np.ndarray, np.ndarray]:
    """Pair each message with its own diff and with another commit's diff.

    Args:
        commits: Commit rows.
        seed: Seed for choosing the other commit.

    Returns:
        (message, summary) pairs, labels (1 = another change's diff) and kinds
        (0 own, 1 same package, 2 other package).
    """
    rng = random.Random(seed)
    by_package: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(commits):
        by_package[row["package"]].append(index)
    summaries = [summary_from_files(row["files"]) for row in commits]
    found, labels, kinds = [], [], []
    for index, row in enumerate(commits):
        found.append((row["message"], summaries[index]))
        labels.append(0)
        kinds.append(0)
        same = [i for i in by_package[row["package"]] if i != index and summaries[i] != summaries[index]]
        if same and rng.random() < 0.5:
            other, kind = rng.choice(same), 1
        else:
            other = rng.randrange(len(commits))
            while commits[other]["package"] == row["package"]:
                other = rng.randrange(len(commits))
            kind = 2
        found.append((row["message"], summaries[other]))
        labels.append(1)
        kinds.append(kind)
    return found, np.array(labels), np.array(kinds)


def features(found: list, cache: Path) -> np.ndarray:
    """Featurise pairs once; later runs with the same pairs read the .npz.

    Args:
        found: (message, summary) pairs.
        cache: The .npz file.

    Returns:
        Feature rows.
    """
    key = hashlib.sha256(repr([(m, s) for m, s in found]).encode("utf-8", "replace")).hexdigest()
    if cache.exists():
        stored = np.load(cache)
        if str(stored["key"]) == key and stored["x"].shape[1] == len(FEATURES):
            return stored["x"]
    from tqdm import tqdm

    from codeassist.encoders.text import encode_docs
    parts = [feature_rows(found[i:i + 128], encode_docs) for i in tqdm(range(0, len(found), 128), desc=cache.stem)]
    x = np.concatenate(parts)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, x=x, key=np.array(key))
    return x


def evaluate(scores: np.ndarray, labels: np.ndarray, kinds: np.ndarray, threshold: float) -> dict[str, float]:
    """Metrics of one scorer at one threshold.

    Args:
        scores: Scores (higher = more likely a mismatch).
        labels: 1 for mismatched pairs.
        kinds: 0 own diff, 1 same-package diff, 2 other-package diff.
        threshold: Flag at or above.

    Returns:
        flag rate on real pairs, recall on each kind of mismatch, precision at 1:1, ROC-AUC.
    """
    from sklearn.metrics import roc_auc_score

    flagged = scores >= threshold
    true_positive = int(np.sum(flagged & (labels == 1)))
    return {
        "real_flag_rate": float(np.mean(flagged[labels == 0])),
        "recall_same_package": float(np.mean(flagged[kinds == 1])) if np.any(kinds == 1) else float("nan"),
        "recall_other_package": float(np.mean(flagged[kinds == 2])) if np.any(kinds == 2) else float("nan"),
        "recall": float(np.mean(flagged[labels == 1])),
        "precision_1to1": true_positive / max(int(np.sum(flagged)), 1),
        "roc_auc": float(roc_auc_score(labels, scores)),
    }


def baselines(x: np.ndarray) -> dict[str, np.ndarray]:
    """Single-feature scorers (higher = more likely a mismatch) for the comparison.

    Args:
        x: Feature rows.

    Returns:
        Scores by name.
    """
    column = {name: i for i, name in enumerate(FEATURES)}
    return {
        "lexical overlap": -x[:, column["overlap"]],
        "encoder cosine": -x[:, column["cos_change"]],
    }


def compare(head: LogisticHead, x: np.ndarray, y: np.ndarray, kinds: np.ndarray,
            dev: tuple[np.ndarray, np.ndarray], max_flag_rate: float) -> dict[str, dict[str, float]]:
    """Evaluate a head at its threshold and each baseline at a threshold set the same way on dev.

    Args:
        head: The head (its own threshold is used).
        x: Feature rows to evaluate.
        y: Their labels (1 = another change's diff).
        kinds: 0 own diff, 1 same-package diff, 2 other-package diff.
        dev: (features, labels) of the dev split, where the baselines' thresholds are set.
        max_flag_rate: The baselines' budget of flagged real messages on dev.

    Returns:
        Metrics by scorer: "head", then the baselines' names.
    """
    x_dev, y_dev = dev
    rows = {"head": evaluate(head.probabilities(x), y, kinds, head.threshold)}
    dev_scores = baselines(x_dev)
    for name, scores in baselines(x).items():
        rows[name] = evaluate(scores, y, kinds, rate_threshold(dev_scores[name][y_dev == 0], max_flag_rate))
    return rows


def main(argv: list[str] | None = None) -> None:
    """Train, choose the threshold, ship, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    args = parser.parse_args(argv)
    config = tomllib.loads(args.config.read_text())
    data, out = Path(config["data"]).expanduser(), Path(config["out"]).expanduser()
    started = time.time()
    sets = {}
    for split in ("train", "dev", "test"):
        commits = load_commits(data, split, config["max_per_package"], config[f"max_{split}"], config["seed"])
        found, labels, kinds = pairs(commits, config["seed"])
        sets[split] = (features(found, out / f"{split}.npz"), labels, kinds, commits)
        print(f"{split}: {len(commits)} commits from {len({c['package'] for c in commits})} packages", flush=True)

    from sklearn.linear_model import LogisticRegression

    x_train, y_train, _, _ = sets["train"]
    mean, scale = x_train.mean(0), x_train.std(0) + 1e-6
    model = LogisticRegression(C=config["c"], max_iter=1000).fit((x_train - mean) / scale, y_train)
    head = LogisticHead(mean, scale, model.coef_[0].astype(np.float32), float(model.intercept_[0]), 0.5)
    x_dev, y_dev, _, _ = sets["dev"]
    threshold = rate_threshold(head.probabilities(x_dev)[y_dev == 0], config["max_flag_rate"])
    head = LogisticHead(head.mean, head.scale, head.coef, head.intercept, threshold)

    report: dict[str, dict] = {}
    for split in ("dev", "test"):
        x, y, kinds, _ = sets[split]
        rows = compare(head, x, y, kinds, (x_dev, y_dev), config["max_flag_rate"])
        report.update({f"{split}/{name}": values for name, values in rows.items()})
    summary = {
        "features": list(FEATURES),
        "coef": dict(zip(FEATURES, head.coef.round(3).tolist())),
        "threshold": threshold,
        "max_flag_rate": config["max_flag_rate"],
        "commits": {split: len(sets[split][3]) for split in sets},
        "packages": {split: len({c["package"] for c in sets[split][3]}) for split in sets},
        "metrics": report,
        "seconds": round(time.time() - started, 1),
    }
    ship = Path(config["ship"])
    ship.mkdir(parents=True, exist_ok=True)
    (ship / "head.json").write_text(json.dumps(head.to_json(features=list(FEATURES)), indent=1) + "\n")
    (ship / "metrics.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"{'scorer':<28} {'flag%':>6} {'R same':>7} {'R other':>8} {'P 1:1':>6} {'AUC':>6}")
    for name, values in report.items():
        print(f"{name:<28} {100 * values['real_flag_rate']:>6.1f} {values['recall_same_package']:>7.3f} "
              f"{values['recall_other_package']:>8.3f} {values['precision_1to1']:>6.3f} {values['roc_auc']:>6.3f}")
    print(json.dumps(summary["coef"]))


if __name__ == "__main__":
    main()
