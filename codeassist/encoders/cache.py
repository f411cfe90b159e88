"""A SQLite embedding cache keyed by encoder identity and the sha256 of the input.

One table, `(encoder, digest) → vector`. The encoder id names the base model, the adapter's
content hash, the truncation length and the input scheme, so a retrained adapter never reads
stale vectors. WAL mode and a busy timeout make concurrent hook runs safe: readers never
block the writer, and two writers wait for each other instead of failing. A file that is not
a readable cache (truncated, overwritten, another schema) is moved aside and rebuilt, with a
warning: a cache is never worth failing a review for.
"""

from __future__ import annotations

import hashlib
import sqlite3
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SCHEMA = 1
_CREATE = """
CREATE TABLE IF NOT EXISTS vectors (
    encoder TEXT NOT NULL,
    digest TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (encoder, digest)
) WITHOUT ROWID
"""


def default_path() -> Path:
    """Return the cache file in codeassist's cache directory.

    Returns:
        `embeddings.sqlite3` under `$CODEASSIST_CACHE_DIR`, else the user cache dir.
    """
    from codeassist.storage import cache_root
    return cache_root() / "embeddings.sqlite3"


def digest(text: str) -> str:
    """Return the sha256 hex digest of an input text.

    Args:
        text: An encoder input.

    Returns:
        64 hex digits.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors by (encoder id, sha256 of the input), in one SQLite file.

    Args:
        path: The database file (created with its directory when missing).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            warnings.warn(f"embedding cache {self.path} is unreadable ({exc}); rebuilding it", stacklevel=2)
            self._discard()
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA):
                raise sqlite3.DatabaseError(f"schema {version}, expected {SCHEMA}")
            db.execute(_CREATE)
            db.execute(f"PRAGMA user_version={SCHEMA}")
            db.execute("SELECT count(*) FROM vectors WHERE encoder = ''").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def get(self, encoder: str, texts: list[str]) -> dict[int, np.ndarray]:
        """Look up cached vectors.

        Args:
            encoder: The encoder id.
            texts: Inputs.

        Returns:
            The vectors found, by the index of their input.
        """
        import numpy as np

        keys = [digest(t) for t in texts]
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT digest, vector FROM vectors WHERE encoder = ? AND digest IN ({marks})"
            found.update(self._db.execute(query, [encoder, *chunk]).fetchall())
        return {i: np.frombuffer(found[k], dtype=np.float32) for i, k in enumerate(keys) if k in found}

    def put(self, encoder: str, texts: list[str], vectors: np.ndarray) -> None:
        """Store vectors, in one transaction.

        Args:
            encoder: The encoder id.
            texts: Inputs.
            vectors: One float32 row per input.
        """
        rows = [(encoder, digest(t), v.astype("float32").tobytes()) for t, v in zip(texts, vectors, strict=True)]
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def encode(self, encoder: str, texts: list[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Return vectors for every input, computing and storing only the missing ones.

        Args:
            encoder: The encoder id.
            texts: Inputs.
            compute: Embeds a list of inputs (the ones not cached).

        Returns:
            float32 rows in the order of `texts`.
        """
        import numpy as np

        found = self.get(encoder, texts)
        todo = sorted({t for i, t in enumerate(texts) if i not in found})
        if todo:
            fresh = compute(todo)
            self.put(encoder, todo, fresh)
            by_text = dict(zip(todo, fresh, strict=True))
            found.update({i: by_text[t] for i, t in enumerate(texts) if i not in found})
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([found[i] for i in range(len(texts))]).astype(np.float32)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
