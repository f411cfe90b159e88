"""CA401's head: `codeassist/assets/commit-message-head`, read through the one loader.

A logistic head over FEATURES (training/recipes/train_commit_message_head.py, trained on
Debian's patches: real messages with their diffs, against the same messages paired with
another patch's diff); its threshold flags only a small share of real messages on held-out
packages (`codeassist/assets/commit-message-head/MODEL_CARD.md`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from codeassist.encoders.text import DOC_ENCODER_ID
from codeassist.heads import asset
from codeassist.heads.asset import Head
from codeassist.heads.commit_message.features import FEATURES

FAMILY = "commit-message"


def trained_on() -> dict[str, object]:
    """Return the trained-on keys the running code's features have.

    Returns:
        The feature names and the documentation encoder's id.
    """
    return {"features": list(FEATURES), "doc_encoder": DOC_ENCODER_ID}


def load_head(directory: Path) -> Head:
    """Load a commit-message head.

    Args:
        directory: The head's directory.

    Returns:
        The head; its threshold is the probability at or above which CA401 reports.

    Raises:
        ValueError: When it was trained on other features or another encoder.
    """
    return asset.load_head(directory, family=FAMILY, **trained_on())


@cache
def shipped_head() -> Head:
    """Return the head shipped in `codeassist/assets/commit-message-head/` (loaded once).

    Returns:
        The head.
    """
    return load_head(asset.shipped_dir(FAMILY))
