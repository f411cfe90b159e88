"""Semantic doc/code drift: is the old documentation stale for the new code?

`drift_scores` fuses the two encoders' vectors with structural edit features (features.py)
through the shipped head (head.py) and returns calibrated probabilities; the head's threshold,
0.5, is exactly where `review` reports CA201. A documented default that held for the old code
and that the new code contradicts ("Defaults to 5." over `timeout=10`) is drift for certain:
such a unit scores 1.0 whatever the head says (the head alone found none of 76 such
mutations). `explain.py` says which part of the documentation no longer matches which change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from codeassist.heads.asset import Head
from codeassist.heads.doc_drift.features import Example, changed_defaults, feature_rows
from codeassist.heads.doc_drift.head import shipped_head

if TYPE_CHECKING:
    from codeassist.encoders.cache import EmbeddingCache


def drift_scores(
    examples: Sequence[Example], head: Head | None = None, cache: EmbeddingCache | None = None
) -> np.ndarray:
    """Score many examples at once.

    Args:
        examples: The examples.
        head: A drift head; the shipped one by default.
        cache: An embedding cache for the encoders.

    Returns:
        Probabilities that each old documentation is stale for its new code.
    """
    head = head or shipped_head()
    if not examples:
        return np.zeros(0, dtype=np.float32)
    rows = feature_rows(examples, head.trained_on["features"], vectors=head.trained_on.get("vector_features", False),
                        cache=cache)
    return with_stated_defaults(examples, head.probabilities(rows))


def with_stated_defaults(examples: Sequence[Example], probabilities: np.ndarray) -> np.ndarray:
    """Raise to 1.0 the score of each example whose change contradicts a documented default.

    Args:
        examples: The examples.
        probabilities: The head's probabilities for them.

    Returns:
        The probabilities review reports CA201 from.
    """
    certain = np.array([bool(changed_defaults(example)) for example in examples], dtype=bool)
    return np.where(certain, 1.0, probabilities).astype(probabilities.dtype)


def drift_score(old_doc: str, old_code: str, new_code: str, language: str = "python") -> float:
    """Return the probability that `old_doc` no longer describes `new_code`.

    Args:
        old_doc: The documentation as it was (without comment markers or quotes).
        old_code: The unit's code before the change.
        new_code: The unit's code after the change.
        language: The language registry name.

    Returns:
        A calibrated probability in [0, 1]; at 0.5 or above, review reports CA201.
    """
    return float(drift_scores([Example(old_doc, old_code, new_code, language)])[0])
