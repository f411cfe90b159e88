"""Train the commit-message head behind CA401 and ship it.

setup: read the mined commits (training/data/mine_commits.py; split by Debian source package),
at most `max_per_package` per package → pairs: every message with its own diff (label 0) and
with another commit's diff (label 1: from the same package when it has another, which is the
hard case, otherwise from another package) → features with the shipped documentation encoder
(cached as .npz per split) → train: logistic regression on train; threshold on dev: the
probability that flags at most `max_flag_rate` of real (message, own diff) pairs → save: the
head to codeassist/assets/commit-message-head/ (`save_head`) → evaluate: dev and test metrics
beside single-feature baselines at the same flag rate, into metrics.json.

    HF_HUB_OFFLINE=1 python -m training.recipes.train_commit_message_head --config training/configs/commit_message_head.toml
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from codeassist.heads.asset import Head, save_head
from codeassist.heads.commit_message.features import FEATURES, feature_rows
from codeassist.heads.commit_message.head import FAMILY, trained_on
from codeassist.heads.commit_message.summary import summary_from_files
from training.config import recipe_config
from training.recipes.thresholds import rate_threshold

SPLITS = ("train", "dev", "test")
ENCODE_BATCH = 128


# --- setup -------------------------------------------------------------------------------

class Split(NamedTuple):
    """One split's feature rows, labels (1 = another change's diff), kinds and commits."""

    x: np.ndarray
    y: np.ndarray
    kinds: np.ndarray
    commits: list[dict]


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
    parts = [feature_rows(found[i:i + ENCODE_BATCH], encode_docs)
             for i in tqdm(range(0, len(found), ENCODE_BATCH), desc=cache.stem)]
    x = np.concatenate(parts)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, x=x, key=np.array(key))
    return x


def setup(config: dict) -> dict[str, Split]:
    """Read, pair and featurise every split.

    Args:
        config: The recipe's settings.

    Returns:
        The splits by name.
    """
    data, out = Path(config["data"]), Path(config["out"])
    sets = {}
    for split in SPLITS:
        commits = load_commits(data, split, config["max_per_package"], config[f"max_{split}"], config["seed"])
        found, labels, kinds = pairs(commits, config["seed"])
        sets[split] = Split(features(found, out / f"{split}.npz"), labels, kinds, commits)
        print(f"{split}: {len(commits)} commits from {len({c['package'] for c in commits})} packages", flush=True)
    return sets


# --- train -------------------------------------------------------------------------------

def train(config: dict, sets: dict[str, Split], command: str) -> Head:
    """Fit the logistic head on train and set its threshold on dev's real messages.

    Args:
        config: The recipe's settings.
        sets: The splits.
        command: The command line, recorded in the head.

    Returns:
        The head.
    """
    from sklearn.linear_model import LogisticRegression

    x_train, y_train = sets["train"].x, sets["train"].y
    mean, scale = x_train.mean(0), x_train.std(0) + 1e-6
    model = LogisticRegression(C=config["c"], max_iter=config["max_iter"]).fit((x_train - mean) / scale, y_train)
    head = Head(family=FAMILY, kind="logistic", trained_on=trained_on(), threshold=0.5, mean=mean, scale=scale,
                weights=(model.coef_[0].astype(np.float32),), biases=(np.array([model.intercept_[0]], np.float32),),
                date=time.strftime("%Y-%m-%d"), command=command)
    dev = sets["dev"]
    return replace(head, threshold=rate_threshold(head.probabilities(dev.x)[dev.y == 0], config["max_flag_rate"]))


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

def scorer_metrics(scores: np.ndarray, labels: np.ndarray, kinds: np.ndarray, threshold: float) -> dict[str, float]:
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


def compare(head: Head, x: np.ndarray, y: np.ndarray, kinds: np.ndarray,
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
    rows = {"head": scorer_metrics(head.probabilities(x), y, kinds, head.threshold)}
    dev_scores = baselines(x_dev)
    for name, scores in baselines(x).items():
        rows[name] = scorer_metrics(scores, y, kinds, rate_threshold(dev_scores[name][y_dev == 0], max_flag_rate))
    return rows


def evaluate(config: dict, sets: dict[str, Split], head: Head, started: float) -> dict:
    """Evaluate the head and the baselines on dev and test; write metrics.json beside the head.

    Args:
        config: The recipe's settings.
        sets: The splits.
        head: The trained head.
        started: When the run started (time.time()).

    Returns:
        The summary written to metrics.json.
    """
    dev = (sets["dev"].x, sets["dev"].y)
    metrics: dict[str, dict] = {}
    for split in ("dev", "test"):
        rows = compare(head, sets[split].x, sets[split].y, sets[split].kinds, dev, config["max_flag_rate"])
        metrics.update({f"{split}/{name}": values for name, values in rows.items()})
    summary = {
        "features": list(FEATURES),
        "coef": dict(zip(FEATURES, head.weights[0].round(3).tolist())),
        "threshold": head.threshold,
        "max_flag_rate": config["max_flag_rate"],
        "commits": {split: len(sets[split].commits) for split in sets},
        "packages": {split: len({c["package"] for c in sets[split].commits}) for split in sets},
        "metrics": metrics,
        "seconds": round(time.time() - started, 1),
    }
    (Path(config["ship"]) / "metrics.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"{'scorer':<28} {'flag%':>6} {'R same':>7} {'R other':>8} {'P 1:1':>6} {'AUC':>6}")
    for name, values in metrics.items():
        print(f"{name:<28} {100 * values['real_flag_rate']:>6.1f} {values['recall_same_package']:>7.3f} "
              f"{values['recall_other_package']:>8.3f} {values['precision_1to1']:>6.3f} {values['roc_auc']:>6.3f}")
    print(json.dumps(summary["coef"]))
    return summary


def main(argv: list[str] | None = None) -> int:
    """Run the recipe from its config: setup → train → save → evaluate.

    Args:
        argv: Command-line arguments (default: sys.argv[1:]).

    Returns:
        0.
    """
    config, command = recipe_config(argv, description=__doc__.splitlines()[0], module="training.recipes.train_commit_message_head",
                                    shipped="commit_message_head", paths=("data", "out", "ship"))
    started = time.time()

    sets = setup(config)
    head = train(config, sets, command)
    ship = save(config, head)
    evaluate(config, sets, head, started)
    print(f"saved the head and metrics.json to {ship}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
