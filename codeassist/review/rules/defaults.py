"""CA106: a documented default that the code's default contradicts.

Split from the CA1xx module (signature.py), which runs it for every documented unit: the
documentation of a parameter says what it defaults to, and the signature's default is a
different literal (see `codeassist.parsing.doc_values` for what is read and what is left
unjudged).
"""

from __future__ import annotations

from collections.abc import Iterator

from codeassist.parsing.doc_values import contradictions
from codeassist.records import CodeUnit, Doc, Finding
from codeassist.review.rules.base import WARNING, Rule, make_finding

CA106 = Rule(
    id="CA106",
    name="doc-default-mismatch",
    severity=WARNING,
    summary="The documentation states a parameter default that the signature no longer has.",
    what="Reads the default a parameter's documentation states (\"Defaults to 5.\", "
    "\"(default: ``'utf-8'``)\", NumPy's `int, default 30`, JSDoc's `[timeout=5]`) and reports it "
    "when the signature's default is a different literal. Only literals are compared: a default "
    "computed from a name or a call, or a code default of None/null (often \"fall back to the "
    "documented value\"), is not judged; 5 and 5.0 are the same default.",
    why="Callers who rely on the documented default get another behaviour, silently.",
    example='def fetch(url, timeout=10):\n    """Fetch a page.\n\n    Args:\n        url: The page.\n'
    '        timeout: Seconds to wait. Defaults to 5.\n    """',
    instead='def fetch(url, timeout=10):\n    """Fetch a page.\n\n    Args:\n        url: The page.\n'
    '        timeout: Seconds to wait. Defaults to 10.\n    """',
    languages=("python", "javascript", "typescript", "tsx"),
)


def check_defaults(unit: CodeUnit, doc: Doc) -> Iterator[Finding]:
    """Yield a CA106 finding for each documented default the signature contradicts.

    Args:
        unit: A documented unit.
        doc: Its documentation.

    Yields:
        Findings on the parameter's documentation line.
    """
    if unit.language not in CA106.languages:
        return
    for found in contradictions(doc.parsed, unit.params):
        stated = found.stated
        yield make_finding(
            CA106, unit, doc.file_line(stated.line),
            f"documentation of `{unit.qualname}` says `{stated.param}` defaults to {stated.text} "
            f"(“{stated.sentence}”); the signature has `{stated.param}={found.code_default}`",
        )
