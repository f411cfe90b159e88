"""Parse results cached by content hash, so repeated hook runs on a big repository stay fast.

Entries live in a versioned directory of the user cache (`CODEASSIST_CACHE_DIR` overrides
it). The version includes a fingerprint of the parser's own source files, the language
registry and the records it builds, so a changed extractor or record never serves stale units. A corrupt entry is rebuilt with a warning; an unusable
cache directory only turns caching off.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from functools import cache
from importlib import resources
from pathlib import Path

from codeassist import __version__
from codeassist.storage import cache_root, write_atomic
from codeassist.parsing.parse import ParseResult, parse_source

FORMAT = 1  # bump when ParseResult's pickled shape changes


@cache
def cache_dir() -> Path:
    """Return this version's parse cache directory (not created yet).

    Returns:
        `<cache root>/parse-<version>`.
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
    key = hashlib.sha256("\0".join((path, language, text)).encode("utf-8", "surrogatepass")).hexdigest()
    entry = cache_dir() / key[:2] / f"{key}.pickle"
    try:
        with entry.open("rb") as stream:
            cached = pickle.load(stream)
        if isinstance(cached, ParseResult):
            return cached
        raise pickle.UnpicklingError("not a ParseResult")
    except FileNotFoundError:
        pass
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        print(f"codeassist: warning: corrupt parse cache entry {entry} rebuilt", file=sys.stderr)
    result = parse_source(text, language, path)
    _store(entry, result)
    return result


def _store(entry: Path, result: ParseResult) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Atomic: concurrent hook runs see the old file or the new one, never half of it.
        write_atomic(entry, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        _warn_unwritable(entry.parent)


@cache
def _warn_unwritable(directory: Path) -> None:
    print(f"codeassist: warning: cannot write the parse cache in {directory}; running without it", file=sys.stderr)
