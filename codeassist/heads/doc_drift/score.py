"""Semantic doc/code drift: is the old documentation stale for the new code?

`drift_score` fuses the two encoders' vectors with structural edit features through the
shipped fusion head (see fusion.py) and returns a calibrated probability; 0.5 is exactly the
threshold at which `review` reports CA201. `explain` says which part of the documentation
no longer matches which change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from codeassist.heads.doc_drift.features import (
    Facts, Head, facts, parsed_doc, shipped_head, similarity_features, structural_features,
    vector_features,
)
from codeassist.parsing.docstrings import clean_name, summary_of
from codeassist.records import RECEIVER, TYPE_PARAMETER

if TYPE_CHECKING:
    from codeassist.encoders.cache import EmbeddingCache


class Example(NamedTuple):
    """One question for the drift head: is `old_doc` stale for `new_code`?"""

    old_doc: str
    old_code: str
    new_code: str
    language: str = "python"


def feature_rows(examples: Sequence[Example], head: Head, cache: EmbeddingCache | None = None) -> np.ndarray:
    """Build the feature matrix a head reads, encoding all examples in three batches.

    Args:
        examples: The examples.
        head: The head, for its feature names and whether it reads vectors.
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
    for index, example in enumerate(examples):
        scalars = similarity_features(docs[index], old[index], new[index])
        scalars |= structural_features(
            example.old_doc, facts(example.old_code, example.language),
            facts(example.new_code, example.language), example.language,
        )
        row = np.array([scalars[name] for name in head.names], dtype=np.float32)
        if head.vectors:
            row = np.concatenate([row, vector_features(docs[index], old[index], new[index])])
        rows.append(row)
    return np.stack(rows) if rows else np.zeros((0, len(head.names)), dtype=np.float32)


def drift_scores(
    examples: Sequence[Example], head: Head | None = None, cache: EmbeddingCache | None = None
) -> np.ndarray:
    """Score many examples at once.

    Args:
        examples: The examples.
        head: A fusion head; the shipped one by default.
        cache: An embedding cache for the encoders.

    Returns:
        Probabilities that each old documentation is stale for its new code.
    """
    head = head or shipped_head()
    if not examples:
        return np.zeros(0, dtype=np.float32)
    return head.probability(feature_rows(examples, head, cache))


def drift_score(old_doc: str, old_code: str, new_code: str, language: str = "python") -> float:
    """Return the probability that `old_doc` no longer describes `new_code`.

    Args:
        old_doc: The documentation as it was (without comment markers or quotes).
        old_code: The unit's code before the change.
        new_code: The unit's code after the change.
        language: The language registry name.

    Returns:
        A calibrated probability in [0, 1]; at 0.5 or above, review reports CA201.
    """
    return float(drift_scores([Example(old_doc, old_code, new_code, language)])[0])


def explain(old_doc: str, old_code: str, new_code: str, language: str = "python") -> str:
    """Say which part of the documentation no longer matches which change.

    Args:
        old_doc: The documentation as it was.
        old_code: The unit's code before the change.
        new_code: The unit's code after the change.
        language: The language registry name.

    Returns:
        One sentence for the finding's message.
    """
    old, new = facts(old_code, language), facts(new_code, language)
    sections = parsed_doc(old_doc, language)
    before = _params(old)
    after = _params(new)
    for item in sections.params or ():
        name = clean_name(item.name)
        if name in before and name not in after:
            added = [p for p in after if p not in before]
            if len(added) == 1:
                return f"documentation still describes parameter `{name}`, renamed to `{added[0]}` in this change"
            return f"documentation still describes parameter `{name}`, removed in this change"
    returns = sections.returns is not None and old.unit is not None and new.unit is not None
    if returns and old.unit.returns_value and not new.unit.returns_value:
        return "documentation describes a return value; the code no longer returns one"
    raised_before = {r.rsplit(".", 1)[-1] for r in (old.unit.raises if old.unit else ())}
    raised_after = {r.rsplit(".", 1)[-1] for r in (new.unit.raises if new.unit else ())}
    for item in sections.raises or ():
        name = item.name.rsplit(".", 1)[-1]
        if name in raised_before and name not in raised_after:
            return f"documentation says it raises `{name}`, which the code no longer raises"
    if returns and old.unit.returns and new.unit.returns and old.unit.returns != new.unit.returns:
        return (f"documentation describes the return value of `-> {old.unit.returns}`; "
                f"it now returns `{new.unit.returns}`")
    mentioned = [w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", old_doc) if w in old.identifiers]
    vanished = [w for w in dict.fromkeys(mentioned) if w not in new.identifiers]
    if vanished:
        names = ", ".join(f"`{w}`" for w in vanished[:3])
        return f"documentation mentions {names}, which the code no longer uses"
    return f"documentation sentence “{_least_similar_sentence(old_doc, new_code, language)}” no longer matches the code"


def _params(item: Facts) -> list[str]:
    if item.unit is None:
        return []
    return [p.name for p in item.unit.params if p.kind not in (RECEIVER, TYPE_PARAMETER)]


def _least_similar_sentence(doc: str, code: str, language: str) -> str:
    from codeassist.encoders import encode_code, encode_docs
    prose = " ".join(line.strip() for line in doc.splitlines() if line.strip() and not line.strip().startswith(">>>"))
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", prose) if len(s.split()) >= 3][:12]
    if not sentences:
        return summary_of(doc)[:120]
    scores = encode_docs(sentences) @ encode_code([code], language)[0]
    sentence = sentences[int(np.argmin(scores))]
    return sentence if len(sentence) <= 120 else sentence[:117] + "..."
