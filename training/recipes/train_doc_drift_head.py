"""Train the drift fusion heads and ship the best one.

setup: load the drift dataset (split by package) → encode every example once with the
shipped encoders and build its features (cached as .npz, since encoding dominates) →
train: the three heads (weighted, linear, mlp) on train, history and mutations resampled to
equal weight, and with `early_fusion` two more read the LLM's joint reading of documentation
and code (`codeassist/heads/doc_drift/early.py`): "early" alone and "early+edit" beside the
scalar features, on the first `early_max_train` training rows (each row costs two LLM
passes), and with a `cross_encoder` three more read its scores of (old doc, old code) and
(old doc, new code) (`codeassist/heads/cross_encoder.py`): "cross" alone, "cross+edit" and
"cross+edit-mlp" beside the late features; calibrate each on dev (Platt scaling) and
choose its threshold on dev: the best F1 whose precision reaches the floor; the best late
head by dev F1 wins, unless a cross head beats it by `cross_min_gain` → save: every head to the
run directory, the best to codeassist/assets/doc-drift-head/ (`save_head`) → evaluate: test
metrics for every head, on history and on mutations separately, into metrics.json and the
model card (training/cards/doc-drift-head.md).

    python -m training.recipes.train_doc_drift_head --config training/configs/doc_drift_head.toml
"""

from __future__ import annotations

import json
import math
import os
import random
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from codeassist.heads.asset import Head, save_head
from codeassist.heads.doc_drift.early import VERSION as EARLY_VERSION
from codeassist.heads.doc_drift.features import (
    CROSS, LATE, SIMILARITY, STRUCTURAL, Example, facts, feature_rows, structural_features,
)
from codeassist.heads.doc_drift.head import FAMILY, trained_on
from training import cards
from training.config import recipe_config

VARIANTS = ("weighted", "linear", "mlp")
# Late fusion plus the cross-encoder's reading of (doc, old code) and (doc, new code).
CROSS_VARIANTS = {"cross": CROSS, "cross+edit": LATE + CROSS, "cross+edit-mlp": LATE + CROSS}
EARLY_VARIANTS = ("early", "early+edit")  # compared, never shipped: CA201 runs without torch
VECTOR_WIDTH = 3 * 384  # doc ⊙ new, |doc − new|, new − old of 384-dimensional MiniLM vectors
ENCODE_BATCH = 256


# --- setup -------------------------------------------------------------------------------

class Data(NamedTuple):
    """Every split's rows, feature matrix, labels and sources ("history" or "mutation").

    `early` holds the early-fusion rows of each split's first rows (all of dev and test, the
    first `early_max_train` of train), empty without `early_fusion`; `cross` the
    cross-encoder's columns (CROSS) of every row, empty without a `cross_encoder`.
    """

    rows: dict[str, list[dict]]
    x: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    source: dict[str, np.ndarray]
    early: dict[str, np.ndarray]
    cross: dict[str, np.ndarray]


def load_split(data: Path, split: str, limit: int, seed: int) -> list[dict]:
    """Read one split of the drift dataset, a seeded sample of at most `limit` rows."""
    from datasets import load_from_disk

    rows = list(load_from_disk(str(data))[split])
    random.Random(seed).shuffle(rows)
    return rows[:limit]


def _rows_key(rows: list[dict]) -> str:
    """A digest of the rows a feature cache belongs to."""
    import hashlib

    digest = hashlib.sha256()
    for row in rows:
        digest.update("\0".join((row["old_doc"], row["old_code"], row["new_code"])).encode("utf-8", "replace"))
    return digest.hexdigest()


def features(rows: list[dict], cache: Path) -> np.ndarray:
    """Encode and featurise rows once; later runs read the .npz.

    The structural columns are always recomputed (parsing is cheap), so a change to them
    does not need the encoders again. The key holds the encoders' ids with the rows: a new
    code-encoder adapter re-encodes everything.
    """
    key = json.dumps(trained_on(), sort_keys=True) + _rows_key(rows)
    if cache.exists() and str(np.load(cache).get("key", "")) != key:
        cache.unlink()  # the data or an encoder changed since these vectors were computed
    if cache.exists():
        cached = np.load(cache)["x"]
        vectors = cached[:, -VECTOR_WIDTH:]
        structural = np.array([
            [values[name] for name in STRUCTURAL]
            for values in (
                structural_features(r["old_doc"], facts(r["old_code"], "python"), facts(r["new_code"], "python"), "python")
                for r in rows
            )
        ], dtype=np.float32).reshape(len(rows), len(STRUCTURAL))
        return np.concatenate([cached[:, : len(SIMILARITY)], structural, vectors], axis=1)
    examples = [Example(r["old_doc"], r["old_code"], r["new_code"], "python") for r in rows]
    from tqdm import tqdm

    parts = [feature_rows(examples[i : i + ENCODE_BATCH], LATE, vectors=True)
             for i in tqdm(range(0, len(examples), ENCODE_BATCH), desc=cache.stem)]
    x = np.concatenate(parts) if parts else np.zeros((0, len(LATE)))
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, x=x, key=np.array(key))
    return x


def early_features(rows: list[dict], cache: Path) -> np.ndarray:
    """The early-fusion rows of `rows`, read with the default LLM once; later runs read the .npz."""
    from codeassist.heads.doc_drift.early import early_rows
    from codeassist.llm import models

    key = EARLY_VERSION + _rows_key(rows)
    saved = np.load(cache) if cache.exists() else None
    if saved is not None and str(saved["key"]) == key:
        return saved["x"]
    examples = [Example(r["old_doc"], r["old_code"], r["new_code"], "python") for r in rows]
    x = early_rows(models.load(None, models.select_device("auto")), examples, progress=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, x=x, key=np.array(key))
    return x


def cross_columns(rows: list[dict], cache: Path, directory: Path) -> np.ndarray:
    """The cross-encoder's columns (CROSS) of `rows`, two passes per row; later runs read the .npz.

    Computed in torch, in bulk: the same probabilities as review's numpy scorer
    (`features.cross_features`; tests/training/test_train_cross_encoder.py checks the two agree).
    """
    from transformers import AutoTokenizer

    from codeassist.encoders.text import model_dir
    from codeassist.heads.cross_encoder import encoder_id, load
    from training.recipes.train_cross_encoder import load_model, probabilities

    key = encoder_id(directory) + _rows_key(rows)
    saved = np.load(cache) if cache.exists() else None
    if saved is not None and str(saved["key"]) == key:
        return saved["x"]
    model, tokenizer = load_model(directory), AutoTokenizer.from_pretrained(model_dir())
    max_tokens = int(load(directory).head.trained_on["max_tokens"])
    docs = [r["old_doc"] for r in rows]
    before = probabilities(model, tokenizer, docs, [r["old_code"] for r in rows], max_tokens, progress=cache.stem)
    after = probabilities(model, tokenizer, docs, [r["new_code"] for r in rows], max_tokens, progress=cache.stem)
    x = np.stack([before, after, before - after], axis=1).reshape(len(rows), len(CROSS)).astype(np.float32)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, x=x, key=np.array(key))
    return x


def setup(config: dict) -> Data:
    """Load every split and its features (once per split; cached under `out`).

    Args:
        config: The recipe's settings.

    Returns:
        The data.
    """
    data, out, seed = Path(config["data"]), Path(config["out"]), config["seed"]
    rows = {split: load_split(data, split, config["max_train"] if split == "train" else config["max_eval"], seed)
            for split in ("train", "dev", "test")}
    return Data(
        rows=rows,
        x={split: features(rows[split], out / f"features-{split}.npz") for split in rows},
        y={split: np.array([r["label"] for r in rows[split]]) for split in rows},
        source={split: np.array([r["source"] for r in rows[split]]) for split in rows},
        early={split: early_features(rows[split][: config["early_max_train"]] if split == "train" else rows[split],
                                     out / f"early-{split}.npz")
               for split in rows} if config["early_fusion"] else {},
        cross={split: cross_columns(rows[split], out / f"cross-{split}.npz", Path(config["cross_encoder"]))
               for split in rows} if _has_cross(config) else {},
    )


def _has_cross(config: dict) -> bool:
    from codeassist.heads.cross_encoder import available

    return bool(config["cross_encoder"]) and available(Path(config["cross_encoder"]))


def design(variant: str, data: Data, split: str, vectors: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A variant's feature matrix on one split, with its labels and sources.

    Late variants read `columns` of every row; early ones only the rows read by the LLM
    (every dev and test row; the first `early_max_train` of train).
    """
    if variant in CROSS_VARIANTS:
        return named_columns(CROSS_VARIANTS[variant], data.x[split], data.cross[split]), data.y[split], data.source[split]
    if variant not in EARLY_VARIANTS:
        return data.x[split][:, columns(variant, vectors)], data.y[split], data.source[split]
    early = data.early[split]
    n = len(early)
    x = early if variant == "early" else np.hstack([data.x[split][:n, : len(SIMILARITY) + len(STRUCTURAL)], early])
    return x, data.y[split][:n], data.source[split][:n]


def named_columns(names: tuple[str, ...] | list[str], x: np.ndarray, cross: np.ndarray | None) -> np.ndarray:
    """The scalar columns `names` (of LATE + CROSS) from a feature matrix and its cross-encoder columns."""
    table = np.hstack([x[:, : len(LATE)], cross]) if cross is not None else x[:, : len(LATE)]
    position = {name: i for i, name in enumerate(LATE + (CROSS if cross is not None else ()))}
    return table[:, [position[name] for name in names]]


# --- train -------------------------------------------------------------------------------

def columns(variant: str, vectors: bool = False) -> slice:
    """Which feature columns a variant reads: the similarities, the scalars, or everything.

    The 1,152 vector features are off by default: on held-out packages they cost F1
    (linear 0.65 → 0.41 on history, MLP 0.64 → 0.21), the heads memorising
    package-specific embeddings instead of the edit.
    """
    if variant == "weighted":
        return slice(0, len(SIMILARITY))
    return slice(None) if vectors else slice(0, len(SIMILARITY) + len(STRUCTURAL))


def balance_sources(x: np.ndarray, y: np.ndarray, source: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Resample so that history and mutation examples weigh the same in training.

    History labels are noisy (a doc nobody updated counts as not stale); mutations are
    exact. Equal weight keeps the structural signal the mutations teach from drowning.
    """
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(source == name) for name in ("history", "mutation")]
    size = max(len(g) for g in groups)
    picked = np.concatenate([rng.choice(g, size, replace=len(g) < size) for g in groups if len(g)])
    return x[picked], y[picked]


def fit(variant: str, x: np.ndarray, y: np.ndarray, config: dict):  # noqa: ANN201 - a scikit-learn model
    """Fit one head on standardised features (already sliced); returns (model, mean, std)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / std
    if variant.endswith("mlp"):
        model = MLPClassifier((config["mlp_hidden"],), alpha=config["mlp_alpha"], max_iter=config["mlp_max_iter"],
                              early_stopping=True, random_state=config["seed"])
    else:
        model = LogisticRegression(C=config["linear_c"], max_iter=config["linear_max_iter"], class_weight="balanced")
    model.fit(z, y)
    return model, mean, std


def logits(model, z: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """The model's raw decision values."""
    p = np.clip(model.predict_proba(z)[:, 1], 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Precision, recall, F1 at a threshold and ROC-AUC."""
    from sklearn.metrics import roc_auc_score

    predicted = p >= threshold
    tp = float(np.sum(predicted & (y == 1)))
    precision = tp / max(float(np.sum(predicted)), 1.0)
    recall = tp / max(float(np.sum(y == 1)), 1.0)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    auc = float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else float("nan")
    return {"precision": precision, "recall": recall, "f1": f1, "auc": auc, "n": int(len(y)), "positives": int(y.sum())}


def choose_threshold(y: np.ndarray, p: np.ndarray, floor: float) -> float:
    """The threshold with the best F1 among those whose precision reaches the floor."""
    best, best_f1 = 0.5, -1.0
    for threshold in np.unique(np.round(p, 4)):
        m = metrics(y, p, float(threshold))
        if m["precision"] >= floor and m["f1"] > best_f1:
            best, best_f1 = float(threshold), m["f1"]
    return best


def to_head(variant: str, model, mean, std, a: float, b: float, threshold: float, vectors: bool,  # noqa: ANN001
            command: str, cross_dir: Path | None = None) -> Head:
    """Export a fitted model as a numpy Head whose 0.5 is the chosen threshold."""
    if variant.endswith("mlp"):
        weights = (model.coefs_[0], model.coefs_[1] * a)
        biases = (model.intercepts_[0], model.intercepts_[1] * a)
    else:
        weights = (model.coef_.T * a,)
        biases = (model.intercept_ * a,)
    # Platt-calibrated logit is a*z + b; shifting by -logit(threshold) puts the decision at 0.5.
    shift = b - math.log(threshold / (1 - threshold))
    names = {"weighted": SIMILARITY, "early": (), **CROSS_VARIANTS}.get(variant, LATE)
    extra = {"early_fusion": EARLY_VERSION} if variant in EARLY_VARIANTS else {}
    if variant in CROSS_VARIANTS:
        from codeassist.heads.cross_encoder import encoder_id

        extra = {"cross_encoder": encoder_id(cross_dir)}
    kind = "mlp" if variant.endswith("mlp") else variant if variant in VARIANTS else "linear"
    return Head(
        family=FAMILY, kind=kind,
        trained_on={"features": list(names), "vector_features": vectors and variant in ("linear", "mlp"),
                    **extra, **trained_on()},
        threshold=0.5, mean=mean.astype(np.float32), scale=std.astype(np.float32),
        weights=tuple(np.asarray(w, np.float32) for w in weights), biases=tuple(np.asarray(v, np.float32) for v in biases),
        shift=float(shift), date=time.strftime("%Y-%m-%d"), command=command,
    )


class Trained(NamedTuple):
    """The heads by variant, per variant its threshold and dev metrics, and the variant to ship."""

    heads: dict[str, Head]
    report: dict[str, dict]
    best: str


def train(config: dict, data: Data, command: str) -> Trained:
    """Fit, calibrate and threshold every variant on train and dev; the best dev F1 ships.

    Args:
        config: The recipe's settings.
        data: The splits.
        command: The command line, recorded in each head.

    Returns:
        The heads, their dev report and the best variant.
    """
    from sklearn.linear_model import LogisticRegression

    heads: dict[str, Head] = {}
    report: dict[str, dict] = {}
    vectors = config["vector_features"]
    shippable = VARIANTS + (tuple(CROSS_VARIANTS) if data.cross else ())
    for variant in shippable + (EARLY_VARIANTS if data.early else ()):
        train_x, train_y = balance_sources(*design(variant, data, "train", vectors), config["seed"])
        model, mean, std = fit("linear" if variant in EARLY_VARIANTS else variant, train_x, train_y, config)
        dev_x, dev_y, _ = design(variant, data, "dev", vectors)
        dev_z = (dev_x - mean) / std
        platt = LogisticRegression(C=config["platt_c"]).fit(logits(model, dev_z).reshape(-1, 1), dev_y)
        a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        calibrated = 1 / (1 + np.exp(-(a * logits(model, dev_z) + b)))
        threshold = choose_threshold(dev_y, calibrated, config["precision_floor"])
        heads[variant] = to_head(variant, model, mean, std, a, b, threshold, vectors, command,
                                 Path(config["cross_encoder"]) if data.cross else None)
        report[variant] = {"threshold_on_calibrated_probability": threshold,
                           "dev": metrics(dev_y, heads[variant].probabilities(dev_x))}
    # All were thresholded at the precision floor; the early (LLM) ones never ship: CA201 runs without torch.
    # A cross head costs two cross-encoder passes per changed unit: it ships only for a clear gain.
    best = max(VARIANTS, key=lambda v: report[v]["dev"]["f1"])
    crossed = [v for v in shippable if v in CROSS_VARIANTS]
    if crossed:
        challenger = max(crossed, key=lambda v: report[v]["dev"]["f1"])
        if report[challenger]["dev"]["f1"] >= report[best]["dev"]["f1"] + config["cross_min_gain"]:
            best = challenger
    return Trained(heads, report, best)


# --- save --------------------------------------------------------------------------------

def save(config: dict, trained: Trained) -> Path:
    """Write every head to the run directory and the best one to `ship`.

    Args:
        config: The recipe's settings.
        trained: The heads and the variant to ship.

    Returns:
        The ship directory.
    """
    for variant, head in trained.heads.items():
        save_head(Path(config["out"]) / variant, head)
    ship = Path(config["ship"])
    save_head(ship, trained.heads[trained.best])
    return ship


# --- evaluate ----------------------------------------------------------------------------

def evaluate(config: dict, data: Data, trained: Trained, started: float) -> dict:
    """Score every head on the test packages, history and mutations apart; write metrics.json and the card.

    Args:
        config: The recipe's settings.
        data: The splits.
        trained: The heads, their dev report (completed here with test metrics) and the shipped variant.
        started: When the run started (time.time()).

    Returns:
        The summary written to metrics.json.
    """
    report = trained.report
    for variant, head in trained.heads.items():
        x, y, source = design(variant, data, "test", config["vector_features"])
        for name in ("history", "mutation"):
            mask = source == name
            report[variant][f"test_{name}"] = metrics(y[mask], head.probabilities(x[mask]))
        print(variant, json.dumps(report[variant], indent=1))
    summary = {"best": trained.best, "precision_floor": config["precision_floor"], "variants": report,
               "seconds": round(time.time() - started),
               "counts": {s: {"n": len(data.rows[s]), "positives": int(data.y[s].sum())} for s in data.rows}}
    ship = Path(config["ship"])
    for directory in (ship, Path(config["out"])):
        (directory / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n")
    (ship / "MODEL_CARD.md").write_text(model_card(summary, trained.heads[trained.best], data.rows))
    return summary


def model_card(summary: dict, head: Head, rows: dict[str, list[dict]]) -> str:
    """Render training/cards/doc-drift-head.md with this run's numbers."""
    import platform
    from collections import Counter

    packages = {split: sorted({r["package"] for r in rows[split]}) for split in rows}
    counts = {split: Counter((r["source"], r["label"]) for r in rows[split]) for split in rows}
    split_rows = []
    for split in ("train", "dev", "test"):
        c = counts[split]
        split_rows.append(f"| {split} ({len(rows[split])} sampled) | {', '.join(packages[split])} | "
                          f"{c[('history', 0)]} / {c[('history', 1)]} | {c[('mutation', 0)]} / {c[('mutation', 1)]} |")
    metric_rows = []
    for variant, entry in summary["variants"].items():
        h, m = entry["test_history"], entry["test_mutation"]
        metric_rows.append(f"| {variant} | {entry['dev']['f1']:.3f} | {h['precision']:.3f} | {h['recall']:.3f} | "
                           f"{h['f1']:.3f} | {h['auc']:.3f} | {m['f1']:.3f} | {m['auc']:.3f} |")
    return cards.render("doc-drift-head", date=head.date, command=head.command, machine=platform.machine(),
                        cores=os.cpu_count(), seconds=summary["seconds"], best=summary["best"],
                        precision_floor=summary["precision_floor"], split_rows="\n".join(split_rows),
                        metric_rows="\n".join(metric_rows))


def main(argv: list[str] | None = None) -> int:
    """Run the recipe from its config: setup → train → save → evaluate.

    Args:
        argv: Command-line arguments (default: sys.argv[1:]).

    Returns:
        0.
    """
    config, command = recipe_config(argv, description=__doc__.splitlines()[0], module="training.recipes.train_doc_drift_head",
                                    shipped="doc_drift_head", paths=("data", "out", "ship"))
    started = time.time()

    data = setup(config)
    trained = train(config, data, command)
    ship = save(config, trained)
    evaluate(config, data, trained, started)
    print(f"shipped {trained.best} to {ship}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
