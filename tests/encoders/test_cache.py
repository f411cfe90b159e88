"""The SQLite embedding cache: keys, reuse, concurrent writers, and running on when it is locked,
unwritable or corrupt (real SQLite files, real locks, real read-only conditions)."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from codeassist.encoders import cache as embedding_cache
from codeassist.encoders.cache import EmbeddingCache


def _vectors(texts: list[str]) -> np.ndarray:
    rng = np.random.default_rng(len(texts))
    return rng.standard_normal((len(texts), 384)).astype(np.float32)


def _vector(text: str) -> np.ndarray:
    """A vector that depends on the text alone, so a cached and a computed one can be compared."""
    seed = int.from_bytes(text.encode()[:8].ljust(8, b"\0"), "little")
    return np.random.default_rng(seed).standard_normal(384).astype(np.float32)


def _compute(texts: list[str]) -> np.ndarray:
    return np.stack([_vector(t) for t in texts])


@pytest.fixture(autouse=True)
def _fresh_process():
    """Each test is a new process as far as the once-only warnings and give-ups go."""
    embedding_cache._unusable.clear()
    embedding_cache._warn.cache_clear()
    yield
    embedding_cache._unusable.clear()
    embedding_cache._warn.cache_clear()


def _stored(path: Path) -> dict[str, bytes]:
    """The rows of a cache file, read with plain sqlite3."""
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT encoder || '/' || digest, vector FROM vectors").fetchall())
    finally:
        db.close()


def _assert_runs_on(cache: EmbeddingCache, texts: list[str]) -> None:
    got = cache.encode("enc", texts, _compute)
    np.testing.assert_array_equal(got, _compute(texts))


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
        # A bounded wait: a worker that dies leaves Pool.map waiting forever, which must fail the test,
        # not stall the run.
        done = pool.map_async(_writer, [(str(path), w) for w in range(3)])
        assert sorted(done.get(timeout=120)) == [0, 1, 2]
    texts = [f"w{w}-{r}-{i}" for w in range(3) for r in range(20) for i in range(10)]
    assert len(EmbeddingCache(path).get("enc", texts)) == len(texts)


def _other_writer(path: Path, *, wal: bool = True) -> sqlite3.Connection:
    """Another process's connection: it commits "kept", then holds the write lock (BEGIN EXCLUSIVE)."""
    if wal:
        EmbeddingCache(path).close()
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)  # released by a timer thread
    if not wal:
        db.execute(embedding_cache._CREATE)
        db.execute(f"PRAGMA user_version={embedding_cache.SCHEMA}")
    db.execute("INSERT INTO vectors VALUES ('enc', ?, ?)", (embedding_cache.digest("kept"), _vector("kept").tobytes()))
    db.execute("BEGIN EXCLUSIVE")
    db.execute("INSERT INTO vectors VALUES ('enc', ?, ?)", (embedding_cache.digest("later"), _vector("later").tobytes()))
    return db


def test_locked_past_the_timeout_runs_without_the_cache_and_keeps_the_file(tmp_path: Path, capsys):
    path = tmp_path / "c.sqlite3"
    other = _other_writer(path)
    cache = EmbeddingCache(path, timeout=0.2)
    assert cache.get("enc", ["kept"]).keys() == {0}  # WAL: the committed rows stay readable
    _assert_runs_on(cache, ["kept", "new"])  # storing "new" waits 0.2 s for the lock, then gives up
    _assert_runs_on(EmbeddingCache(path, timeout=0.2), ["new", "other"])  # no second wait, no second warning
    assert capsys.readouterr().err.splitlines() == [
        f"codeassist: warning: the embedding cache {path} stayed locked by another process for 0.2 s; running without it"
    ]
    other.execute("COMMIT")
    other.close()
    assert set(_stored(path)) == {f"enc/{embedding_cache.digest(t)}" for t in ("kept", "later")}
    assert not list(tmp_path.glob("*.corrupt*"))


def test_locked_while_opening_runs_without_the_cache(tmp_path: Path, capsys):
    # A file not yet in WAL mode, locked: even reading it has to wait.
    path = tmp_path / "c.sqlite3"
    other = _other_writer(path, wal=False)
    cache = EmbeddingCache(path, timeout=0.2)
    assert not cache.enabled
    _assert_runs_on(cache, ["kept", "new"])
    assert capsys.readouterr().err.splitlines() == [
        f"codeassist: warning: the embedding cache {path} stayed locked by another process for 0.2 s; running without it"
    ]
    other.execute("COMMIT")
    other.close()
    assert set(_stored(path)) == {f"enc/{embedding_cache.digest(t)}" for t in ("kept", "later")}


def test_a_wait_shorter_than_the_timeout_stores_normally(tmp_path: Path, capsys):
    path = tmp_path / "c.sqlite3"
    other = _other_writer(path)
    cache = EmbeddingCache(path, timeout=30.0)
    import threading

    threading.Timer(0.3, lambda: (other.execute("COMMIT"), other.close())).start()
    _assert_runs_on(cache, ["new"])  # waits for the other writer, then stores
    assert f"enc/{embedding_cache.digest('new')}" in _stored(path)
    assert capsys.readouterr().err == ""


def test_directory_under_a_regular_file_runs_without_the_cache_warning_once(tmp_path: Path, capsys):
    (tmp_path / "a-file").write_text("")
    path = tmp_path / "a-file" / "cache" / "c.sqlite3"  # not even root can create this
    for _ in range(3):
        cache = EmbeddingCache(path)
        assert not cache.enabled
        _assert_runs_on(cache, ["x", "y"])
        cache.close()
    assert capsys.readouterr().err.splitlines() == [
        f"codeassist: warning: cannot write the embedding cache {path}; running without it"
    ]


@pytest.fixture
def read_only() -> Iterator:
    """Make a file or directory unwritable for real: `chattr +i` as root (permission bits do not bind
    root), the permission bits otherwise; undone after the test."""
    made: list[tuple[Path, int]] = []

    def freeze(target: Path) -> None:
        if os.geteuid() != 0:
            made.append((target, target.stat().st_mode))
            target.chmod(0o555 if target.is_dir() else 0o444)
            return
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: no way to make a path read-only for root")
        done = subprocess.run(["chattr", "+i", str(target)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not supported here: {done.stderr.strip()}")
        made.append((target, -1))

    yield freeze
    for target, mode in reversed(made):
        if mode < 0:
            subprocess.run(["chattr", "-i", str(target)], check=True)
        else:
            target.chmod(mode)


@pytest.mark.parametrize("frozen", ["directory", "file"])
def test_read_only_cache_runs_without_it_and_keeps_its_rows(frozen: str, tmp_path: Path, read_only, capsys):
    folder = tmp_path / "cache"
    folder.mkdir()
    path = folder / "c.sqlite3"
    writer = EmbeddingCache(path)
    writer.encode("enc", ["kept"], _compute)
    writer.close()  # the last connection removes the -wal and -shm files
    before = path.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["c.sqlite3"]
    read_only(folder if frozen == "directory" else path)
    for _ in range(2):
        cache = EmbeddingCache(path)
        _assert_runs_on(cache, ["kept", "new"])
        cache.close()
    assert capsys.readouterr().err.splitlines() == [
        f"codeassist: warning: cannot write the embedding cache {path}; running without it"
    ]
    assert path.read_bytes() == before and not list(folder.glob("*.corrupt*"))


def test_garbage_file_is_set_aside_not_deleted(tmp_path: Path, capsys):
    path = tmp_path / "c.sqlite3"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    cache = EmbeddingCache(path)
    _assert_runs_on(cache, ["x", "y"])
    cache.close()
    assert capsys.readouterr().err.splitlines() == [
        f"codeassist: warning: the embedding cache {path} is not a valid database; moved it to c.sqlite3.corrupt and started anew"
    ]
    assert (tmp_path / "c.sqlite3.corrupt").read_bytes() == garbage
    assert EmbeddingCache(path).get("enc", ["x", "y"]).keys() == {0, 1}
    path.write_bytes(garbage)  # a second one does not overwrite the first set aside
    EmbeddingCache(path).close()
    assert (tmp_path / "c.sqlite3.corrupt-1").read_bytes() == garbage


def test_corrupt_pages_are_set_aside(tmp_path: Path, capsys):
    path = tmp_path / "c.sqlite3"
    texts = [f"t{i}" for i in range(200)]
    EmbeddingCache(path).encode("enc", texts, _compute)
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # keep the header page, garble the rest
    path.write_bytes(bytes(data))
    cache = EmbeddingCache(path)
    _assert_runs_on(cache, texts[:5])
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"codeassist: warning: the embedding cache {path} is not a valid database; moved it to c.sqlite3.corrupt")
    assert (tmp_path / "c.sqlite3.corrupt").read_bytes() == bytes(data)


def test_another_schema_is_left_alone(tmp_path: Path, capsys):
    path = tmp_path / "c.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=7")
    db.close()
    cache = EmbeddingCache(path)
    _assert_runs_on(cache, ["x"])
    assert capsys.readouterr().err.splitlines() == [
        f"codeassist: warning: the embedding cache {path} has schema 7, not 1 (written by another codeassist version); "
        "running without it"
    ]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 7
