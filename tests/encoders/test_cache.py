"""The SQLite embedding cache: keys, reuse, corruption, concurrent writers."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from codeassist.encoders.cache import EmbeddingCache


def _vectors(texts: list[str]) -> np.ndarray:
    rng = np.random.default_rng(len(texts))
    return rng.standard_normal((len(texts), 384)).astype(np.float32)


def test_encode_computes_only_what_is_missing(tmp_path: Path):
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    calls: list[list[str]] = []

    def compute(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return _vectors(texts)

    first = cache.encode("enc-a", ["x", "y"], compute)
    second = cache.encode("enc-a", ["y", "z", "x"], compute)
    assert calls == [["x", "y"], ["z"]]
    np.testing.assert_array_equal(second[0], first[1])
    np.testing.assert_array_equal(second[2], first[0])
    assert second.dtype == np.float32 and second.shape == (3, 384)


def test_encoder_id_is_part_of_the_key(tmp_path: Path):
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    cache.put("enc-a", ["x"], np.ones((1, 384), dtype=np.float32))
    assert cache.get("enc-b", ["x"]) == {}
    assert set(cache.get("enc-a", ["x"])) == {0}


def test_wal_mode(tmp_path: Path):
    EmbeddingCache(tmp_path / "c.sqlite3").close()
    db = sqlite3.connect(tmp_path / "c.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_corrupt_file_is_rebuilt_with_a_warning(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.warns(UserWarning, match="rebuilding"):
        cache = EmbeddingCache(path)
    cache.put("enc", ["x"], np.ones((1, 384), dtype=np.float32))
    assert set(EmbeddingCache(path).get("enc", ["x"])) == {0}


def _writer(args: tuple[str, int]) -> int:
    path, worker = args
    cache = EmbeddingCache(Path(path))
    for round_ in range(20):
        texts = [f"w{worker}-{round_}-{i}" for i in range(10)]
        cache.put("enc", texts, _vectors(texts))
    return worker


def test_concurrent_writers_lose_nothing(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    EmbeddingCache(path).close()
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        assert sorted(pool.map(_writer, [(str(path), w) for w in range(3)])) == [0, 1, 2]
    texts = [f"w{w}-{r}-{i}" for w in range(3) for r in range(20) for i in range(10)]
    assert len(EmbeddingCache(path).get("enc", texts)) == len(texts)
