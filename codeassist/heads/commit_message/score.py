"""Does a commit message describe its change? The probability behind CA401.

The shipped head (head.py) reads the message↔change features (features.py) and gives the
probability that the message describes a different change; at or above its threshold CA401
reports the message.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from codeassist.heads.asset import Head
from codeassist.heads.commit_message.features import feature_rows
from codeassist.heads.commit_message.head import shipped_head
from codeassist.heads.commit_message.summary import DiffSummary


def mismatch_probability(message: str, summary: DiffSummary, encode: Callable[[list[str]], np.ndarray],
                         head: Head | None = None) -> float:
    """Return the probability that `message` describes some other change than `summary`'s.

    Args:
        message: The commit message.
        summary: The change it is committed with.
        encode: The documentation encoder (texts → L2-normalised rows).
        head: A commit-message head; the shipped one by default.

    Returns:
        A probability in [0, 1]; CA401 reports at or above the head's threshold.
    """
    head = head or shipped_head()
    return float(head.probabilities(feature_rows([(message, summary)], encode))[0])
