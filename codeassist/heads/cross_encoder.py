"""The cross-encoder: MiniLM reads documentation and code in one sequence and scores the match.

The two encoders embed each modality alone (late fusion); here both texts share one input,
`[CLS] documentation [SEP] code [SEP]`, so every layer's attention runs across them (early
fusion). MiniLM with a LoRA adapter, mean-pooled, and a logistic head give the probability
that the documentation describes the code. It was trained by
`training/recipes/train_cross_encoder.py` on documentation/code pairs with BM25 hard negatives
(relevance) and on the drift data (stale or not), so it serves two readers: CA201 asks it
about (old doc, old code) and (old doc, new code), and `codeassist search --rerank` reorders
its best candidates with it.

The shipped weights are `codeassist/assets/cross-encoder/` (peft adapter files plus the one
head format of `codeassist.heads.asset`); scoring runs in numpy (`bert_numpy`), so a hook
never imports torch for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from codeassist.encoders.text import MODEL_ID
from codeassist.storage import asset_dir

if TYPE_CHECKING:
    from codeassist.encoders.bert_numpy import NumpyMiniLM
    from codeassist.heads.asset import Head

FAMILY = "cross-encoder"
CROSS_MAX_TOKENS = 256   # documentation and code together; the code gives way first
FORMAT = "pair-mean-1"   # [CLS] doc [SEP] code [SEP], mean-pooled, logistic head: recorded in the head


def shipped_dir() -> Path:
    """Return where the shipped cross-encoder lives (it may not exist)."""
    return asset_dir(FAMILY)


def trained_on(max_tokens: int = CROSS_MAX_TOKENS) -> dict[str, object]:
    """The keys a cross-encoder head records and `load` checks."""
    return {"base": MODEL_ID, "max_tokens": max_tokens, "format": FORMAT}


def encoder_id(directory: Path | None = None) -> str:
    """The identity of a cross-encoder (the shipped one by default): a hash of its weights.

    A CA201 head fitted on one cross-encoder's scores records it, and refuses to read another's.
    """
    import hashlib

    directory = directory or shipped_dir()
    digest = hashlib.sha256()
    for name in ("adapter_model.safetensors", "head.safetensors"):
        digest.update((directory / name).read_bytes())
    return f"{FAMILY}@{digest.hexdigest()[:16]}"


def available(directory: Path | None = None) -> bool:
    """Tell whether a cross-encoder (the shipped one by default) is installed."""
    directory = directory or shipped_dir()
    return (directory / "adapter_model.safetensors").is_file() and (directory / "head.json").is_file()


@dataclass(frozen=True, eq=False)
class CrossEncoder:
    """MiniLM with the adapter merged, and the head that turns a pooled pair into a probability.

    Attributes:
        encoder: The numpy MiniLM (adapter merged, truncating pairs at the head's length).
        head: The logistic head (family "cross-encoder").
    """

    encoder: NumpyMiniLM
    head: Head

    def scores(self, docs: Sequence[str], codes: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """Return the probability that each documentation describes its code.

        Args:
            docs: Documentation texts (without comment markers).
            codes: Code texts, one per documentation.
            batch_size: Pairs per forward pass.

        Returns:
            float32 probabilities, one per pair.

        Raises:
            ValueError: When the two sequences differ in length.
        """
        if len(docs) != len(codes):
            raise ValueError(f"{len(docs)} documentation texts for {len(codes)} code texts")
        if not docs:
            return np.zeros(0, dtype=np.float32)
        pooled = self.encoder.pooled_pairs([(d.strip(), c.strip()) for d, c in zip(docs, codes)],
                                           batch_size=batch_size)
        return self.head.probabilities(pooled).astype(np.float32)


def load(directory: Path) -> CrossEncoder:
    """Load a cross-encoder written by the recipe.

    Args:
        directory: The directory (adapter_config.json, adapter_model.safetensors, head.json, head.safetensors).

    Returns:
        The cross-encoder.

    Raises:
        ValueError: When its head was trained on another base, length or input format.
    """
    from codeassist.encoders.bert_numpy import NumpyMiniLM
    from codeassist.encoders.text import model_dir
    from codeassist.heads import asset

    head = asset.load_head(directory, family=FAMILY, base=MODEL_ID, format=FORMAT)
    max_tokens = int(head.trained_on.get("max_tokens", CROSS_MAX_TOKENS))
    return CrossEncoder(NumpyMiniLM(model_dir(), adapter=directory, max_tokens=max_tokens), head)


@cache
def shipped() -> CrossEncoder:
    """Return the shipped cross-encoder, loaded once per process.

    Raises:
        ModelMissing: When this installation has none.
    """
    from codeassist.errors import ModelMissing

    if not available():
        raise ModelMissing(f"the cross-encoder is not installed in {shipped_dir()}",
                           "reinstall codeassist, or train one: training/recipes/train_cross_encoder.py")
    return load(shipped_dir())
