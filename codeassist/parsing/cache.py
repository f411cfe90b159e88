"""Parse results cached by content hash, so repeated hook runs on a big repository stay fast.

Entries live in a versioned directory of the user cache (`CODEASSIST_CACHE_DIR` overrides
it). The version includes a fingerprint of the parser's own source files, the language
registry and the records it builds, so a changed extractor or record never serves stale
units. An entry is zlib-compressed JSON, each record a list of its fields in declaration
order, read back through the records' own type hints: a cache restored from an untrusted
place can at worst hold wrong data, never code that runs (pickle would run it). An entry
that does not decode into exactly the records expected is rebuilt with one warning; an
unusable cache directory only turns caching off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
import sys
import types
import typing
import zlib
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from codeassist import __version__
from codeassist.parsing.parse import ParseResult, parse_source
from codeassist.storage import cache_root, write_atomic

FORMAT = 2  # bump when the entry encoding changes (1 was pickle)

# A crafted entry may be a zlib bomb: never inflate more than a parse of this text can need
# (unit bodies nest, so a character can appear once per enclosing unit).
_EXPANSION = 64
_EXPANSION_FLOOR = 1 << 20


@cache
def cache_dir() -> Path:
    """Return this version's parse cache directory (not created yet).

    Returns:
        `<cache root>/parse-v<format>-<version>-<parser fingerprint>`.
    """
    return cache_root() / f"parse-v{FORMAT}-{__version__}-{_parser_fingerprint()}"


def _parser_fingerprint() -> str:
    digest = hashlib.sha256()
    root = resources.files("codeassist")
    sources = _files(root / "parsing") + [root / "records.py", root / "languages.py"]
    for entry in sorted(sources, key=str):
        digest.update(str(entry).encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


def _files(folder: resources.abc.Traversable) -> list[resources.abc.Traversable]:
    found = []
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            found += _files(entry)
        elif entry.name.endswith((".py", ".scm")):
            found.append(entry)
    return found


def parse_cached(text: str, language: str, path: str, *, enabled: bool = True) -> ParseResult:
    """Parse `text`, or return the cached result of parsing the same text at the same path.

    Args:
        text: The file content.
        language: Its language registry name.
        path: The repository-relative path recorded in the units.
        enabled: False to bypass the cache.

    Returns:
        The parse result.
    """
    if not enabled:
        return parse_source(text, language, path)
    source = text.encode("utf-8", "surrogatepass")
    key = hashlib.sha256(b"\0".join((path.encode("utf-8", "surrogatepass"), language.encode(), source))).hexdigest()
    entry = cache_dir() / key[:2] / f"{key}.json.z"
    limit = _EXPANSION_FLOOR + _EXPANSION * len(source)
    try:
        cached = decode(_read_regular(entry, limit), limit)
        if all(unit.path == path and unit.language == language for unit in cached.units):
            return cached
        raise ValueError("units of another file")
    except (FileNotFoundError, NotADirectoryError):
        pass  # not cached yet
    except (OSError, ValueError, TypeError, RecursionError):
        _warn_corrupt(entry)
        with contextlib.suppress(OSError):
            entry.unlink()  # a link or a FIFO is replaced, never written through
    result = parse_source(text, language, path)
    _store(entry, result)
    return result


def _read_regular(entry: Path, limit: int) -> bytes:
    # O_NONBLOCK: a FIFO planted where an entry lives must not hang the run.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    handle = os.open(entry, flags)
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise ValueError("not a regular file")
        return stream.read(limit + 1)


def _store(entry: Path, result: ParseResult) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Atomic: concurrent hook runs see the old file or the new one, never half of it.
        write_atomic(entry, encode(result), durable=False)
    except OSError:
        _warn_unwritable()


def encode(result: ParseResult) -> bytes:
    """Return a parse result as a cache entry: zlib-compressed JSON of positional records.

    Args:
        result: The parse result.

    Returns:
        The entry's bytes.
    """
    text = json.dumps(_plain(result), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def decode(data: bytes, limit: int) -> ParseResult:
    """Read a cache entry back into the typed records it was made from.

    Args:
        data: The entry's bytes.
        limit: The most bytes the entry may inflate to.

    Returns:
        The parse result, equal to the one encoded.

    Raises:
        ValueError: The entry is not zlib data or not JSON, or inflates past `limit`.
        TypeError: The JSON is not the exact shape of a ParseResult (a field missing or of
            another type).
    """
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, limit)
    except zlib.error as exc:
        raise ValueError(f"not zlib data: {exc}") from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("entry truncated or larger than its limit")
    return _reader(ParseResult)(json.loads(text.decode("utf-8", "surrogatepass")))


def _plain(value: Any) -> Any:
    if value is None or type(value) in _SCALARS:
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return [_plain(getattr(value, name)) for name in _field_names(type(value))]


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


_SCALARS = (str, int, bool)


def _exact_types(hint: Any) -> tuple[type, ...] | None:
    """Return the JSON value types a scalar (or optional scalar) field accepts; None otherwise."""
    if hint in _SCALARS:
        return (hint,)
    args = typing.get_args(hint)
    if _is_optional(hint) and all(arg in _SCALARS or arg is type(None) for arg in args):
        return args
    return None


def _is_optional(hint: Any) -> bool:
    args = typing.get_args(hint)
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args


@cache
def _reader(hint: Any) -> Callable[[Any], Any]:
    """Build, once per type, a function that checks a JSON value and rebuilds `hint` from it.

    Types are checked exactly (a bool is not an int here, a list is not a tuple); scalars are
    checked inline rather than through a call each, which keeps a warm cache several times
    faster than parsing.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    exact = _exact_types(hint)
    if exact is not None:
        def scalar(value: Any) -> Any:
            if type(value) not in exact:
                raise TypeError(f"expected {hint}, got {type(value).__name__}")
            return value
        return scalar
    if _is_optional(hint):
        inner = _reader(args[0] if args[1] is type(None) else args[1])
        return lambda value: None if value is None else inner(value)
    if origin in (tuple, list) and (len(args) == 1 or (len(args) == 2 and args[1] is Ellipsis)):
        return _sequence_reader(args[0], origin)
    if origin is tuple:
        return _record_reader(tuple, list(args))
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return _record_reader(hint, [hints[name] for name in _field_names(hint)])
    raise TypeError(f"no cache encoding for {hint!r}")


def _sequence_reader(item_hint: Any, kind: type) -> Callable[[Any], Any]:
    exact = _exact_types(item_hint)
    if exact is not None:
        def scalars(value: Any) -> Any:
            if not all(type(item) in exact for item in _list(value)):
                raise TypeError(f"expected a list of {item_hint}")
            return kind(value)
        return scalars
    item = _reader(item_hint)
    return lambda value: kind([item(v) for v in _list(value)])


def _record_reader(build: Callable[..., Any], hints: list[Any]) -> Callable[[Any], Any]:
    """Read a record written as the list of its fields, positionally."""
    plan = [(exact, None if exact is not None else _reader(hint)) for hint in hints for exact in [_exact_types(hint)]]
    count = len(plan)

    def record(value: Any) -> Any:
        fields = []
        for (exact, nested), item in zip(plan, _list(value, count)):
            if nested is not None:
                item = nested(item)
            elif type(item) not in exact:
                raise TypeError(f"expected {exact}, got {type(item).__name__}")
            fields.append(item)
        return build(fields) if build is tuple else build(*fields)
    return record


def _list(value: Any, length: int | None = None) -> list[Any]:
    if type(value) is not list or (length is not None and len(value) != length):
        raise TypeError("expected a list" + (f" of {length}" if length is not None else ""))
    return value


@cache
def _warn_corrupt(entry: Path) -> None:
    print(f"codeassist: warning: corrupt parse cache entry {entry} rebuilt", file=sys.stderr)


@cache
def _warn_unwritable() -> None:
    print(f"codeassist: warning: cannot write the parse cache in {cache_dir()}; running without it", file=sys.stderr)
