"""The repository index and hybrid search over it.

`codeassist index [PATH]` parses every source file under the project root, embeds each unit
with the code encoder and stores the result in `<root>/.codeassist/index/` (which ignores
itself through its own `.gitignore`):

- `manifest.json`: the encoder id and, per file, the sha256 of its content and its units;
- `vectors.npy`: one float32 row per unit, in manifest order;
- `bm25/`: the BM25 index of the units' text (`bm25s` format).

Refreshing is incremental: a file whose content hash is unchanged keeps its units and
vectors, and vectors of changed files come from the embedding cache when the unit itself did
not change, so editing one function re-embeds one function. Search ranks every unit twice,
by BM25 over its text and by cosine between the query's doc-encoder vector and the unit's
code vector, and fuses the two rankings with RRF (`codeassist.encoders.lexical`).

Scale: the vectors live in one numpy matrix searched exhaustively, 1.5 KB per unit, about
15 ms per query at 100k units; past a few hundred thousand units an ANN library (hnswlib,
faiss) would replace the matrix product. See docs/search.md for measured index times.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from codeassist.encoders.cache import EmbeddingCache
    from codeassist.changes.files import SourceFile
    from codeassist.records import CodeUnit

INDEX_DIR = Path(".codeassist") / "index"
FORMAT = 1


@dataclass(frozen=True)
class IndexedUnit:
    """What the index keeps of a unit: where it is and the text BM25 reads."""

    path: str
    language: str
    qualname: str
    kind: str
    start_line: int
    end_line: int
    text: str


@dataclass(frozen=True)
class Hit:
    """One search result."""

    path: str
    line: int
    qualname: str
    kind: str
    score: float

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind} {self.qualname} ({self.score:.4f})"


@dataclass(frozen=True)
class IndexStats:
    """What one `build` did."""

    files: int
    units: int
    reparsed_files: int
    skipped: list[str]


def index_dir(root: Path) -> Path:
    """Return where the index of a project lives.

    Args:
        root: The project root.

    Returns:
        `<root>/.codeassist/index`.
    """
    return root / INDEX_DIR


Progress = Callable[[str, int], Callable[[int], None]]


def build(root: Path, *, cache: EmbeddingCache | None = None, progress: Progress | None = None) -> IndexStats:
    """Build or refresh the index of the project at `root`.

    Args:
        root: The project root.
        cache: The embedding cache (default: the one in the user cache directory).
        progress: Starts a stage (a description and a total) and returns its `advance(n)`.

    Returns:
        Counts of what was indexed and the files skipped (with why).
    """
    import numpy as np

    from codeassist.changes import files
    from codeassist.encoders.cache import EmbeddingCache
    from codeassist.encoders.code import encode_code, encoder_id
    from codeassist.encoders.lexical import BM25
    from codeassist.parsing.parse import parse_source
    from codeassist.records import Skipped

    directory = index_dir(root)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ".gitignore").write_text("*\n")
    cache = cache if cache is not None else EmbeddingCache()
    old_units, old_vectors, old_files = _load(directory, encoder_id())
    sources, skipped = files.collect([root], root)
    advance = progress("parsing", len(sources)) if progress else (lambda n: None)
    # Per file: (digest, units, vectors or None when they must be computed).
    entries: list[tuple[str, str, list[IndexedUnit], np.ndarray | None]] = []
    todo: dict[str, list[tuple[int, str]]] = {}  # language → (unit number, source to embed)
    count = 0
    for source in sources:
        advance(1)
        data = _read(source)
        if data is None:
            skipped.append(Skipped(source.rel, "not UTF-8 text or too large"))
            continue
        digest = hashlib.sha256(data.encode("utf-8")).hexdigest()
        previous = old_files.get(source.rel)
        if previous is not None and previous["sha256"] == digest:
            start, n = previous["start"], previous["count"]
            entries.append((source.rel, digest, old_units[start : start + n], old_vectors[start : start + n]))
        else:
            parsed = parse_source(data, source.language, source.rel).units
            entries.append((source.rel, digest, [_indexed(u) for u in parsed], None))
            # The parser cuts a unit at its keyword: give its first line back its indentation.
            todo.setdefault(source.language, []).extend(
                (count + i, " " * (u.start_col - 1) + u.body) for i, u in enumerate(parsed))
        count += len(entries[-1][2])

    matrix = np.zeros((count, 384), dtype=np.float32)
    advance = progress("embedding", sum(len(v) for v in todo.values())) if progress else (lambda n: None)
    for language, items in todo.items():
        for chunk in range(0, len(items), 256):  # chunks keep the bar moving and memory flat
            part = items[chunk : chunk + 256]
            matrix[[i for i, _ in part]] = encode_code([body for _, body in part], language, cache=cache)
            advance(len(part))
    units: list[IndexedUnit] = []
    manifest_files: dict[str, dict] = {}
    for rel, digest, found, vectors in entries:
        if vectors is not None:
            matrix[len(units) : len(units) + len(found)] = vectors
        manifest_files[rel] = {"sha256": digest, "start": len(units), "count": len(found)}
        units += found
    np.save(directory / "vectors.npy", matrix)
    if units:
        BM25([u.text for u in units]).save(directory / "bm25")
    manifest = {"format": FORMAT, "encoder": encoder_id(), "files": manifest_files,
                "units": [asdict(u) for u in units]}
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    reparsed = sum(1 for entry in entries if entry[3] is None)
    return IndexStats(len(sources), len(units), reparsed, [f"{s.path}: {s.reason}" for s in skipped])


def _read(source: SourceFile) -> str | None:
    from codeassist.config import DEFAULT_MAX_FILE_BYTES
    from codeassist.changes.files import read_source
    return read_source(source.path, DEFAULT_MAX_FILE_BYTES)[0]


def _indexed(unit: CodeUnit) -> IndexedUnit:
    text = " ".join([unit.qualname, unit.doc.text if unit.doc else "", unit.body])
    return IndexedUnit(unit.path, unit.language, unit.qualname, unit.kind, unit.start_line, unit.end_line, text)


def _load(directory: Path, encoder: str) -> tuple[list[IndexedUnit], np.ndarray, dict[str, dict]]:
    import numpy as np

    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        vectors = np.load(directory / "vectors.npy")
    except (OSError, ValueError):
        return [], np.zeros((0, 384), dtype=np.float32), {}
    if manifest.get("format") != FORMAT or manifest.get("encoder") != encoder:
        return [], vectors[:0], {}
    units = [IndexedUnit(**u) for u in manifest["units"]]
    if len(units) != len(vectors):
        return [], vectors[:0], {}
    return units, vectors, manifest["files"]


def search(root: Path, query: str, *, k: int = 10, cache: EmbeddingCache | None = None,
           rerank: int = 0) -> list[Hit]:
    """Rank the indexed units of a project for a free-text query (BM25 + dense, RRF).

    With `rerank`, the cross-encoder (`codeassist.heads.cross_encoder`) reads the query together
    with each of the best `rerank` units; they are reordered by reciprocal rank fusion of its
    probability with their fused order (on held-out packages this beats both the fused order and
    the cross-encoder's alone: `benchmarks/README.md`), which becomes their score; units below
    them keep the fused order and score.

    Args:
        root: The project root.
        query: What the code should do, in words (or identifiers).
        k: How many results.
        cache: The embedding cache for the query vector, or None.
        rerank: How many of the best fused candidates the cross-encoder reorders (0: none).

    Returns:
        The best `k` units, best first.

    Raises:
        CodeassistError: When the project has no index yet.
        ModelMissing: When `rerank` is asked and no cross-encoder is installed.
    """
    import numpy as np

    from codeassist.encoders.code import encoder_id
    from codeassist.encoders.text import encode_docs
    from codeassist.errors import CodeassistError
    from codeassist.encoders.lexical import BM25, cosine, rrf

    if not (index_dir(root) / "manifest.json").is_file():
        raise CodeassistError(f"no search index under {root}", "run `codeassist index` first")
    units, vectors, _ = _load(index_dir(root), encoder_id())
    if not units:
        raise CodeassistError("the search index is empty or was built by another encoder",
                              "run `codeassist index` to rebuild it")
    dense = cosine(encode_docs([query], cache=cache), vectors)[0]
    try:
        lexical = BM25.load(index_dir(root) / "bm25", len(units)).scores(query)
    except (OSError, ValueError):
        lexical = BM25([u.text for u in units]).scores(query)
    fused = rrf(lexical, dense)
    order = np.argsort(-fused, kind="stable")[: max(k, rerank)]
    scores = {int(i): float(fused[i]) for i in order}
    if rerank > 0:
        from codeassist.heads import cross_encoder as cross

        top = order[:rerank]
        probability = cross.shipped().scores([query] * len(top), [units[i].text for i in top])
        agreed = rrf(probability, fused[top])
        scores |= {int(i): float(s) for i, s in zip(top, agreed)}
        order = np.concatenate([top[np.argsort(-agreed, kind="stable")], order[rerank:]])
    return [Hit(units[i].path, units[i].start_line, units[i].qualname, units[i].kind, scores[int(i)])
            for i in order[:k]]
