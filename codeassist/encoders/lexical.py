"""Matching code and documentation: similarities, lexical scoring and rank fusion.

Dense scores are cosine similarities between unit vectors (a dot product, since every encoder
returns L2-normalised rows). Lexical scores are BM25 (`bm25s`) over sub-word tokens, so
`parseHttpResponse` matches a query saying "parse the HTTP response". The two are fused with
reciprocal rank fusion, which needs no score calibration between them:
`score(d) = Σ_rankings 1 / (k + rank(d))`, ranks from 1, k = 60 (Cormack et al., 2009).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from codeassist.parsing.ast_seq import split_identifier
if TYPE_CHECKING:
    import numpy as np

RRF_K = 60
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have if in into is it its of on or that the then "
    "this to was were will with self".split()
)


@lru_cache(maxsize=65536)
def _subwords(token: str) -> tuple[str, ...]:
    return tuple(w for w in split_identifier(token) if w not in STOPWORDS)


def lexical_tokens(text: str) -> list[str]:
    """Tokenise code or prose for BM25: identifiers split into lower-case sub-words.

    Args:
        text: Source code or a query.

    Returns:
        Tokens, without English stop words.
    """
    return [w for token in _TOKEN.findall(text) for w in _subwords(token)]


def cosine(queries: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Cosine similarities of L2-normalised rows.

    Args:
        queries: (q, d) unit vectors.
        candidates: (c, d) unit vectors.

    Returns:
        (q, c) similarities.
    """
    return queries @ candidates.T


class BM25:
    """A BM25 index over texts (bm25s, Lucene scoring).

    Args:
        texts: The documents (code units); None to fill the index later (see `load`).
    """

    def __init__(self, texts: Sequence[str] | None = None) -> None:
        import bm25s

        self._index = bm25s.BM25()
        self.size = 0
        if texts is not None:
            self.size = len(texts)
            self._index.index([lexical_tokens(t) or ["<empty>"] for t in texts], show_progress=False)

    def save(self, directory: Path) -> None:
        """Write the index to a directory (tokenising a large corpus is the slow part).

        Args:
            directory: Created when missing.
        """
        self._index.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> BM25:
        """Read an index written by `save`.

        Args:
            directory: Where it was saved.
            size: The number of documents it holds.

        Returns:
            The index.
        """
        import bm25s

        loaded = cls()
        loaded._index = bm25s.BM25.load(str(directory), show_progress=False)
        loaded.size = size
        return loaded

    def scores(self, query: str) -> np.ndarray:
        """Score every document against a query.

        Args:
            query: Free text.

        Returns:
            One float score per document, higher is better.
        """
        import numpy as np

        vocabulary = self._index.vocab_dict
        tokens = [t for t in lexical_tokens(query) if t in vocabulary]
        if not tokens or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return self._index.get_scores(tokens)


def ranks(scores: np.ndarray) -> np.ndarray:
    """Turn scores into 1-based ranks (ties broken by position).

    Args:
        scores: One score per candidate.

    Returns:
        The rank of each candidate, 1 for the best.
    """
    import numpy as np

    order = np.argsort(-scores, kind="stable")
    out = np.empty(len(scores), dtype=np.int64)
    out[order] = np.arange(1, len(scores) + 1)
    return out


def rrf(*score_lists: np.ndarray, k: int = RRF_K) -> np.ndarray:
    """Fuse several score arrays over the same candidates by reciprocal rank fusion.

    Args:
        *score_lists: One array of scores per retriever, aligned on the candidates.
        k: The fusion constant; larger flattens the head of each ranking.

    Returns:
        The fused score of each candidate.
    """
    return sum(1.0 / (k + ranks(scores)) for scores in score_lists)
