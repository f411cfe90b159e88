"""The code encoder: MiniLM + the trained LoRA adapter, reading AST-linearised code.

Code goes through `codeassist.parsing.ast_seq.linearise` (structure kept, identifiers split,
literals abstracted, docstring and comments dropped) and then through MiniLM with the adapter
from `codeassist/assets/code-encoder/` merged in. The adapter was trained (see `training/`)
so that a unit's vector lands next to the doc encoder's vector of its documentation: the two
encoders are separate but share one space, and cosine similarity compares them.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from codeassist.encoders.text import MODEL_ID, MiniLM, encoder_for
from codeassist.storage import asset_dir
from codeassist.parsing.ast_seq import SCHEME, linearise

if TYPE_CHECKING:
    import numpy as np

    from codeassist.encoders.cache import EmbeddingCache

# The adapter was trained at 128 tokens; MiniLM's own pre-training length (see MODEL_CARD.md
# for what 256 bought: less than it cost).
CODE_MAX_TOKENS = 128


def adapter_dir() -> Path:
    """Return the directory of the shipped code-encoder adapter (peft format).

    Returns:
        `codeassist/assets/code-encoder` inside the installed package.
    """
    return asset_dir("code-encoder")


@cache
def adapter_hash(directory: Path | None = None) -> str:
    """Return a short content hash of an adapter's weights, for cache keys.

    Args:
        directory: The adapter directory (default: the shipped one).

    Returns:
        16 hex digits of the sha256 of `adapter_model.safetensors`.
    """
    weights = (directory or adapter_dir()) / "adapter_model.safetensors"
    return hashlib.sha256(weights.read_bytes()).hexdigest()[:16]


def encoder_id(directory: Path | None = None, max_tokens: int = CODE_MAX_TOKENS) -> str:
    """Return the identity of a code encoder: base model, adapter hash, length, input scheme.

    Args:
        directory: The adapter directory (default: the shipped one).
        max_tokens: The truncation length.

    Returns:
        A string that changes whenever the vectors would.
    """
    return f"{MODEL_ID}+lora:{adapter_hash(directory)}@{max_tokens}/{SCHEME}"


@cache
def code_encoder(directory: Path | None = None, max_tokens: int = CODE_MAX_TOKENS) -> MiniLM:
    """Return the code encoder, loaded once per process.

    Args:
        directory: The adapter directory (default: the shipped one).
        max_tokens: The truncation length.

    Returns:
        MiniLM with the adapter merged.
    """
    return MiniLM(adapter=directory or adapter_dir(), max_tokens=max_tokens)


def linearise_all(snippets: list[str], language: str) -> list[str]:
    """Linearise many units of one language.

    Args:
        snippets: The sources of functions, methods or classes.
        language: A key of `codeassist.languages.LANGUAGES`.

    Returns:
        Their AST word sequences.
    """
    return [linearise(snippet, language) for snippet in snippets]


def encode_code(snippets: list[str], language: str, *, cache: EmbeddingCache | None = None) -> np.ndarray:
    """Embed code units into the space of `encode_docs`.

    Args:
        snippets: The source of one function, method or class each, with or without its
            documentation (it is dropped before encoding).
        language: A key of `codeassist.languages.LANGUAGES`, e.g. "python".
        cache: An embedding cache to read from and fill, or None.

    Returns:
        A float32 array of shape (len(snippets), 384), rows L2-normalised.

    Raises:
        ValueError: When the language is not one codeassist parses.
    """
    from codeassist.languages import LANGUAGES

    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; one of {', '.join(LANGUAGES)}")
    sequences = linearise_all(list(snippets), language)
    def encode(todo: list[str]) -> np.ndarray:
        return encoder_for(len(todo), code_encoder, adapter_dir(), CODE_MAX_TOKENS).encode(todo)

    return encode(sequences) if cache is None else cache.encode(encoder_id(), sequences, encode)
