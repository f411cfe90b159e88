"""Thresholds the recipes choose on dev data."""

from __future__ import annotations

import numpy as np


def rate_threshold(clean: np.ndarray | list[float], rate: float) -> float:
    """Return the lowest threshold at which at most `rate` of these clean items' scores reach it.

    Args:
        clean: Scores of items that should not be reported (higher = report).
        rate: The allowed share reported.

    Returns:
        Just above the score of the (floor(rate·n) + 1)-th highest; -inf when every item may be reported.
    """
    scores = np.sort(np.asarray(clean))[::-1]
    allowed = int(np.floor(rate * len(scores)))
    return float(np.nextafter(scores[allowed], np.inf)) if allowed < len(scores) else -float("inf")
