"""CA501's head: `codeassist/assets/llm-review-head`, read through the one loader.

A logistic head over the default model's reading of each added line (features.py), trained by
training/recipes/train_llm_review_head.py; it gives each added line the probability that it
is the hunk's bug. It was trained on one model's hidden states, at LAYERS, after PREFIX:
all three are checked.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from codeassist.heads import asset
from codeassist.heads.asset import CONFIG, Head
from codeassist.heads.llm_review.features import LAYERS, PREFIX
from codeassist.llm.models import DEFAULT_MODEL

FAMILY = "llm-review"


def trained_on() -> dict[str, object]:
    """Return the trained-on keys the running code's features have.

    Returns:
        The model whose states are read, the layers and the instruction line.
    """
    return {"model": DEFAULT_MODEL, "layers": list(LAYERS), "prefix": PREFIX}


def load_head(directory: Path) -> Head:
    """Load a line head.

    Args:
        directory: The head's directory.

    Returns:
        The head; its threshold is the probability at or above which a hunk's best line is reported.

    Raises:
        ValueError: When it was trained on another model, other layers or another instruction line.
    """
    return asset.load_head(directory, family=FAMILY, **trained_on())


@cache
def shipped_head() -> Head | None:
    """Return the head shipped in `codeassist/assets/llm-review-head/` (loaded once).

    Returns:
        The head, or None when this install has none (CA501 then asks the model for the line).
    """
    directory = asset.shipped_dir(FAMILY)
    return load_head(directory) if (directory / CONFIG).is_file() else None
