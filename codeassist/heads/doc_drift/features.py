"""CA201's features: what the encoders and the parse trees say about one (doc, old code, new code).

For one example the feature builder gives

- similarity features from the two encoders: doc↔old code, doc↔new code, their drop, and
  old↔new code;
- structural edit features from the two parse trees: parameters added/removed, documented
  parameters that left the signature, return value lost/gained, raised exceptions and calls
  added/removed, the size of the edit, and identifiers the documentation mentions that
  vanished from the code;
- vector features of the fused pair: doc ⊙ new code, |doc − new code|, new − old code;
- cross-encoder features (early fusion, `codeassist.heads.cross_encoder`): how well the old doc
  describes the old code and the new code when MiniLM reads each pair in one sequence, and
  the drop; computed only for a head that reads them.

`feature_rows` builds the rows a head reads, for the recipe (training/recipes/
train_doc_drift_head.py, which fits a `weighted`, a `linear` and an `mlp` head on them) and
for the rule alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from codeassist.parsing.doc_values import Contradiction, newly_contradicted, newly_contradicted_in_prose
from codeassist.parsing.docstrings import JAVADOC, JSDOC, PYTHON, RUSTDOC, GODOC, clean_name, parse_doc, summary_of
from codeassist.parsing.parse import parse_source
from codeassist.records import RECEIVER, TYPE_PARAMETER, CodeUnit, ParsedDoc

if TYPE_CHECKING:
    from codeassist.encoders.cache import EmbeddingCache

SIMILARITY = ("sim_doc_old", "sim_doc_new", "sim_drop", "sim_code_code")
# Parameter changes count only through what the documentation says about them: renaming a
# parameter that a one-line summary never mentions does not make the summary stale.
STRUCTURAL = (
    "doc_params_gone", "doc_params_stale_before",
    "added_params_undocumented", "return_annotation_changed", "return_value_lost",
    "return_value_gained", "doc_returns_without_value", "raises_added", "raises_removed",
    "doc_raises_gone", "calls_added", "calls_removed", "edit_size", "old_lines_log",
    "new_lines_log", "vanished_doc_identifiers", "vanished_doc_identifier_share", "yields_changed",
)
LATE = SIMILARITY + STRUCTURAL  # what the encoders and the parser give (late fusion)
CROSS = ("cross_doc_old", "cross_doc_new", "cross_drop")
FEATURES = LATE + CROSS  # every scalar a head may read; vector features follow when asked
CONVENTIONS = {"python": PYTHON, "javascript": JSDOC, "typescript": JSDOC, "tsx": JSDOC,
               "java": JAVADOC, "rust": RUSTDOC, "go": GODOC}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_KEYWORDS = frozenset({"if", "for", "while", "return", "def", "print", "elif", "switch", "catch",
                       "function", "with", "assert", "not", "and", "or", "in", "lambda", "yield"})


@dataclass(frozen=True)
class Facts:
    """What the parser saw in one version of a unit (None fields when it did not parse)."""

    unit: CodeUnit | None
    identifiers: frozenset[str]
    calls: frozenset[str]
    lines: int


@lru_cache(maxsize=2048)
def facts(code: str, language: str) -> Facts:
    """Parse a unit's code and collect what the structural features compare (once per code).

    Scoring, the documented-default check and the explanation all read the same versions.

    Args:
        code: The source of one unit (with or without its documentation).
        language: The language registry name.

    Returns:
        The unit (first one found), identifiers, call names and line count.
    """
    units = parse_source(code, language, "<unit>").units
    names = set(_IDENTIFIER.findall(code))
    calls = {name for name in _CALL.findall(code) if name not in _KEYWORDS}
    return Facts(units[0] if units else None, frozenset(names), frozenset(calls), code.count("\n") + 1)


def changed_defaults(example: Example) -> list[Contradiction]:
    """Return the documented defaults that held for the old code and that the new code contradicts.

    Both kinds: a parameter's stated default ("Defaults to 5.") and a count in the prose that
    a parameter's old default equalled ("Tries up to 3 times" over `retries=3`).

    Args:
        example: One changed unit.

    Returns:
        The contradictions (empty when either version does not parse).
    """
    old, new = facts(example.old_code, example.language), facts(example.new_code, example.language)
    if old.unit is None or new.unit is None:
        return []
    stated = newly_contradicted(parsed_doc(example.old_doc, example.language), old.unit.params, new.unit.params)
    named = {found.stated.param for found in stated}
    prose = newly_contradicted_in_prose(example.old_doc, old.unit.params, new.unit.params)
    return stated + [found for found in prose if found.stated.param not in named]


def _param_names(unit: CodeUnit | None) -> list[str]:
    if unit is None:
        return []
    return [p.name for p in unit.params if p.kind not in (RECEIVER, TYPE_PARAMETER)]


@lru_cache(maxsize=2048)
def parsed_doc(doc: str, language: str) -> ParsedDoc:
    """Parse documentation text in its language's convention (once per text).

    Args:
        doc: The documentation without comment markers.
        language: The language registry name.

    Returns:
        Its sections.
    """
    return parse_doc(doc, CONVENTIONS.get(language, PYTHON))


def structural_features(doc: str, old: Facts, new: Facts, language: str) -> dict[str, float]:
    """Compute the structural edit features of one example.

    Args:
        doc: The old documentation.
        old: Facts of the old code.
        new: Facts of the new code.
        language: The language registry name.

    Returns:
        One value per name in STRUCTURAL.
    """
    sections = parsed_doc(doc, language)
    before, after = set(_param_names(old.unit)), set(_param_names(new.unit))
    documented = {clean_name(item.name).split(".")[0] for item in sections.params or ()}
    old_unit, new_unit = old.unit, new.unit
    old_returns = bool(old_unit and old_unit.returns_value)
    new_returns = bool(new_unit and new_unit.returns_value)
    old_raises = set(old_unit.raises if old_unit else ())
    new_raises = set(new_unit.raises if new_unit else ())
    doc_raises = {item.name.rsplit(".", 1)[-1] for item in sections.raises or ()}
    mentioned = set(_IDENTIFIER.findall(doc)) & old.identifiers
    vanished = mentioned - new.identifiers
    ratio = SequenceMatcher(a=_lines(old), b=_lines(new), autojunk=False).ratio() if old.unit and new.unit else 0.0
    return {
        "doc_params_gone": len((documented & before) - after),
        "doc_params_stale_before": len(documented - before),
        "added_params_undocumented": len((after - before) - documented) if documented else 0.0,
        "return_annotation_changed": float(bool(old_unit and new_unit and old_unit.returns != new_unit.returns)),
        "return_value_lost": float(old_returns and not new_returns),
        "return_value_gained": float(new_returns and not old_returns),
        "doc_returns_without_value": float(sections.returns is not None and not new_returns),
        "raises_added": len(new_raises - old_raises),
        "raises_removed": len(old_raises - new_raises),
        "doc_raises_gone": len({r for r in doc_raises if r in {x.rsplit('.', 1)[-1] for x in old_raises}}
                               - {x.rsplit(".", 1)[-1] for x in new_raises}),
        "calls_added": len(new.calls - old.calls),
        "calls_removed": len(old.calls - new.calls),
        "edit_size": 1.0 - ratio,
        "old_lines_log": math.log1p(old.lines),
        "new_lines_log": math.log1p(new.lines),
        "vanished_doc_identifiers": len(vanished),
        "vanished_doc_identifier_share": len(vanished) / len(mentioned) if mentioned else 0.0,
        "yields_changed": float(bool(old_unit and new_unit and old_unit.yields != new_unit.yields)),
    }


def _lines(item: Facts) -> list[str]:
    return [line.strip() for line in (item.unit.body if item.unit else "").splitlines() if line.strip()]


def similarity_features(doc: np.ndarray, old: np.ndarray, new: np.ndarray) -> dict[str, float]:
    """Compute the encoder similarities of one example (vectors are L2-normalised).

    Args:
        doc: The documentation's vector.
        old: The old code's vector.
        new: The new code's vector.

    Returns:
        One value per name in SIMILARITY.
    """
    before, after = float(doc @ old), float(doc @ new)
    return {"sim_doc_old": before, "sim_doc_new": after, "sim_drop": before - after,
            "sim_code_code": float(old @ new)}


def vector_features(doc: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Fuse the pair's vectors: doc ⊙ new, |doc − new|, new − old.

    Args:
        doc: The documentation's vector.
        old: The old code's vector.
        new: The new code's vector.

    Returns:
        A float32 vector three times the encoder dimension.
    """
    return np.concatenate([doc * new, np.abs(doc - new), new - old]).astype(np.float32)


class Example(NamedTuple):
    """One question for the drift head: is `old_doc` stale for `new_code`?"""

    old_doc: str
    old_code: str
    new_code: str
    language: str = "python"


def feature_rows(examples: Sequence[Example], names: Sequence[str] = FEATURES, *, vectors: bool = False,
                 cache: EmbeddingCache | None = None) -> np.ndarray:
    """Build the feature matrix a head reads, encoding all examples in three batches.

    Args:
        examples: The examples.
        names: The scalar features, in the head's order (a subset of FEATURES).
        vectors: Whether the vector features follow the scalar ones.
        cache: An embedding cache, so unchanged code and docs are not encoded again.

    Returns:
        (n, d) float32 features.
    """
    from codeassist.encoders import encode_code, encode_docs
    docs = encode_docs([summary_of(e.old_doc) or e.old_doc for e in examples], cache=cache)
    rows = []
    by_language: dict[str, list[int]] = {}
    for index, example in enumerate(examples):
        by_language.setdefault(example.language, []).append(index)
    old = np.zeros_like(docs)
    new = np.zeros_like(docs)
    for language, indices in by_language.items():
        old[indices] = encode_code([examples[i].old_code for i in indices], language, cache=cache)
        new[indices] = encode_code([examples[i].new_code for i in indices], language, cache=cache)
    crossed = cross_features(examples) if set(names) & set(CROSS) else None
    for index, example in enumerate(examples):
        scalars = similarity_features(docs[index], old[index], new[index])
        scalars |= structural_features(
            example.old_doc, facts(example.old_code, example.language),
            facts(example.new_code, example.language), example.language,
        )
        if crossed is not None:
            scalars |= dict(zip(CROSS, crossed[index].tolist()))
        row = np.array([scalars[name] for name in names], dtype=np.float32)
        if vectors:
            row = np.concatenate([row, vector_features(docs[index], old[index], new[index])])
        rows.append(row)
    return np.stack(rows) if rows else np.zeros((0, len(names)), dtype=np.float32)


def cross_features(examples: Sequence[Example], directory: Path | None = None) -> np.ndarray:
    """The cross-encoder's columns (CROSS) of each example: P(doc fits old code), P(fits new code), the drop.

    Args:
        examples: The examples.
        directory: A cross-encoder directory (default: the shipped one).

    Returns:
        (n, 3) float32.

    Raises:
        ModelMissing: When no cross-encoder is installed.
    """
    from codeassist.heads import cross_encoder as cross

    model = cross.load(directory) if directory is not None else cross.shipped()
    docs = [e.old_doc for e in examples]
    before = model.scores(docs, [e.old_code for e in examples])
    after = model.scores(docs, [e.new_code for e in examples])
    return np.stack([before, after, before - after], axis=1).astype(np.float32).reshape(len(examples), len(CROSS))
