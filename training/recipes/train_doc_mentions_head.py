"""Fit and threshold CA301's semantic half (codeassist/heads/doc_mentions/score.py) for precision.

setup: mine (prose chunk, changed unit) candidates from consecutive released sdists of every
package in the drift mining config (training/data/mine_doc_mentions.py), with the shipped
documentation encoder behind an embedding cache, so a rerun costs seconds → fit: a logistic
combination of cosine and lexical prior on the tuning packages (every package but the
held-out test ones) → choose: the threshold with the best recall whose precision reaches the
floor on the tuning packages → report: precision and recall on the held-out packages, the
cosine-only and prior-only baselines beside it, and a sample to read by hand → print the
constants to paste into codeassist/heads/doc_mentions/score.py.

Metrics are per chunk, as the rule reports: a chunk counts once, for the changed unit it
scores best against; it is a true positive when that pair is labelled 1.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import tomllib
from pathlib import Path

import numpy as np

from codeassist.encoders.cache import EmbeddingCache
from codeassist.encoders.text import encode_docs
from codeassist.heads.doc_mentions.score import FEATURES
from training.data.mine_doc_mentions import package_candidates


def mine(config: dict, out: Path) -> list[dict]:
    """Mine every package's candidates once; later runs read them back."""
    store = out / "candidates.jsonl"
    if store.exists():
        return [json.loads(line) for line in store.read_text().splitlines()]
    history = tomllib.loads(Path(config["history_config"]).read_text())
    archives = Path(history["archives"]).expanduser()
    cache = EmbeddingCache(out / "embeddings.sqlite3")
    rows = []
    for package, versions in history["packages"].items():
        start = time.perf_counter()
        found = package_candidates(package, versions, archives, lambda texts: encode_docs(texts, cache=cache))
        print(f"  {package}: {len(found)} candidate chunks, {time.perf_counter() - start:.0f}s", flush=True)
        rows += found
    store.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return rows


def fit(rows: list[dict], l2: float, steps: int = 3000, rate: float = 0.5) -> tuple[np.ndarray, float]:
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


def best_options(rows: list[dict], scorer) -> list[tuple[float, int, dict, dict]]:
    """The best-scoring option of each chunk: (score, its label, the option, the row)."""
    picked = []
    for row in rows:
        option = max(row["options"], key=scorer)
        picked.append((scorer(option), option["label"], option, row))
    return picked


def curve(picked: list[tuple[float, int, dict, dict]], positives: int) -> list[tuple[float, float, float, int]]:
    """(threshold, precision, recall, predictions) at every distinct score, highest first."""
    points, hits = [], 0
    for k, (value, target, _, _) in enumerate(sorted(picked, key=lambda item: -item[0]), start=1):
        hits += target
        points.append((value, hits / k, hits / positives if positives else 0.0, k))
    return points


def choose(points, floor: float, min_predictions: int) -> tuple[float, float, float, int]:
    """The lowest threshold whose precision reaches the floor (best recall).

    When no threshold reaching `min_predictions` does, the most precise one that does
    (ties: the higher threshold), and the caller reports that the floor was missed.
    """
    ok = [p for p in points if p[1] >= floor and p[3] >= min_predictions]
    if ok:
        return ok[-1]
    enough = [p for p in points if p[3] >= min_predictions] or points
    return max(enough, key=lambda p: (p[1], p[0]))


def at(picked, positives: int, threshold: float) -> tuple[float, float, int]:
    """Precision, recall and predictions at a threshold."""
    chosen = [target for value, target, _, _ in picked if value >= threshold]
    hits = sum(chosen)
    return (hits / len(chosen) if chosen else 1.0), (hits / positives if positives else 0.0), len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    config = tomllib.loads(parser.parse_args().config.read_text())
    out = Path(config["out"]).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    held_out = set(tomllib.loads(Path(config["history_config"]).read_text())["test_packages"])

    # setup
    rows = mine(config, out)
    tune = [r for r in rows if r["package"] not in held_out]
    test = [r for r in rows if r["package"] in held_out]
    positives = {name: sum(any(o["label"] for o in r["options"]) for r in part) for name, part in
                 (("tune", tune), ("test", test))}
    print(f"chunks: tune {len(tune)} ({positives['tune']} positive), test {len(test)} ({positives['test']} positive)")

    # fit
    w, b = fit(tune, config["l2"])

    def combined(option: dict) -> float:
        return float(1 / (1 + np.exp(-(b + sum(wi * option[f] for wi, f in zip(w, FEATURES))))))

    scorers = {
        "combined": combined,
        "cosine only": lambda o: o["cosine"],
        "prior only": lambda o: (o["exact"] + o["share"] + 0.5 * o["single"] + 0.5 * o["param"] + 0.25 * o["module"]
                                 + 1e-3 * o["cosine"]),
    }

    # choose and report
    metrics = {"weights": dict(zip(FEATURES, map(float, w))), "bias": float(b)}
    for name, scorer in scorers.items():
        picked_tune = best_options(tune, scorer)
        threshold, precision, recall, count = choose(curve(picked_tune, positives["tune"]),
                                                    config["precision_floor"], config["min_predictions"])
        picked_test = best_options(test, scorer)
        test_p, test_r, test_n = at(picked_test, positives["test"], threshold)
        metrics[name] = {"threshold": threshold, "tune": {"precision": precision, "recall": recall, "reported": count},
                         "test": {"precision": test_p, "recall": test_r, "reported": test_n}}
        print(f"{name:12s} threshold {threshold:.3f}  tune P {precision:.2f} R {recall:.2f} ({count})"
              f"  held-out P {test_p:.2f} R {test_r:.2f} ({test_n})")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))

    # a sample to read: reported chunks of every package, and the positives just below the line
    rng = random.Random(config["seed"])
    threshold = metrics["combined"]["threshold"]
    picked = best_options(rows, combined)
    above = [p for p in picked if p[0] >= threshold]
    below = [p for p in picked if p[0] < threshold and p[1] == 1]
    sample = rng.sample(above, min(len(above), config["hand_check"] // 2))
    sample += rng.sample(below, min(len(below), config["hand_check"] - len(sample)))
    lines = []
    for value, target, option, row in sample:
        lines.append(f"- [{'reported' if value >= threshold else 'missed'} {value:.2f}, label {target}] "
                     f"{row['package']} {row['versions']} {row['path']}:{row['line']} → `{option['qualname']}` "
                     f"({option['what']}; cos {option['cosine']:.2f})\n  > {row['chunk'][:300]}")
    (out / "hand_check_sample.md").write_text("\n".join(lines) + "\n")
    print(f"sample to read: {out / 'hand_check_sample.md'}")
    print(f"paste into codeassist/heads/doc_mentions/score.py: WEIGHTS = {tuple(round(float(v), 3) for v in w)}, "
          f"BIAS = {round(float(b), 3)}, THRESHOLD = {round(threshold, 3)}")


if __name__ == "__main__":
    main()
