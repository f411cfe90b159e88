"""CA2xx: documentation of a changed unit that no longer describes its code (learned).

For each unit whose code changed while its documentation stayed the same, the drift head
(codeassist/heads/doc_drift/) scores (old documentation, old code, new code); at its
threshold (0.5) or above CA201 reports it, with a message that says which part of the
documentation no longer matches which change. Units the structural CA1xx rules already
flagged are left to them. The encoders load only when there is something to score.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from codeassist.languages import language_for_path
from codeassist.review.context import ChangeContext
from codeassist.review.rules.base import WARNING, Rule, make_finding
from codeassist.records import Finding

CA201 = Rule(
    id="CA201",
    name="doc-drift",
    severity=WARNING,
    summary="The change altered a unit's code, and its unchanged documentation no longer describes it.",
    what="For every function or method whose code this change altered while its "
    "documentation stayed as it was, a trained fusion head reads the documentation, the old "
    "and the new code (through the code and documentation encoders, plus structural edit "
    "features such as parameters removed or a return value dropped) and estimates the "
    "probability that the documentation is now stale. At 0.5 or above it reports the unit, "
    "saying which part of the documentation no longer matches which change. A default the "
    "documentation states (\"Defaults to 5.\") or a count in its prose (\"Tries up to 3 times\") "
    "that a parameter's old default held and the change made untrue is reported whatever the "
    "head says, quoting the sentence and the new value. Units that a "
    "CA1xx rule already reports are skipped. Runs in `codeassist review`, on Python only: "
    "the head was trained on Python release histories, and on JavaScript (commander 11 → 12, "
    "axios 1.6 → 1.7) none of 14 findings read by hand was right (benchmarks/precision).",
    why="Documentation that silently stopped telling the truth is worse than none: readers "
    "trust it. Nothing else catches it when the signature still lines up.",
    example='def load(path):\n    """Read the cache file; return None when it is missing."""\n'
    "    return json.loads(Path(path).read_text())  # now raises FileNotFoundError",
    instead='def load(path):\n    """Read the cache file.\n\n    Raises:\n        FileNotFoundError: '
    'When it is missing.\n    """\n    return json.loads(Path(path).read_text())',
    languages=("python",),
)

RULES = (CA201,)
_WORD = re.compile(r"[a-z0-9_]+")
# Layout that formatters (prettier, black, gofmt) change without changing what code does.
_SPACE = re.compile(r"\s+")
_COMMENT_LINE = re.compile(r"^[ \t]*(?://|#).*$", re.MULTILINE)
_TRAILING_COMMA = re.compile(r",(?=[)\]}])")
_ARROW_PARENS = re.compile(r"\((\w+)\)=>")


def check_change(context: ChangeContext) -> Iterator[Finding]:
    """Yield CA201 findings for the changed units of a review.

    Args:
        context: The reviewed change.

    Yields:
        Findings on the documentation's first line.
    """
    candidates = []
    for path, change in context.units:
        old, new = change.old, change.new
        if old is None or new is None or old.doc is None or new.doc is None or new.is_stub:
            continue
        if not (change.body or change.signature) or (path, new.qualname) in context.flagged:
            continue
        if _words(old.doc.text) != _words(new.doc.text):
            continue  # the change updated the documentation too
        if formatting_only(old.code_without_doc(), new.code_without_doc()):
            continue  # a formatter's pass: nothing the documentation describes moved
        spec = language_for_path(path)
        if spec is None or spec.name not in CA201.languages:
            continue
        candidates.append((path, old, new, spec.name))
    if not candidates:
        return
    import sys

    from codeassist.encoders.cache import EmbeddingCache
    from codeassist.heads.doc_drift.explain import explain
    from codeassist.heads.doc_drift.features import Example
    from codeassist.heads.doc_drift.head import shipped_head
    from codeassist.heads.doc_drift.score import drift_scores

    if sys.stderr.isatty():  # the first run loads torch and two models: say why it pauses
        print(f"codeassist: scoring {len(candidates)} changed unit(s) for documentation drift...", file=sys.stderr)

    examples = [Example(old.doc.text, old.code_without_doc(), new.code_without_doc(), language)
                for _, old, new, language in candidates]
    # Old code and docs were usually encoded by an earlier run of the hook: cache them.
    cache = EmbeddingCache()
    scores = drift_scores(examples, cache=cache)
    for (path, old, new, language), example, score in zip(candidates, examples, scores):
        if score < shipped_head().threshold:
            continue
        reason = explain(example.old_doc, example.old_code, example.new_code, language)
        yield make_finding(CA201, new, new.doc.start_line, f"`{new.qualname}`: {reason} (drift {score:.2f})")


def formatting_only(old_code: str, new_code: str) -> bool:
    """Tell whether two versions of a unit differ only in layout.

    Whitespace, line breaks, whole-line comments, trailing commas, quote style, semicolons
    and the parentheses around a lone arrow-function parameter are layout; anything else is
    a change.

    Args:
        old_code: The unit's code before the change, without its documentation.
        new_code: The unit's code after it.

    Returns:
        True when a formatter could have made the change.
    """
    return _layout_free(old_code) == _layout_free(new_code)


def _layout_free(code: str) -> str:
    code = _SPACE.sub("", _COMMENT_LINE.sub("", code)).replace("'", '"').replace(";", "")
    return _ARROW_PARENS.sub(r"\1=>", _TRAILING_COMMA.sub("", code))


def _words(doc: str) -> list[str]:
    return _WORD.findall(doc.lower())
