"""CA301's head: `codeassist/assets/doc-mentions-head`, read through the one loader.

A logistic combination of FEATURES (the cosine, then the lexical prior), fitted and
thresholded for precision by training/recipes/train_doc_mentions_head.py.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from codeassist.encoders.text import DOC_ENCODER_ID
from codeassist.heads import asset
from codeassist.heads.asset import Head
from codeassist.heads.doc_mentions.features import FEATURES

FAMILY = "doc-mentions"


def trained_on() -> dict[str, object]:
    """Return the trained-on keys the running code's features have.

    Returns:
        The feature names and the documentation encoder's id.
    """
    return {"features": list(FEATURES), "doc_encoder": DOC_ENCODER_ID}


def load_head(directory: Path) -> Head:
    """Load a doc-mentions head.

    Args:
        directory: The head's directory.

    Returns:
        The head; its threshold is the score at or above which CA301 reports a chunk.

    Raises:
        ValueError: When it was trained on other features or another encoder.
    """
    return asset.load_head(directory, family=FAMILY, **trained_on())


@cache
def shipped_head() -> Head:
    """Return the head shipped in `codeassist/assets/doc-mentions-head/` (loaded once).

    Returns:
        The head.
    """
    return load_head(asset.shipped_dir(FAMILY))
