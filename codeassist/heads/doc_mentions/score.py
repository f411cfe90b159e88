"""Prose in documentation that seems to describe code a change altered (CA301's semantic half).

For each chunk with lexical evidence (`features.candidates`), every changed unit it has
evidence for is scored by the shipped head over (cosine, lexical prior); the best one is the
chunk's match, kept when it clears the head's threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from codeassist.heads.asset import Head
from codeassist.heads.doc_mentions.features import candidates, evidence
from codeassist.heads.doc_mentions.head import shipped_head
from codeassist.heads.doc_mentions.targets import MentionTarget
from codeassist.parsing.markup import ProseChunk


@dataclass(frozen=True)
class Match:
    """The changed unit a prose chunk seems to describe.

    Attributes:
        chunk: The chunk.
        change: The unit.
        cosine: Their cosine similarity.
        score: The head's score.
    """

    chunk: ProseChunk
    change: MentionTarget
    cosine: float
    score: float


def best_matches(
    changes: Sequence[MentionTarget],
    chunks: Sequence[ProseChunk],
    encode: Callable[[list[str]], np.ndarray],
    *,
    head: Head | None = None,
    threshold: float | None = None,
) -> list[Match]:
    """Find, for each chunk with lexical evidence, the changed unit it best matches.

    Args:
        changes: The changed units.
        chunks: Prose chunks of the documentation.
        encode: Embeds texts into L2-normalised rows (the documentation encoder).
        head: The scoring head; the shipped one by default.
        threshold: Keep matches scoring at least this; the head's threshold by default.

    Returns:
        At most one match per chunk, in chunk order.
    """
    matches = []
    for chunk, priors, sims in candidates(changes, chunks, encode):
        head = head or shipped_head()
        options = [(j, float(s), prior) for j, (s, prior) in enumerate(zip(sims, priors, strict=True))
                   if evidence(changes[j], prior)]
        scores = head.probabilities(np.array([(cosine, *prior) for _, cosine, prior in options], dtype=np.float64))
        best, cosine, j = max((float(p), cosine, j) for p, (j, cosine, _) in zip(scores, options, strict=True))
        if best >= (head.threshold if threshold is None else threshold):
            matches.append(Match(chunk, changes[j], cosine, best))
    return matches
