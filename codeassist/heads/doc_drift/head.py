"""CA201's head: `codeassist/assets/doc-drift-head`, read through the one loader.

It was trained on the documentation encoder's and the code encoder's vectors, so both ids
are checked; it may read any subset of FEATURES (the recipe fits one head on the similarities
alone), in its own order. A head reading the cross-encoder's columns also names the
cross-encoder whose scores it was fitted on.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from codeassist.encoders.code import encoder_id
from codeassist.encoders.text import DOC_ENCODER_ID
from codeassist.heads import asset
from codeassist.heads.asset import Head
from codeassist.heads.doc_drift.features import CROSS, FEATURES

FAMILY = "doc-drift"


def trained_on() -> dict[str, object]:
    """Return the trained-on keys the running code's features have (besides the feature names).

    Returns:
        The documentation and code encoder ids.
    """
    return {"doc_encoder": DOC_ENCODER_ID, "code_encoder": encoder_id()}


def load_head(directory: Path) -> Head:
    """Load a drift head.

    Args:
        directory: The head's directory.

    Returns:
        The head; `trained_on["features"]` names its scalar columns, `trained_on["vector_features"]`
        says whether the vector features follow.

    Raises:
        ValueError: When it was trained on other encoders or reads a feature this version does not compute.
    """
    head = asset.load_head(directory, family=FAMILY, **trained_on())
    unknown = [name for name in head.trained_on.get("features", ()) if name not in FEATURES]
    if "early_fusion" in head.trained_on:
        raise ValueError(f"{directory} reads the LLM's early-fusion rows, which review does not compute "
                         "(the recipe fits such heads to compare them): ship a late-fusion head")
    if unknown or "features" not in head.trained_on:
        raise ValueError(f"{directory} was trained with features {unknown or None!r}, which this version "
                         "does not compute: retrain it with its recipe")
    if set(head.trained_on["features"]) & set(CROSS):
        from codeassist.heads import cross_encoder as cross

        installed = cross.encoder_id() if cross.available() else None
        if head.trained_on.get("cross_encoder") != installed:
            raise ValueError(f"{directory} read the scores of cross-encoder {head.trained_on.get('cross_encoder')!r}, "
                             f"not those of the installed {installed!r}: retrain it with its recipe")
    return head


@cache
def shipped_head() -> Head:
    """Return the head shipped in `codeassist/assets/doc-drift-head/` (loaded once).

    Returns:
        The head.
    """
    return load_head(asset.shipped_dir(FAMILY))
