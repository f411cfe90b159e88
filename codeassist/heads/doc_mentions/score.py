"""Prose in documentation that seems to describe code a change altered (CA301's semantic half).

Each removed unit, and each unit that lost or renamed a parameter, becomes a query built from
its old version: its name in words, its old signature and the first paragraph of its old
documentation. Prose chunks (paragraphs, list items) are scored against the query by the
documentation encoder (cosine) together with a lexical prior (`features`): the share of a
compound name's words the chunk uses (`parse_date` → "parse", "date"), a one-word name
written as code, the identifier itself, a removed parameter named, the module named. A
logistic combination, fitted and thresholded for precision by
`training/recipes/train_doc_mentions_head.py`, decides.

Only chunks with lexical evidence for some change are embedded (`evidence`): prose about a
removed unit names some of its words, prose made wrong by a lost parameter names the
parameter. That keeps a first review of a large documentation tree fast and most noise out;
the price is that prose describing a unit without any of its words is not found.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codeassist.heads.doc_mentions.targets import MentionTarget, text_words
from codeassist.parsing.markup import ProseChunk

if TYPE_CHECKING:
    import numpy as np

# Fitted by training/recipes/train_doc_mentions_head.py (configs/train_doc_mentions_head.toml, 2026-11-28):
# logistic weights for FEATURES (cosine, then the lexical prior of `features`) and bias, on
# 4,965 candidate chunks of 16 packages' release histories; THRESHOLD is the lowest with
# precision >= 0.85 there (P 0.86, R 0.33, 21 reported). Held out (marshmallow, arrow,
# boltons, paramiko, networkx; 631 chunks): P 1.00, R 0.50, 8 reported, by the mined labels.
# training/data/ca301_hand_check.md reads 20 reported chunks by hand: 18 right.
WEIGHTS = (1.803, 2.953, 2.422, 1.548, 1.144, 0.425)
BIAS = -2.97
THRESHOLD = 0.841

_MARKED = re.compile(r"`+([^`]+)`+")  # Markdown/reST code spans, reST roles, MyST roles

FEATURES = ("cosine", "share", "single", "exact", "param", "module")


def features(change: MentionTarget, words: set[str], tokens: set[str], marked: set[str]) -> tuple[float, ...]:
    """Return the lexical prior of a chunk for a change.

    A one-word name or parameter ("context", "charset") is an ordinary English word too, so
    it counts only when the chunk writes it as code (in backticks or a reST role).

    Args:
        change: The changed unit.
        words: The chunk's `text_words`.
        tokens: The chunk's identifiers as written.
        marked: The `text_words` of the chunk's code spans and roles.

    Returns:
        (share of a compound name's words present, 1.0 if a one-word name is written as
        code, 1.0 if the compound identifier itself is written, 1.0 if a removed parameter
        is named, 1.0 if the module is named) — FEATURES after the cosine.
    """
    compound = len(change.words) >= 2
    share = len(change.words & words) / len(change.words) if compound else 0.0
    single = float(not compound and bool(change.words) and change.words <= marked)
    params = {p for p in change.params & words if "_" in p or p in marked}
    return (
        share,
        single,
        float(bool(change.identifier) and change.identifier in tokens),
        float(bool(params)),
        float(bool(change.module) and change.module in words),
    )


def evidence(change: MentionTarget, prior: tuple[float, ...]) -> bool:
    """Whether a chunk may describe what changed, enough to embed it.

    Prose about a removed unit names some of its words; prose made wrong by a lost
    parameter names the parameter (a paragraph about the function that never mentions the
    parameter is still right). The module name alone is no evidence.

    Args:
        change: The changed unit.
        prior: The output of `features`.

    Returns:
        True when the chunk is a candidate for the change.
    """
    return any(prior[:3]) if change.removed else bool(prior[3])


def score(cosine: float, prior: tuple[float, ...]) -> float:
    """Combine the cosine similarity and the lexical prior into a probability-like score.

    Args:
        cosine: Cosine between the chunk and the unit's query.
        prior: The output of `features`.

    Returns:
        A value in (0, 1); THRESHOLD or more is reported.
    """
    z = BIAS + sum(w * x for w, x in zip(WEIGHTS, (cosine, *prior), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Match:
    """The changed unit a prose chunk seems to describe.

    Attributes:
        chunk: The chunk.
        change: The unit.
        cosine: Their cosine similarity.
        score: The combined score.
    """

    chunk: ProseChunk
    change: MentionTarget
    cosine: float
    score: float


def chunk_text(chunk: ProseChunk) -> str:
    """Return what the encoder reads for a chunk: section title and prose.

    Args:
        chunk: A prose chunk.

    Returns:
        "Section: text", or the text alone before any title.
    """
    return f"{chunk.section}: {chunk.text}" if chunk.section else chunk.text


def candidates(
    changes: Sequence[MentionTarget], chunks: Sequence[ProseChunk], encode: Callable[[list[str]], np.ndarray]
) -> list[tuple[ProseChunk, list[tuple[float, ...]], np.ndarray]]:
    """Score the chunks that share a name word or parameter with some change against every change.

    Args:
        changes: The changed units.
        chunks: Prose chunks of the documentation.
        encode: Embeds texts into L2-normalised rows (the documentation encoder).

    Returns:
        (chunk, its prior for each change, its cosine with each change) per chunk kept.
    """
    kept = []
    for chunk in chunks:
        words = text_words(chunk.text)
        tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", chunk.text))
        marked = text_words(" ".join(_MARKED.findall(chunk.text)))
        priors = [features(change, words, tokens, marked) for change in changes]
        # The module name alone is too weak to be evidence ("client", "models" are common words).
        if any(evidence(change, prior) for change, prior in zip(changes, priors, strict=True)):
            kept.append((chunk, priors))
    if not kept or not changes:
        return []
    vectors = encode([c.query for c in changes] + [chunk_text(chunk) for chunk, _ in kept])
    queries, rows = vectors[: len(changes)], vectors[len(changes):]
    return [(chunk, priors, sims) for (chunk, priors), sims in zip(kept, rows @ queries.T, strict=True)]


def best_matches(
    changes: Sequence[MentionTarget],
    chunks: Sequence[ProseChunk],
    encode: Callable[[list[str]], np.ndarray],
    *,
    threshold: float = THRESHOLD,
) -> list[Match]:
    """Find, for each chunk with lexical evidence, the changed unit it best matches.

    Args:
        changes: The changed units.
        chunks: Prose chunks of the documentation.
        encode: Embeds texts into L2-normalised rows (the documentation encoder).
        threshold: Keep matches scoring at least this.

    Returns:
        At most one match per chunk, in chunk order.
    """
    matches = []
    for chunk, priors, sims in candidates(changes, chunks, encode):
        best, cosine, j = max(
            (score(float(s), prior), float(s), j) for j, (s, prior) in enumerate(zip(sims, priors, strict=True))
            if evidence(changes[j], prior)
        )
        if best >= threshold:
            matches.append(Match(chunk, changes[j], cosine, best))
    return matches
