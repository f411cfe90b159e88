"""Fit and threshold CA301's semantic half (codeassist/heads/doc_mentions/) for precision.

setup: mine (prose chunk, changed unit) candidates from consecutive released sdists of every
package in the drift mining config (training/data/mine_doc_mentions.py), with the shipped
documentation encoder behind an embedding cache, so a rerun costs seconds; the held-out test
packages are set apart → train: a logistic combination of cosine and lexical prior on the
tuning packages (every package but the held-out ones), and the threshold with the best recall
whose precision reaches the floor there → save: the head to codeassist/assets/doc-mentions-head/
(`save_head`) → evaluate: precision and recall on the tuning and held-out packages, the
cosine-only and prior-only baselines beside it, into metrics.json, and a sample to read by hand.

Metrics are per chunk, as the rule reports: a chunk counts once, for the changed unit it
scores best against; it is a true positive when that pair is labelled 1.

    python -m training.recipes.train_doc_mentions_head --config training/configs/doc_mentions_head.toml
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from codeassist.encoders.cache import EmbeddingCache
from codeassist.encoders.text import encode_docs
from codeassist.heads.asset import Head, save_head
from codeassist.heads.doc_mentions.features import FEATURES
from codeassist.heads.doc_mentions.head import FAMILY, trained_on
from training.config import load_config, recipe_config
from training.data.mine_doc_mentions import package_candidates

Scorer = Callable[[dict], float]
Picked = list[tuple[float, int, dict, dict]]  # per chunk: (score, label, best option, row)


# --- setup -------------------------------------------------------------------------------

class Data(NamedTuple):
    """Candidate chunks of the tuning and the held-out packages, and how many are positive."""

    tune: list[dict]
    test: list[dict]
    positives: dict[str, int]


def mine(config: dict, history: dict, out: Path) -> list[dict]:
    """Mine every package's candidates once; later runs read them back."""
    store = out / "candidates.jsonl"
    if store.exists():
        return [json.loads(line) for line in store.read_text().splitlines()]
    archives = Path(history["archives"])
    cache = EmbeddingCache(out / "embeddings.sqlite3")
    rows = []
    for package, versions in history["packages"].items():
        start = time.perf_counter()
        found = package_candidates(package, versions, archives, lambda texts: encode_docs(texts, cache=cache))
        print(f"  {package}: {len(found)} candidate chunks, {time.perf_counter() - start:.0f}s", flush=True)
        rows += found
    store.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return rows


def setup(config: dict) -> Data:
    """Mine (or read back) the candidates and split them into tuning and held-out packages.

    Args:
        config: The recipe's settings.

    Returns:
        The data.
    """
    out = Path(config["out"])
    out.mkdir(parents=True, exist_ok=True)
    history = load_config(Path(config["history_config"]), paths=("archives",), shipped="mine_drift")
    held_out = set(history["test_packages"])
    rows = mine(config, history, out)
    tune = [r for r in rows if r["package"] not in held_out]
    test = [r for r in rows if r["package"] in held_out]
    positives = {name: sum(any(o["label"] for o in r["options"]) for r in part) for name, part in
                 (("tune", tune), ("test", test))}
    print(f"chunks: tune {len(tune)} ({positives['tune']} positive), test {len(test)} ({positives['test']} positive)")
    return Data(tune, test, positives)


# --- train -------------------------------------------------------------------------------

def fit(rows: list[dict], l2: float, steps: int, rate: float) -> tuple[np.ndarray, float]:
    """Logistic regression over every (chunk, unit) option, by plain gradient descent."""
    x = np.array([[o[f] for f in FEATURES] for r in rows for o in r["options"]], dtype=np.float64)
    y = np.array([o["label"] for r in rows for o in r["options"]], dtype=np.float64)
    w, b = np.zeros(x.shape[1]), 0.0
    # Positives are rare (about 1 in 100 options): weight them up so the fit does not settle
    # on "never"; the threshold, chosen afterwards, restores precision.
    weight = np.where(y == 1, (y == 0).sum() / max(1, (y == 1).sum()), 1.0)
    weight /= weight.mean()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = weight * (p - y)
        w -= rate * (x.T @ g / len(y) + l2 * w)
        b -= rate * g.mean()
    return w, b


def head_scorer(head: Head) -> Scorer:
    """Score one option dict with a head, as the rule scores it."""
    return lambda option: float(head.probabilities(np.array([[option[f] for f in FEATURES]], dtype=np.float64))[0])


def best_options(rows: list[dict], scorer: Scorer) -> Picked:
    """The best-scoring option of each chunk: (score, its label, the option, the row)."""
    picked = []
    for row in rows:
        option = max(row["options"], key=scorer)
        picked.append((scorer(option), option["label"], option, row))
    return picked


def curve(picked: Picked, positives: int) -> list[tuple[float, float, float, int]]:
    """(threshold, precision, recall, predictions) at every distinct score, highest first."""
    points, hits = [], 0
    for k, (value, target, _, _) in enumerate(sorted(picked, key=lambda item: -item[0]), start=1):
        hits += target
        points.append((value, hits / k, hits / positives if positives else 0.0, k))
    return points


def choose(points: list[tuple[float, float, float, int]], floor: float,
           min_predictions: int) -> tuple[float, float, float, int]:
    """The lowest threshold whose precision reaches the floor (best recall).

    When no threshold reaching `min_predictions` does, the most precise one that does
    (ties: the higher threshold), and the caller reports that the floor was missed.
    """
    ok = [p for p in points if p[1] >= floor and p[3] >= min_predictions]
    if ok:
        return ok[-1]
    enough = [p for p in points if p[3] >= min_predictions] or points
    return max(enough, key=lambda p: (p[1], p[0]))


def tuned_threshold(config: dict, data: Data, scorer: Scorer) -> tuple[float, float, float, int]:
    """Choose a scorer's threshold on the tuning packages: (threshold, precision, recall, reported)."""
    return choose(curve(best_options(data.tune, scorer), data.positives["tune"]), config["precision_floor"],
                  config["min_predictions"])


def train(config: dict, data: Data, command: str) -> Head:
    """Fit the combination on the tuning packages and set its threshold there.

    Args:
        config: The recipe's settings.
        data: The candidates.
        command: The command line, recorded in the head.

    Returns:
        The head (features are not standardised: mean 0, scale 1).
    """
    w, b = fit(data.tune, config["l2"], config["steps"], config["rate"])
    head = Head(family=FAMILY, kind="logistic", trained_on=trained_on(), threshold=0.5,
                mean=np.zeros(len(FEATURES)), scale=np.ones(len(FEATURES)), weights=(w,), biases=(np.array([b]),),
                date=time.strftime("%Y-%m-%d"), command=command)
    threshold, *_ = tuned_threshold(config, data, head_scorer(head))
    return replace(head, threshold=float(threshold))


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

def at(picked: Picked, positives: int, threshold: float) -> tuple[float, float, int]:
    """Precision, recall and predictions at a threshold."""
    chosen = [target for value, target, _, _ in picked if value >= threshold]
    hits = sum(chosen)
    return (hits / len(chosen) if chosen else 1.0), (hits / positives if positives else 0.0), len(chosen)


def evaluate(config: dict, data: Data, head: Head) -> dict:
    """Report the head and the baselines on both package sets; write metrics.json and a hand-check sample.

    Args:
        config: The recipe's settings.
        data: The candidates.
        head: The trained head.

    Returns:
        The metrics written to metrics.json.
    """
    scorers: dict[str, Scorer] = {
        "combined": head_scorer(head),
        "cosine only": lambda o: o["cosine"],
        "prior only": lambda o: (o["exact"] + o["share"] + 0.5 * o["single"] + 0.5 * o["param"] + 0.25 * o["module"]
                                 + 1e-3 * o["cosine"]),
    }
    metrics: dict[str, object] = {"weights": dict(zip(FEATURES, map(float, head.weights[0]))),
                                  "bias": float(head.biases[0][0]),
                                  "chunks": {"tune": len(data.tune), "test": len(data.test)}}
    for name, scorer in scorers.items():  # each thresholded as `train` thresholded the head
        threshold, precision, recall, count = tuned_threshold(config, data, scorer)
        test_p, test_r, test_n = at(best_options(data.test, scorer), data.positives["test"], threshold)
        metrics[name] = {"threshold": threshold, "tune": {"precision": precision, "recall": recall, "reported": count},
                         "test": {"precision": test_p, "recall": test_r, "reported": test_n}}
        print(f"{name:12s} threshold {threshold:.3f}  tune P {precision:.2f} R {recall:.2f} ({count})"
              f"  held-out P {test_p:.2f} R {test_r:.2f} ({test_n})")
    text = json.dumps(metrics, indent=1) + "\n"
    for directory in (Path(config["out"]), Path(config["ship"])):
        (directory / "metrics.json").write_text(text)
    write_hand_check(config, data, scorers["combined"], head.threshold)
    return metrics


def write_hand_check(config: dict, data: Data, scorer: Scorer, threshold: float) -> None:
    """A sample to read: reported chunks of every package, and the positives just below the line."""
    rng = random.Random(config["seed"])
    picked = best_options(data.tune + data.test, scorer)
    above = [p for p in picked if p[0] >= threshold]
    below = [p for p in picked if p[0] < threshold and p[1] == 1]
    sample = rng.sample(above, min(len(above), config["hand_check"] // 2))
    sample += rng.sample(below, min(len(below), config["hand_check"] - len(sample)))
    lines = []
    for value, target, option, row in sample:
        lines.append(f"- [{'reported' if value >= threshold else 'missed'} {value:.2f}, label {target}] "
                     f"{row['package']} {row['versions']} {row['path']}:{row['line']} → `{option['qualname']}` "
                     f"({option['what']}; cos {option['cosine']:.2f})\n  > {row['chunk'][:300]}")
    path = Path(config["out"]) / "hand_check_sample.md"
    path.write_text("\n".join(lines) + "\n")
    print(f"sample to read: {path}")


def main(argv: list[str] | None = None) -> int:
    """Run the recipe from its config: setup → train → save → evaluate.

    Args:
        argv: Command-line arguments (default: sys.argv[1:]).

    Returns:
        0.
    """
    config, command = recipe_config(argv, description=__doc__.splitlines()[0], module="training.recipes.train_doc_mentions_head",
                                    shipped="doc_mentions_head", paths=("history_config", "out", "ship"))

    data = setup(config)
    head = train(config, data, command)
    ship = save(config, head)
    evaluate(config, data, head)
    print(f"saved the head and metrics.json to {ship}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
