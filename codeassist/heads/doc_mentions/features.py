"""CA301's features: the lexical prior and cosine of a prose chunk for each changed unit.

Each removed unit, and each unit that lost or renamed a parameter (`targets.py`), becomes a
query built from its old version: its name in words, its old signature and the first
paragraph of its old documentation. A prose chunk (paragraph, list item) is compared with
the query by the documentation encoder (cosine) and by a lexical prior (`lexical_prior`): the
share of a compound name's words the chunk uses (`parse_date` → "parse", "date"), a one-word
name written as code, the identifier itself, a removed parameter named, the module named.

Only chunks with lexical evidence for some change are embedded (`evidence`): prose about a
removed unit names some of its words, prose made wrong by a lost parameter names the
parameter. That keeps a first review of a large documentation tree fast and most noise out;
the price is that prose describing a unit without any of its words is not found. The miner
(training/data/mine_doc_mentions.py) and the rule read the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from codeassist.heads.doc_mentions.targets import MentionTarget, text_words
from codeassist.parsing.markup import ProseChunk

if TYPE_CHECKING:
    import numpy as np

FEATURES = ("cosine", "share", "single", "exact", "param", "module")  # a head row: cosine, then the prior
_MARKED = re.compile(r"`+([^`]+)`+")  # Markdown/reST code spans, reST roles, MyST roles


def lexical_prior(change: MentionTarget, words: set[str], tokens: set[str], marked: set[str]) -> tuple[float, ...]:
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
        prior: The output of `lexical_prior`.

    Returns:
        True when the chunk is a candidate for the change.
    """
    return any(prior[:3]) if change.removed else bool(prior[3])


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
        priors = [lexical_prior(change, words, tokens, marked) for change in changes]
        # The module name alone is too weak to be evidence ("client", "models" are common words).
        if any(evidence(change, prior) for change, prior in zip(changes, priors, strict=True)):
            kept.append((chunk, priors))
    if not kept or not changes:
        return []
    vectors = encode([c.query for c in changes] + [chunk_text(chunk) for chunk, _ in kept])
    queries, rows = vectors[: len(changes)], vectors[len(changes):]
    return [(chunk, priors, sims) for (chunk, priors), sims in zip(kept, rows @ queries.T, strict=True)]
