"""A logistic head over standardised feature rows, stored as JSON with what it was trained on.

CA401's message head and CA501's line head are both this: numpy inference, no torch at
scoring time. The JSON keeps, beside the weights, the keys that say which features the head
reads (feature names, model layers, prompt); `load` refuses a head whose keys differ from the
running code's, so a stale asset fails loudly instead of scoring garbage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class LogisticHead:
    """Logistic regression over standardised rows, with the threshold its rule reports at.

    Attributes:
        mean: Per-column mean used to standardise.
        scale: Per-column standard deviation used to standardise.
        coef: Weights.
        intercept: Bias.
        threshold: Probability at or above which the rule reports.
    """

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Return the positive class's probability per row.

        Args:
            rows: Feature rows, columns in the order the head was trained on.

        Returns:
            Probabilities in [0, 1].
        """
        logits = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def to_json(self, **keys: Any) -> dict:
        """Return the head as a JSON-ready dict, with `keys` (what it reads, how it was made) first.

        Args:
            **keys: JSON-ready values to store beside the weights.

        Returns:
            The dict.
        """
        return {**keys, "mean": self.mean.tolist(), "scale": self.scale.tolist(), "coef": self.coef.tolist(),
                "intercept": self.intercept, "threshold": self.threshold}


def load(path: Path, **expected: Any) -> LogisticHead:
    """Load a head written from `LogisticHead.to_json`.

    Args:
        path: The head.json file.
        **expected: Keys the head must have been stored with, and their values.

    Returns:
        The head.

    Raises:
        ValueError: When a stored key differs from the expected value.
    """
    data = json.loads(path.read_text())
    for key, value in expected.items():
        if data.get(key) != value:
            raise ValueError(f"{path} was trained with {key} = {data.get(key)!r}, not this version's {value!r}")
    return LogisticHead(np.asarray(data["mean"], dtype=np.float32), np.asarray(data["scale"], dtype=np.float32),
                        np.asarray(data["coef"], dtype=np.float32), float(data["intercept"]),
                        float(data["threshold"]))
