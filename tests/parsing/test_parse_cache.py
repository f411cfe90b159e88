"""The parse cache: exact round trips, hostile entries rebuilt and never run, an unwritable cache."""

from __future__ import annotations

import json
import os
import pickle
import zlib
from pathlib import Path

import pytest

from codeassist.languages import language_for_path
from codeassist.parsing import cache as parse_cache
from codeassist.parsing.cache import decode, encode, parse_cached
from codeassist.parsing.parse import parse_source
from tests.conftest import git

FIXTURES = sorted(p for p in (Path(__file__).parents[1] / "fixtures").rglob("*") if p.is_file())
SOURCE = '''def scale(value, factor=2):
    """Scale a value.

    Args:
        value: The input.
        ratio: The multiplier.
    """
    return value * factor
'''


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the parse cache at a fresh directory, with its once-only warnings reset."""
    def use(root: Path) -> None:
        monkeypatch.setenv("CODEASSIST_CACHE_DIR", str(root))
        for memo in (parse_cache.cache_dir, parse_cache._warn_corrupt, parse_cache._warn_unwritable):
            memo.cache_clear()

    use(tmp_path / "cache")
    yield use
    for memo in (parse_cache.cache_dir, parse_cache._warn_corrupt, parse_cache._warn_unwritable):
        memo.cache_clear()


class _Touch:
    """Unpickling this creates a file: the payload a crafted cache entry would carry."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):  # noqa: ANN204 - the pickle protocol
        return (open, (str(self.target), "w"))


def test_fixtures_cover_every_language():
    languages = {language_for_path(p).name for p in FIXTURES}
    assert {"python", "javascript", "typescript", "java", "go", "rust"} <= languages


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_round_trip_is_exact(fixture: Path, cache_in):
    language = language_for_path(fixture).name
    text = fixture.read_text(encoding="utf-8")
    fresh = parse_source(text, language, fixture.name)
    assert fresh.units, "the fixture should hold units"
    back = decode(encode(fresh), limit=1 << 26)
    assert back == fresh
    for ours, theirs in zip(back.units, fresh.units, strict=True):
        assert ours == theirs and type(ours.params) is tuple and type(ours.raises) is tuple
    assert back.comments == fresh.comments and all(type(c) is tuple for c in back.comments)
    # Through the cache on disk: the cold run stores, the warm run reads the entry back.
    assert parse_cached(text, language, fixture.name) == fresh
    assert len(list(parse_cache.cache_dir().rglob("*.json.z"))) == 1
    assert parse_cached(text, language, fixture.name) == fresh


def _entry(source: str, path: str = "mod.py") -> list:
    return json.loads(zlib.decompress(encode(parse_source(source, "python", path))))


def _wrong_type() -> bytes:
    plain = _entry(SOURCE)
    plain[0][0][5] = True  # a bool where a line number (int) belongs
    return zlib.compress(json.dumps(plain).encode())


def _missing_field() -> bytes:
    plain = _entry(SOURCE)
    plain[0][0] = plain[0][0][:-1]  # a CodeUnit with a field missing
    return zlib.compress(json.dumps(plain).encode())


HOSTILE = {
    "pickle": lambda tmp: pickle.dumps(_Touch(tmp / "pwned")),
    "garbage": lambda tmp: os.urandom(4096),
    "json-not-compressed": lambda tmp: b"[[], [], []]",
    "wrong-type": lambda tmp: _wrong_type(),
    "missing-field": lambda tmp: _missing_field(),
    "another-file": lambda tmp: encode(parse_source(SOURCE, "python", "other.py")),  # well formed, wrong units
    "deep-nesting": lambda tmp: zlib.compress(b"[" * 100_000 + b"]" * 100_000),
    "zlib-bomb": lambda tmp: zlib.compress(b"[" + b" " * (8 << 20) + b"]", 9),
    "truncated": lambda tmp: encode(parse_source(SOURCE, "python", "mod.py"))[:-8],
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_entry_is_rebuilt_with_one_warning(kind: str, tmp_path: Path, cache_in, capsys):
    expected = parse_source(SOURCE, "python", "mod.py")
    assert parse_cached(SOURCE, "python", "mod.py") == expected
    [entry] = parse_cache.cache_dir().rglob("*.json.z")
    entry.write_bytes(HOSTILE[kind](tmp_path))
    capsys.readouterr()

    assert parse_cached(SOURCE, "python", "mod.py") == expected
    assert parse_cached(SOURCE, "python", "mod.py") == expected  # the rebuilt entry is good again
    assert capsys.readouterr().err.splitlines() == [f"codeassist: warning: corrupt parse cache entry {entry} rebuilt"]
    assert not (tmp_path / "pwned").exists()
    assert decode(entry.read_bytes(), limit=1 << 26) == expected


def test_the_pickle_payload_is_real(tmp_path: Path):
    # The control for the test above: unpickling the payload does create the file.
    pickle.loads(pickle.dumps(_Touch(tmp_path / "control")))  # noqa: S301 - our own payload
    assert (tmp_path / "control").exists()


@pytest.mark.parametrize("kind", ["fifo", "symlink"])
def test_special_file_entry_is_replaced_not_followed(kind: str, tmp_path: Path, cache_in, capsys):
    expected = parse_source(SOURCE, "python", "mod.py")
    parse_cached(SOURCE, "python", "mod.py")
    [entry] = parse_cache.cache_dir().rglob("*.json.z")
    entry.unlink()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    if kind == "fifo":
        os.mkfifo(entry)  # reading it would block forever
    else:
        entry.symlink_to(outside)
    capsys.readouterr()

    assert parse_cached(SOURCE, "python", "mod.py") == expected
    assert capsys.readouterr().err.splitlines() == [f"codeassist: warning: corrupt parse cache entry {entry} rebuilt"]
    assert entry.is_file() and not entry.is_symlink()
    assert outside.read_text() == "keep me"


def test_unwritable_cache_warns_once(tmp_path: Path, cache_in, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cache_in(blocker / "cache")  # under a regular file: not even root can create it
    sources = [SOURCE.replace("scale", f"scale{i}") for i in range(40)]  # many sub-directories
    results = [parse_cached(text, "python", "mod.py") for text in sources]
    assert results == [parse_source(text, "python", "mod.py") for text in sources]
    assert capsys.readouterr().err.splitlines() == [
        f"codeassist: warning: cannot write the parse cache in {parse_cache.cache_dir()}; running without it"
    ]


def test_check_never_runs_a_pickled_entry(repo: Path, tmp_path: Path, cli):
    (repo / "mod.py").write_text(SOURCE)
    git(repo, "add", "mod.py")
    env = {"CODEASSIST_CACHE_DIR": str(tmp_path / "ci-cache")}
    first = cli("check", "mod.py", cwd=repo, env=env)
    [entry] = (tmp_path / "ci-cache").rglob("*.json.z")
    entry.write_bytes(pickle.dumps(_Touch(tmp_path / "pwned")))

    again = cli("check", "mod.py", cwd=repo, env=env)
    assert not (tmp_path / "pwned").exists()
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout) == (1, first.stdout)
    assert again.stderr.splitlines() == [f"codeassist: warning: corrupt parse cache entry {entry} rebuilt"]
