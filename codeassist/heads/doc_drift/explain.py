"""Why CA201 reports a unit: which part of the documentation no longer matches which change.

The structural facts come first (a documented parameter that left the signature, a documented
default or a prose count the change contradicted, a return value or a raised exception that went away, a
changed return type, code names the documentation mentions that the code no longer uses);
failing those, the documentation sentence the code encoder finds least like the new code.
A "code name" is one written as code: in backticks, or shaped like an identifier
(snake_case, camelCase, CapWords such as `ValueError`), never a keyword or a plain word.
"""

from __future__ import annotations

import keyword
import re

import numpy as np

from codeassist.heads.doc_drift.features import Facts, facts, parsed_doc
from codeassist.parsing.doc_values import newly_contradicted, newly_contradicted_in_prose
from codeassist.parsing.docstrings import clean_name, summary_of
from codeassist.records import RECEIVER, TYPE_PARAMETER

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_BACKTICKED = re.compile(r"`+([A-Za-z_][A-Za-z0-9_]*)(?:\(\))?`+")
# snake_case, a digit, or a capital after the first letter (camelCase, CapWords like ValueError).
_IDENTIFIER_SHAPED = re.compile(r"_|\d|^.+[A-Z]")


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
    if old.unit is not None and new.unit is not None:
        for found in newly_contradicted(sections, old.unit.params, new.unit.params):
            stated = found.stated
            return (f"documentation says `{stated.param}` defaults to {stated.text} (“{stated.sentence}”); "
                    f"this change made it `{stated.param}={found.code_default}`")
        for found in newly_contradicted_in_prose(old_doc, old.unit.params, new.unit.params):
            stated = found.stated
            return (f"documentation says “{stated.sentence}”, which held for `{stated.param}={stated.text}`; "
                    f"this change made it `{stated.param}={found.code_default}`")
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
    vanished = [w for w in code_names(old_doc) if w in old.identifiers and w not in new.identifiers]
    if vanished:
        names = ", ".join(f"`{w}`" for w in vanished[:3])
        gone = "raises" if all(w in raised_before - raised_after for w in vanished[:3]) else "uses"
        return f"documentation mentions {names}, which the code no longer {gone}"
    return f"documentation sentence “{_least_similar_sentence(old_doc, new_code, language)}” no longer matches the code"


def code_names(doc: str) -> list[str]:
    """Return the names a documentation writes as code, in order, once each.

    Args:
        doc: The documentation text.

    Returns:
        Backticked names and identifier-shaped words (`max_size`, `parseArgs`, `ValueError`),
        without keywords or plain English words (`not`, `cannot`, `Returns`).
    """
    quoted = set(_BACKTICKED.findall(doc))
    names = [w for w in _NAME.findall(doc)
             if not keyword.iskeyword(w) and (w in quoted or _IDENTIFIER_SHAPED.search(w))]
    return list(dict.fromkeys(names))


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
