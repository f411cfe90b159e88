"""The one head format and its one loader: `codeassist/assets/<family>-head/`.

Every shipped head is a directory with the same files:

- `head.json` — what the head is and what it was trained on: `family`, `kind` (`logistic`,
  `linear`, `weighted` or `mlp`), `trained_on` (the keys its features depend on: feature
  names, encoder ids, model layers, prompt), `threshold` (the probability at or above which
  its rule reports), `shift` (added to the last logit), `date` and `command` (how it was made);
- `head.safetensors` — its arrays: `mean` and `scale` (standardisation), then `weight.0`,
  `bias.0`, … one pair per layer, a ReLU between layers;
- `metrics.json` and `MODEL_CARD.md`, written by the recipe or beside it.

`load_head` refuses a head whose family or trained-on keys differ from what the running code
expects, so a stale asset fails loudly instead of scoring garbage; `save_head` is what every
recipe calls. Scoring is numpy only (no torch), arrays keep the dtype they were trained in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from codeassist.storage import asset_dir, write_atomic

CONFIG = "head.json"
ARRAYS = "head.safetensors"
KINDS = ("logistic", "linear", "weighted", "mlp")
_LOGIT_LIMIT = 40.0  # beyond it the probability is 0 or 1 to float precision; spares exp's overflow


@dataclass(frozen=True, eq=False)
class Head:
    """A trained head: standardisation, one or more layers, and the threshold its rule reports at.

    Attributes:
        family: The head's family, as in its asset name (`doc-drift` for `doc-drift-head`).
        kind: How it was fitted: "logistic", "linear", "weighted" or "mlp".
        trained_on: What its features depend on (feature names, encoder ids, layers, prompt).
        threshold: Probability at or above which its rule reports.
        mean: Per-column mean used to standardise.
        scale: Per-column scale used to standardise.
        weights: Layer weights; a vector for a single logistic layer.
        biases: Layer biases.
        shift: Added to the last layer's logit.
        date: When it was trained (YYYY-MM-DD).
        command: The command that trained it.
    """

    family: str
    kind: str
    trained_on: dict[str, Any]
    threshold: float
    mean: np.ndarray
    scale: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    shift: float = 0.0
    date: str = ""
    command: str = ""

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Return the positive class's probability per row.

        Args:
            rows: (n, d) feature rows, columns in the order the head was trained on.

        Returns:
            Probabilities in [0, 1], one per row.
        """
        x = (rows - self.mean) / self.scale
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            x = x @ weight + bias
            if index < len(self.weights) - 1:
                x = np.maximum(x, 0.0)
        logits = x.reshape(-1) + self.shift
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -_LOGIT_LIMIT, _LOGIT_LIMIT)))


def shipped_dir(family: str) -> Path:
    """Return where a family's shipped head lives.

    Args:
        family: The family, e.g. "doc-drift".

    Returns:
        `codeassist/assets/<family>-head` inside the installed package (it may not exist).
    """
    return asset_dir(f"{family}-head")


def save_head(directory: Path, head: Head) -> None:
    """Write `head.json` and `head.safetensors` (the directory is created when missing).

    Args:
        directory: The head's directory.
        head: The head.

    Raises:
        ValueError: For an unknown kind or a trained-on value JSON cannot hold.
    """
    from safetensors.numpy import save

    if head.kind not in KINDS:
        raise ValueError(f"unknown head kind {head.kind!r}; expected one of {', '.join(KINDS)}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {"mean": head.mean, "scale": head.scale}
    for index, (weight, bias) in enumerate(zip(head.weights, head.biases, strict=True)):
        arrays |= {f"weight.{index}": weight, f"bias.{index}": np.atleast_1d(bias)}
    config = {"family": head.family, "kind": head.kind, "trained_on": head.trained_on,
              "threshold": float(head.threshold), "shift": float(head.shift), "date": head.date,
              "command": head.command}
    try:
        text = json.dumps(config, indent=1) + "\n"  # a threshold of Infinity: a head that never reports
    except TypeError as exc:
        raise ValueError(f"cannot store head {head.family!r} as JSON: {exc}") from None
    write_atomic(directory / ARRAYS, save({name: np.ascontiguousarray(a) for name, a in arrays.items()}))
    write_atomic(directory / CONFIG, text)


def load_head(directory: Path, *, family: str, **expected: Any) -> Head:
    """Read a head written by `save_head`, checking what it was trained on.

    Args:
        directory: The head's directory.
        family: The family the caller scores for.
        **expected: Trained-on keys and the values the running code's features have.

    Returns:
        The head.

    Raises:
        ValueError: When the family, a trained-on key or an array shape differs from the expected.
    """
    from safetensors.numpy import load_file

    directory = Path(directory)
    config = json.loads((directory / CONFIG).read_text("utf-8"))
    if config.get("family") != family:
        raise ValueError(f"{directory} is a head of family {config.get('family')!r}, not {family!r}")
    trained_on = config.get("trained_on", {})
    for key, value in expected.items():
        value = json.loads(json.dumps(value))  # tuples compare as the lists JSON holds
        if trained_on.get(key) != value:
            raise ValueError(f"{directory} was trained with {key} = {trained_on.get(key)!r}, not this "
                             f"version's {value!r}: retrain it with its recipe")
    arrays = load_file(str(directory / ARRAYS))
    layers = range(sum(name.startswith("weight.") for name in arrays))
    head = Head(
        family=family, kind=config["kind"], trained_on=trained_on, threshold=float(config["threshold"]),
        mean=arrays["mean"], scale=arrays["scale"], weights=tuple(arrays[f"weight.{i}"] for i in layers),
        biases=tuple(arrays[f"bias.{i}"] for i in layers), shift=float(config.get("shift", 0.0)),
        date=config.get("date", ""), command=config.get("command", ""),
    )
    if not head.weights or head.weights[0].shape[0] != head.mean.shape[0] or head.mean.shape != head.scale.shape:
        raise ValueError(f"{directory / ARRAYS}: `mean`, `scale` and `weight.0` do not fit together")
    return head
