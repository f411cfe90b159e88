"""Which pairs the code-encoder recipe trains on at each step: a pure function of (seed, step).

Every batch is computed from the run's seed and the step number alone, never from state
carried between steps, so `--resume` replays exactly the batches an uninterrupted run would
have taken. Three ways to form a batch (`negatives` in training/configs/code_encoder.toml):

- `random`: a seeded permutation cut into batches, with length bucketing: `bucket` batches
  at a time are sorted by the length of their AST sequences, cut again and shuffled, so a
  batch pads to similar lengths (about 2× faster on CPU) and stays random in content.
- `package`: each batch holds `batch_packages` slices of pairs from single packages of one
  language, so the in-batch negatives share the package's vocabulary (hard negatives).
- `bm25`: each anchor brings the pair of its own package whose code BM25 ranks highest for
  the anchor's documentation (its hardest lexical negative, and a positive for its own doc).

Language balance: every epoch, a language with more than `max_pairs_per_language` pairs
contributes a fresh seeded sample of that many (Go is 43 % of the mined pairs otherwise).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from codeassist.encoders.lexical import BM25

NEGATIVES = ("random", "package", "bm25")


class Batches:
    """The batch schedule of one run: `batches.at(step)` is the pair indices of that step."""

    def __init__(self, *, languages: Sequence[str], packages: Sequence[str], lengths: Sequence[int],
                 batch_size: int, seed: int, negatives: str = "random", per_language: int = 0,
                 bucket: int = 8, batch_packages: int = 4, neighbours: np.ndarray | None = None) -> None:
        """Index the pairs once.

        Args:
            languages: The language of each pair.
            packages: The package of each pair.
            lengths: The token length of each pair's code input (for bucketing).
            batch_size: The global batch size.
            seed: The run's seed.
            negatives: One of NEGATIVES.
            per_language: The most pairs a language contributes per epoch (0: all).
            bucket: How many batches are sorted by length together (`random` only; 1: none).
            batch_packages: How many package slices make a batch (`package` only).
            neighbours: The BM25 neighbour of each pair (`bm25` only; see `bm25_neighbours`).

        Raises:
            ValueError: On an unknown `negatives` or a `bm25` schedule without neighbours.
        """
        if negatives not in NEGATIVES:
            raise ValueError(f"negatives must be one of {', '.join(NEGATIVES)}, not {negatives!r}")
        if negatives == "bm25" and neighbours is None:
            raise ValueError("the bm25 schedule needs each pair's neighbour")
        self.batch_size, self.seed, self.negatives = batch_size, seed, negatives
        self.per_language, self.bucket, self.batch_packages = per_language, max(1, bucket), batch_packages
        self.lengths = np.asarray(lengths)
        self.neighbours = neighbours
        self.by_language: dict[str, np.ndarray] = {
            language: np.flatnonzero(np.asarray(languages) == language) for language in sorted(set(languages))}
        self.packages = np.asarray(packages)
        self.steps_per_epoch = max(1, len(self._pool(0)) // self._anchors_per_batch())

    def at(self, step: int) -> list[int]:
        """Return the pair indices of one step's global batch.

        Args:
            step: The step (0-based).

        Returns:
            `batch_size` indices, or fewer only when the data has fewer pairs.
        """
        epoch, index = divmod(step, self.steps_per_epoch)
        return self._epoch(epoch)[index]

    def _anchors_per_batch(self) -> int:
        return self.batch_size // 2 if self.negatives == "bm25" else self.batch_size

    def _pool(self, epoch: int) -> np.ndarray:
        """The pairs of one epoch: every language, the large ones sampled down."""
        rng = np.random.default_rng([self.seed, epoch, 1])
        parts = [ids if not self.per_language or len(ids) <= self.per_language
                 else rng.choice(ids, self.per_language, replace=False)
                 for ids in self.by_language.values()]
        return np.sort(np.concatenate(parts))

    @lru_cache(maxsize=2)  # noqa: B019 -- one schedule per run; the current and the next epoch
    def _epoch(self, epoch: int) -> list[list[int]]:
        rng = np.random.default_rng([self.seed, epoch, 2])
        pool = self._pool(epoch)
        if self.negatives == "package":
            batches = self._package_batches(pool, rng)
        elif self.negatives == "bm25":
            batches = self._neighbour_batches(pool, rng)
        else:
            batches = self._bucketed_batches(pool, rng)
        return batches[: self.steps_per_epoch] if len(batches) >= self.steps_per_epoch else \
            batches + batches[: self.steps_per_epoch - len(batches)]

    def _bucketed_batches(self, pool: np.ndarray, rng: np.random.Generator) -> list[list[int]]:
        order, size = rng.permutation(pool), self.batch_size
        batches = []
        for start in range(0, len(order) - size + 1, size * self.bucket):
            chunk = order[start : start + size * self.bucket]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches += [chunk[i : i + size].tolist() for i in range(0, len(chunk) - size + 1, size)]
        order = rng.permutation(len(batches))
        return [batches[i] for i in order] or [pool[:size].tolist()]

    def _package_batches(self, pool: np.ndarray, rng: np.random.Generator) -> list[list[int]]:
        width = max(1, self.batch_size // self.batch_packages)
        groups: dict[str, list[int]] = defaultdict(list)
        for i in rng.permutation(pool).tolist():
            groups[self.packages[i]].append(i)
        slices = [ids[i : i + width] for ids in groups.values() for i in range(0, len(ids) - width + 1, width)]
        slices = [slices[i] for i in rng.permutation(len(slices))]
        per = self.batch_size // width
        return [sum(slices[i : i + per], []) for i in range(0, len(slices) - per + 1, per)] \
            or [pool[: self.batch_size].tolist()]

    def _neighbour_batches(self, pool: np.ndarray, rng: np.random.Generator) -> list[list[int]]:
        batches, batch, seen = [], [], set()
        for anchor in rng.permutation(pool).tolist():
            for i in (anchor, int(self.neighbours[anchor])):
                if i not in seen and len(batch) < self.batch_size:
                    batch.append(i)
                    seen.add(i)
            if len(batch) == self.batch_size:
                batches.append(batch)
                batch, seen = [], set()
        return batches or [pool[: self.batch_size].tolist()]


def bm25_neighbours(docs: Sequence[str], codes: Sequence[str], packages: Sequence[str]) -> np.ndarray:
    """For each pair, the pair of the same package whose code BM25 ranks highest for its doc.

    Args:
        docs: The documentation of each pair.
        codes: The code text of each pair (what BM25 indexes).
        packages: The package of each pair.

    Returns:
        One index per pair (the pair itself when its package has no other pair).
    """
    neighbours = np.arange(len(docs))
    members: dict[str, list[int]] = defaultdict(list)
    for i, package in enumerate(packages):
        members[package].append(i)
    for ids in members.values():
        if len(ids) < 2:
            continue
        index = BM25([codes[i] for i in ids])
        for position, i in enumerate(ids):
            scores = index.scores(docs[i])
            scores[position] = -np.inf
            neighbours[i] = ids[int(np.argmax(scores))]
    return neighbours
