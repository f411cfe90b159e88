"""The CA301 head recipe on candidates it is given: fit, threshold, save, report."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from codeassist.heads.doc_mentions.features import FEATURES
from codeassist.heads.doc_mentions.head import load_head

CONFIG = Path(__file__).resolve().parents[2] / "training" / "configs" / "doc_mentions_head.toml"


def _option(rng: random.Random, label: int, qualname: str) -> dict:
    strong = label == 1
    return {"cosine": rng.uniform(0.5, 0.9) if strong else rng.uniform(0.0, 0.5),
            "share": 1.0 if strong else rng.choice([0.0, 0.5]), "single": 0.0,
            "exact": float(strong and rng.random() < 0.7), "param": 0.0, "module": float(rng.random() < 0.3),
            "label": label, "qualname": qualname, "what": f"`{qualname}` was removed from m.py"}


def _candidates() -> list[dict]:
    rng = random.Random(0)
    rows = []
    for package in ("alpha", "beta", "gamma"):
        for index in range(40):
            positive = index % 4 == 0
            options = [_option(rng, int(positive and j == 0), f"unit_{j}") for j in range(3)]
            rows.append({"package": package, "versions": "1.0..1.1", "path": "docs/index.md", "line": index + 1,
                         "chunk": f"Paragraph {index} of {package}.", "options": options})
    return rows


def test_recipe_fits_thresholds_saves_and_reports(tmp_path: Path):
    from training.recipes import train_doc_mentions_head

    out = tmp_path / "run"
    out.mkdir()
    (out / "candidates.jsonl").write_text("".join(json.dumps(row) + "\n" for row in _candidates()))  # mined already
    history = tmp_path / "mine_drift.toml"
    history.write_text('archives = "~/nowhere"\ntest_packages = ["gamma"]\n\n[packages]\nalpha = []\nbeta = []\ngamma = []\n')
    overrides = {"history_config": history, "out": out, "ship": tmp_path / "ship", "min_predictions": 3,
                 "hand_check": 4}
    argv = ["--config", str(CONFIG)] + [a for k, v in overrides.items() for a in ("--set", f"{k}={v}")]
    assert train_doc_mentions_head.main(argv) == 0

    head = load_head(tmp_path / "ship")
    assert head.trained_on["features"] == list(FEATURES) and head.weights[0].dtype == np.float64
    metrics = json.loads((tmp_path / "ship" / "metrics.json").read_text())
    assert metrics == json.loads((out / "metrics.json").read_text())
    assert metrics["combined"]["threshold"] == head.threshold
    assert metrics["chunks"] == {"tune": 80, "test": 40}
    assert metrics["combined"]["tune"]["precision"] >= 0.85 and metrics["combined"]["tune"]["reported"] >= 3
    assert metrics["weights"] == dict(zip(FEATURES, head.weights[0].tolist())) and metrics["bias"] == head.biases[0][0]
    assert {"cosine only", "prior only"} <= set(metrics)
    assert (out / "hand_check_sample.md").read_text().startswith("- [")


def test_recipe_refuses_a_key_its_config_lacks():
    from training.config import ConfigError
    from training.recipes import train_doc_mentions_head

    with pytest.raises(ConfigError, match="treshold"):
        train_doc_mentions_head.main(["--config", str(CONFIG), "--set", "treshold=0.5"])
