"""A SQLite embedding cache keyed by encoder identity and the sha256 of the input.

One table, `(encoder, digest) → vector`. The encoder id names the base model, the adapter's
content hash, the truncation length and the input scheme, so a retrained adapter never reads
stale vectors. WAL mode and a busy timeout make concurrent hook runs safe: readers never
block the writer, and two writers wait for each other instead of failing.

A cache is never worth failing a review for, nor worth losing another writer's rows: a cache
that stays locked past the timeout, or that cannot be written (a read-only file or
directory), is left as it is and the run goes on without it; only a file that is genuinely
not a SQLite database, or whose pages are corrupt, is renamed aside and started afresh.
Each of these says so in one `codeassist: warning:` line, once per process.
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SCHEMA = 1
TIMEOUT = 30.0  # seconds to wait for another process's write lock
_CREATE = """
CREATE TABLE IF NOT EXISTS vectors (
    encoder TEXT NOT NULL,
    digest TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (encoder, digest)
) WITHOUT ROWID
"""
# Caches this process already runs without (locked past the timeout, unwritable, another
# schema): later ones on the same file do not wait or warn again.
_unusable: set[Path] = set()


class _OtherSchema(Exception):
    """The file is a cache of another codeassist version: not ours to rebuild."""


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
        timeout: Seconds to wait for another process's write lock before running without
            the cache.
    """

    def __init__(self, path: Path | None = None, *, timeout: float = TIMEOUT) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.timeout = timeout
        self._db: sqlite3.Connection | None = None
        if self.path not in _unusable:
            self._db = self._connect()

    @property
    def enabled(self) -> bool:
        """Whether vectors are read from and written to the file (False: running without it)."""
        return self._db is not None

    def _connect(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._open()
        except (OSError, sqlite3.Error, _OtherSchema) as exc:
            if not _is_corrupt(exc):
                return self._give_up(exc)
        try:
            aside = self._set_aside()
            _warn(f"the embedding cache {self.path} is not a valid database; moved it to {aside.name} and started anew")
            return self._open()
        except (OSError, sqlite3.Error, _OtherSchema) as exc:
            return self._give_up(exc)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA):
                raise _OtherSchema(version)
            if version == 0:  # a new file: the only open that writes, so a locked cache can still be read
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    db.execute(_CREATE)
                    db.execute(f"PRAGMA user_version={SCHEMA}")
            # Reads a page of the table, so a file with a valid header but corrupt pages fails here.
            db.execute("SELECT count(*) FROM vectors WHERE encoder = ''").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self) -> Path:
        """Rename the unreadable file (and its WAL) to a free `<name>.corrupt[-N]`: kept, not deleted."""
        for n in itertools.count():
            aside = self.path.with_name(f"{self.path.name}.corrupt{f'-{n}' if n else ''}")
            if not aside.exists():
                break
        for suffix in ("-wal", "-shm", ""):  # the WAL first: a new file at `path` must never replay the old one
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.rename(f"{aside}{suffix}")
        return aside

    def _give_up(self, exc: BaseException) -> None:
        """Run without the cache from now on in this process, saying why once."""
        if self._db is not None:
            self._db.close()
            self._db = None
        _unusable.add(self.path)
        if isinstance(exc, _OtherSchema):
            _warn(f"the embedding cache {self.path} has schema {exc.args[0]}, not {SCHEMA} "
                  "(written by another codeassist version); running without it")
        elif _is_busy(exc):
            _warn(f"the embedding cache {self.path} stayed locked by another process for {self.timeout:g} s; "
                  "running without it")
        else:
            _warn(f"cannot write the embedding cache {self.path}; running without it")

    def _failed(self, exc: sqlite3.Error) -> None:
        """Handle an error met while reading or writing an open cache: run without it."""
        if not _is_corrupt(exc):
            self._give_up(exc)
            return
        if self._db is not None:
            self._db.close()
            self._db = None
        try:
            aside = self._set_aside()
        except OSError as error:
            self._give_up(error)
            return
        _warn(f"the embedding cache {self.path} is not a valid database; moved it to {aside.name} "
              "and running without it")

    def get(self, encoder: str, texts: list[str]) -> dict[int, np.ndarray]:
        """Look up cached vectors (none when running without the cache).

        Args:
            encoder: The encoder id.
            texts: Inputs.

        Returns:
            The vectors found, by the index of their input.
        """
        import numpy as np

        if self._db is None:
            return {}
        keys = [digest(t) for t in texts]
        found: dict[str, bytes] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT digest, vector FROM vectors WHERE encoder = ? AND digest IN ({marks})"
                found.update(self._db.execute(query, [encoder, *chunk]).fetchall())
        except sqlite3.Error as exc:
            self._failed(exc)
            return {}
        return {i: np.frombuffer(found[k], dtype=np.float32) for i, k in enumerate(keys) if k in found}

    def put(self, encoder: str, texts: list[str], vectors: np.ndarray) -> None:
        """Store vectors, in one transaction; nothing when running without the cache.

        Args:
            encoder: The encoder id.
            texts: Inputs.
            vectors: One float32 row per input.
        """
        if self._db is None:
            return
        rows = [(encoder, digest(t), v.astype("float32").tobytes()) for t, v in zip(texts, vectors, strict=True)]
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        except sqlite3.Error as exc:
            self._failed(exc)

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
        if self._db is not None:
            self._db.close()
            self._db = None


def _is_busy(exc: BaseException) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _is_corrupt(exc: BaseException) -> bool:
    """Whether the file itself is bad (not a database, corrupt pages), not merely locked or read-only."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return isinstance(exc, sqlite3.DatabaseError) and name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))


@cache
def _warn(message: str) -> None:
    print(f"codeassist: warning: {message}", file=sys.stderr)
