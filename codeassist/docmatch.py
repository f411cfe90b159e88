"""Prose in documentation that seems to describe code a change altered (CA301's semantic half).

Each removed unit, and each unit that lost or renamed a parameter, becomes a query built from
its old version: its name in words, its old signature and the first paragraph of its old
documentation. Prose chunks (paragraphs, list items) are scored against the query by the
documentation encoder (cosine) together with a lexical prior (`features`): the share of a
compound name's words the chunk uses (`parse_date` → "parse", "date"), a one-word name
written as code, the identifier itself, a removed parameter named, the module named. A
logistic combination, fitted and thresholded for precision by
`training/recipes/tune_doc_mentions.py`, decides.

Only chunks with lexical evidence for some change are embedded (`evidence`): prose about a
removed unit names some of its words, prose made wrong by a lost parameter names the
parameter. That keeps a first review of a large documentation tree fast and most noise out;
the price is that prose describing a unit without any of its words is not found.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from codeassist.docscan import DOC_SUFFIXES, ProseChunk
from codeassist.units import CLASS, RECEIVER, VAR_KEYWORD, VAR_POSITIONAL, CodeUnit

if TYPE_CHECKING:
    import numpy as np

    from codeassist.pairing import UnitChange

# Fitted by training/recipes/tune_doc_mentions.py (configs/tune_doc_mentions.toml, 2026-11-28):
# logistic weights for FEATURES (cosine, then the lexical prior of `features`) and bias, on
# 4,965 candidate chunks of 16 packages' release histories; THRESHOLD is the lowest with
# precision >= 0.85 there (P 0.86, R 0.33, 21 reported). Held out (marshmallow, arrow,
# boltons, paramiko, networkx; 631 chunks): P 1.00, R 0.50, 8 reported, by the mined labels.
# training/data/ca301_hand_check.md reads 20 reported chunks by hand: 18 right.
WEIGHTS = (1.803, 2.953, 2.422, 1.548, 1.144, 0.425)
BIAS = -2.97
THRESHOLD = 0.841

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")
# Name words too common in prose to be evidence on their own.
_WEAK = frozenset({
    "get", "set", "the", "and", "for", "new", "old", "add", "from", "with", "make", "run", "use",
    "init", "main", "data", "value", "values", "type", "name", "args", "kwargs", "self", "obj",
    "item", "items", "key", "keys", "str", "list", "dict", "default", "base", "util", "utils",
    "helper", "helpers", "core", "impl", "internal", "func", "function", "class", "method",
})
_MIN_WORD = 3
_MARKED = re.compile(r"`+([^`]+)`+")  # Markdown/reST code spans, reST roles, MyST roles
_NOT_API = re.compile(r"(^|/)(tests?|testing|demos?|examples?|benchmarks?)/|(^|/)(unit)?tests?[^/]*\.py$|_tests?\.py$",
                      re.I)
# Changelogs, release notes and migration guides name removed code on purpose.
_CHANGELOG = re.compile(r"(change|history|news|release|whats_?new|what_s_new|versions|migrat|upgrad|authors)", re.I)


def is_changelog(path: str) -> bool:
    """Whether a document is a changelog, release notes or a migration guide.

    Args:
        path: Repository-relative, `/`-separated.

    Returns:
        True when its path says so (CHANGES.rst, docs/releases/v1.0.rst, HISTORY.md, ...).
    """
    return bool(_CHANGELOG.search(path))


def is_prose_doc(path: str) -> bool:
    """Whether a file is user documentation to match: a top-level README, or docs/ and doc/.

    Args:
        path: Repository-relative, `/`-separated.

    Returns:
        True for Markdown and reST there, changelogs and release notes aside.
    """
    parts = PurePosixPath(path).parts
    if PurePosixPath(path).suffix.lower() not in DOC_SUFFIXES or is_changelog(path):
        return False
    return (len(parts) == 1 and parts[0].lower().startswith("readme")) or parts[0] in ("docs", "doc")


@dataclass(frozen=True)
class DocChange:
    """A changed unit that documentation may still describe.

    Attributes:
        path: The unit's file.
        qualname: Its qualified name before the change.
        what: What changed, as a clause ("parameter `timeout` was renamed to `deadline`").
        query: The text that stands for the old unit.
        words: Its distinctive name words, lower case.
        identifier: Its name when compound (`parse_date`, `ParseResults`), else "".
        params: Removed parameter names, lower case, unless they repeat a name word.
        module: The module name, lower case ("" when too generic).
        removed: The unit itself was removed (else it lost parameters).
    """

    path: str
    qualname: str
    what: str
    query: str
    words: frozenset[str]
    identifier: str
    params: frozenset[str]
    module: str
    removed: bool


def name_words(name: str) -> list[str]:
    """Split an identifier into lower-case words (`parseDate`, `parse_date` → parse, date).

    Args:
        name: An identifier, possibly dotted.

    Returns:
        Its words, in order.
    """
    return [word.lower() for part in re.split(r"[\W_]+", name) for word in _CAMEL.findall(part)]


def text_words(text: str) -> set[str]:
    """Return the lower-case words of prose, identifiers split as well as whole.

    Args:
        text: A chunk of prose.

    Returns:
        The set of words, with a trailing plural "s" also removed.
    """
    words: set[str] = set()
    for token in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        for word in {token.lower(), *name_words(token)}:
            words.add(word)
            if len(word) > 3 and word.endswith("s"):
                words.add(word[:-1])
    return words


def doc_changes(units: Iterable[tuple[str, UnitChange]]) -> list[DocChange]:
    """Pick the changed units whose old documentation in prose would now be wrong.

    Removed public units (not redefined elsewhere in the change) and units that lost or
    renamed a parameter; added parameters and body edits rarely falsify prose, and private
    names (`_helper`) are rarely described in user documentation.

    Args:
        units: (path, UnitChange) of the change.

    Returns:
        One DocChange per such unit.
    """
    units = list(units)
    still_defined = {change.new.name for _, change in units if change.new is not None}
    kept = new_params(units)
    functions = {(path, change.old.qualname) for path, change in units
                 if change.old is not None and change.old.kind != CLASS}
    found = []
    for path, change in units:
        old, new = change.old, change.new
        if old is None or any(part.startswith("_") for part in old.qualname.split(".")):
            continue
        if _NOT_API.search(path) or (path, old.qualname.rpartition(".")[0]) in functions:
            continue  # tests, demos and functions nested in functions are not what docs describe
        if new is None:
            if old.name in still_defined:
                continue  # moved, not removed
            what = f"`{old.qualname}` was removed from {path}"
            gone: list[str] = []
        elif change.signature:
            before = [p.name for p in old.params if p.kind != RECEIVER]
            after = [p.name for p in new.params if p.kind != RECEIVER]
            gone = [name for name in before if name not in after and name not in kept.get((path, new.qualname), ())]
            added = [name for name in after if name not in before]
            if not gone or any(p.kind in (VAR_POSITIONAL, VAR_KEYWORD) for p in new.params
                               if p.name in added):
                continue  # a new *args/**kwargs usually still takes what was "removed"
            if new.kind == CLASS and not new.params:
                continue  # the constructor is no longer visible (a dataclass, a base's), not gone
            if len(gone) == 1 and len(added) == 1:
                what = f"parameter `{gone[0]}` of `{old.qualname}` was renamed to `{added[0]}`"
            else:
                listed = ", ".join(f"`{name}`" for name in gone)
                what = f"`{old.qualname}` lost parameter(s) {listed}"
        else:
            continue
        words = frozenset(w for w in name_words(old.name) if len(w) >= _MIN_WORD and w not in _WEAK)
        params = frozenset(p.lower() for p in gone if len(p) >= _MIN_WORD) - words - _WEAK
        module = PurePosixPath(path).stem.lower()
        module = "" if module.startswith("_") or module in _WEAK or len(module) < _MIN_WORD else module
        found.append(DocChange(
            path=path, qualname=old.qualname, what=what, query=query_text(old),
            words=words, identifier=old.name if len(name_words(old.name)) >= 2 else "", params=params,
            module=module, removed=new is None,
        ))
    return found


def new_params(units: Iterable[tuple[str, UnitChange]]) -> dict[tuple[str, str], set[str]]:
    """Return every parameter name each unit takes after the change, over all its versions.

    Overloads (`@overload`, several signatures of one name) pair up in order, so one of them
    can look like it lost a parameter that the others still take.

    Args:
        units: (path, UnitChange) of the change.

    Returns:
        Parameter names by (path, qualified name).
    """
    found: dict[tuple[str, str], set[str]] = {}
    for path, change in units:
        if change.new is not None:
            found.setdefault((path, change.new.qualname), set()).update(p.name for p in change.new.params)
    return found


def query_text(unit: CodeUnit) -> str:
    """Return the text that stands for a unit when matching prose: name, signature, summary.

    Args:
        unit: The old version of the unit.

    Returns:
        e.g. "parse date — parse_date(text, tz): Parse an ISO date string."
    """
    params = ", ".join(p.name for p in unit.params if p.kind != RECEIVER)
    summary = ""
    if unit.doc is not None:
        summary = " ".join(unit.doc.text.strip().split("\n\n")[0].split())
    return f"{' '.join(name_words(unit.qualname))} — {unit.qualname}({params}): {summary}".strip()


FEATURES = ("cosine", "share", "single", "exact", "param", "module")


def features(change: DocChange, words: set[str], tokens: set[str], marked: set[str]) -> tuple[float, ...]:
    """Return the lexical prior of a chunk for a change.

    A one-word name or parameter ("context", "charset") is an ordinary English word too, so
    it counts only when the chunk writes it as code (in backticks or a reST role).

    Args:
        change: The changed unit.
        words: The chunk's `text_words`.
        tokens: The chunk's identifiers as written.
        marked: The `text_words` of the chunk's code spans and roles.

    Returns:
        (share of a compound name's words present, 1.0 if a one-word name is written as
        code, 1.0 if the compound identifier itself is written, 1.0 if a removed parameter
        is named, 1.0 if the module is named) — FEATURES after the cosine.
    """
    compound = len(change.words) >= 2
    share = len(change.words & words) / len(change.words) if compound else 0.0
    single = float(not compound and bool(change.words) and change.words <= marked)
    params = {p for p in change.params & words if "_" in p or p in marked}
    return (
        share,
        single,
        float(bool(change.identifier) and change.identifier in tokens),
        float(bool(params)),
        float(bool(change.module) and change.module in words),
    )


def evidence(change: DocChange, prior: tuple[float, ...]) -> bool:
    """Whether a chunk may describe what changed, enough to embed it.

    Prose about a removed unit names some of its words; prose made wrong by a lost
    parameter names the parameter (a paragraph about the function that never mentions the
    parameter is still right). The module name alone is no evidence.

    Args:
        change: The changed unit.
        prior: The output of `features`.

    Returns:
        True when the chunk is a candidate for the change.
    """
    return any(prior[:3]) if change.removed else bool(prior[3])


def score(cosine: float, prior: tuple[float, ...]) -> float:
    """Combine the cosine similarity and the lexical prior into a probability-like score.

    Args:
        cosine: Cosine between the chunk and the unit's query.
        prior: The output of `features`.

    Returns:
        A value in (0, 1); THRESHOLD or more is reported.
    """
    z = BIAS + sum(w * x for w, x in zip(WEIGHTS, (cosine, *prior), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Match:
    """The changed unit a prose chunk seems to describe.

    Attributes:
        chunk: The chunk.
        change: The unit.
        cosine: Their cosine similarity.
        score: The combined score.
    """

    chunk: ProseChunk
    change: DocChange
    cosine: float
    score: float


def chunk_text(chunk: ProseChunk) -> str:
    """Return what the encoder reads for a chunk: section title and prose.

    Args:
        chunk: A prose chunk.

    Returns:
        "Section: text", or the text alone before any title.
    """
    return f"{chunk.section}: {chunk.text}" if chunk.section else chunk.text


def candidates(
    changes: Sequence[DocChange], chunks: Sequence[ProseChunk], encode: Callable[[list[str]], np.ndarray]
) -> list[tuple[ProseChunk, list[tuple[float, ...]], np.ndarray]]:
    """Score the chunks that share a name word or parameter with some change against every change.

    Args:
        changes: The changed units.
        chunks: Prose chunks of the documentation.
        encode: Embeds texts into L2-normalised rows (the documentation encoder).

    Returns:
        (chunk, its prior for each change, its cosine with each change) per chunk kept.
    """
    kept = []
    for chunk in chunks:
        words = text_words(chunk.text)
        tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", chunk.text))
        marked = text_words(" ".join(_MARKED.findall(chunk.text)))
        priors = [features(change, words, tokens, marked) for change in changes]
        # The module name alone is too weak to be evidence ("client", "models" are common words).
        if any(evidence(change, prior) for change, prior in zip(changes, priors, strict=True)):
            kept.append((chunk, priors))
    if not kept or not changes:
        return []
    vectors = encode([c.query for c in changes] + [chunk_text(chunk) for chunk, _ in kept])
    queries, rows = vectors[: len(changes)], vectors[len(changes):]
    return [(chunk, priors, sims) for (chunk, priors), sims in zip(kept, rows @ queries.T, strict=True)]


def best_matches(
    changes: Sequence[DocChange],
    chunks: Sequence[ProseChunk],
    encode: Callable[[list[str]], np.ndarray],
    *,
    threshold: float = THRESHOLD,
) -> list[Match]:
    """Find, for each chunk with lexical evidence, the changed unit it best matches.

    Args:
        changes: The changed units.
        chunks: Prose chunks of the documentation.
        encode: Embeds texts into L2-normalised rows (the documentation encoder).
        threshold: Keep matches scoring at least this.

    Returns:
        At most one match per chunk, in chunk order.
    """
    matches = []
    for chunk, priors, sims in candidates(changes, chunks, encode):
        best, cosine, j = max(
            (score(float(s), prior), float(s), j) for j, (s, prior) in enumerate(zip(sims, priors, strict=True))
            if evidence(changes[j], prior)
        )
        if best >= threshold:
            matches.append(Match(chunk, changes[j], cosine, best))
    return matches
