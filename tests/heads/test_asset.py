"""The one head format: every shipped head loads through the one loader, as its family expects."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from codeassist.heads import asset
from codeassist.heads.asset import Head, load_head, save_head

ASSETS = Path(__file__).resolve().parents[2] / "codeassist" / "assets"
SHIPPED = sorted(p for p in ASSETS.glob("*-head") if p.is_dir())
FAMILIES = ("doc-drift", "doc-mentions", "commit-message", "llm-review")


def family_module(directory: Path):  # noqa: ANN201 - a module
    """`doc-drift-head` → codeassist.heads.doc_drift.head."""
    return importlib.import_module(f"codeassist.heads.{directory.name.removesuffix('-head').replace('-', '_')}.head")


def test_every_family_ships_a_head():
    assert [p.name for p in SHIPPED] == sorted(f"{family}-head" for family in FAMILIES)


@pytest.mark.parametrize("directory", SHIPPED, ids=lambda p: p.name)
def test_shipped_head_loads_as_its_family_expects(directory: Path):
    module = family_module(directory)
    assert asset.shipped_dir(module.FAMILY) == directory
    head = module.load_head(directory)  # checks family and every trained-on key the code expects
    assert head.family == module.FAMILY == directory.name.removesuffix("-head")
    for key, value in module.trained_on().items():
        assert head.trained_on[key] == json.loads(json.dumps(value))
    assert head.kind in asset.KINDS and 0 < head.threshold < 1
    assert head.date and head.command.split().count("--config") == 1
    assert sorted(p.name for p in directory.iterdir()) == ["MODEL_CARD.md", "head.json", "head.safetensors",
                                                            "metrics.json"]
    json.loads((directory / "metrics.json").read_text())
    card = (directory / "MODEL_CARD.md").read_text()
    assert card.startswith(f"# {directory.name}") and "head.safetensors" in card
    rows = np.zeros((2, head.mean.shape[0]), dtype=head.mean.dtype)
    assert head.probabilities(rows).shape == (2,)
    assert module.shipped_head() is module.shipped_head()  # loaded once


def test_scoring_imports_no_torch():
    script = ("import sys\nimport numpy as np\n"
              + "".join(f"from codeassist.heads.{f.replace('-', '_')}.head import shipped_head as h{i}\n"
                        f"h = h{i}(); h.probabilities(np.zeros((1, h.mean.shape[0]), h.mean.dtype))\n"
                        for i, f in enumerate(FAMILIES))
              + "print(sorted(m for m in ('torch', 'transformers', 'peft') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _head(**changes: object) -> Head:
    fields = {"family": "toy", "kind": "mlp", "trained_on": {"features": ["a", "b"], "layers": (1, 2)},
              "threshold": 0.7, "mean": np.array([1.0, 2.0], np.float32), "scale": np.array([2.0, 4.0], np.float32),
              "weights": (np.ones((2, 3), np.float32), np.ones((3, 1), np.float32)),
              "biases": (np.full(3, -1.0, np.float32), np.zeros(1, np.float32)), "shift": 0.25,
              "date": "2026-12-02", "command": "python -m toy --config toy.toml"}
    return Head(**{**fields, **changes})


def test_round_trip_keeps_every_number_and_dtype(tmp_path: Path):
    head = _head()
    save_head(tmp_path, head)
    loaded = load_head(tmp_path, family="toy", features=("a", "b"), layers=[1, 2])
    rows = np.random.default_rng(0).standard_normal((50, 2)).astype(np.float32)
    assert np.array_equal(loaded.probabilities(rows), head.probabilities(rows))
    assert loaded.probabilities(rows).dtype == np.float32
    assert (loaded.kind, loaded.threshold, loaded.shift, loaded.date, loaded.command) == (
        "mlp", 0.7, 0.25, "2026-12-02", "python -m toy --config toy.toml")
    # relu between layers: z = (x - mean) / scale; two hidden units of 1·z1 + 1·z2 - 1, then their sum
    z = (rows - head.mean) / head.scale
    hidden = np.maximum(z.sum(1, keepdims=True) - 1, 0) * 3
    assert np.allclose(loaded.probabilities(rows), 1 / (1 + np.exp(-(hidden[:, 0] + 0.25))))


def test_float64_heads_stay_float64(tmp_path: Path):
    head = _head(kind="logistic", mean=np.zeros(2), scale=np.ones(2), weights=(np.array([0.1, 1e-9]),),
                 biases=(np.array([-3.0]),), shift=0.0)
    save_head(tmp_path, head)
    loaded = load_head(tmp_path, family="toy")
    assert loaded.weights[0].dtype == np.float64 and loaded.weights[0][1] == 1e-9


@pytest.mark.parametrize(("expected", "message"), [
    ({"family": "other"}, "family 'toy', not 'other'"),
    ({"family": "toy", "features": ["a", "c"]}, "trained with features = \\['a', 'b'\\]"),
    ({"family": "toy", "prompt": "Review."}, "trained with prompt = None"),
])
def test_a_head_trained_on_something_else_is_refused(tmp_path: Path, expected: dict, message: str):
    save_head(tmp_path, _head())
    with pytest.raises(ValueError, match=message):
        load_head(tmp_path, **expected)


def test_save_refuses_an_unknown_kind_and_load_a_misfit(tmp_path: Path):
    with pytest.raises(ValueError, match="unknown head kind"):
        save_head(tmp_path, _head(kind="forest"))
    save_head(tmp_path, _head(mean=np.zeros(3, np.float32), scale=np.ones(3, np.float32)))
    with pytest.raises(ValueError, match="do not fit together"):
        load_head(tmp_path, family="toy")
