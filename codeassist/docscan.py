"""Code in prose documentation: inline code spans and code blocks of Markdown and reST.

Documentation mentions code inside code markup (`` `fetch(timeout=3)` ``, fenced blocks,
reST ``literals`` and `::` blocks). Matching identifiers only there keeps the word
"timeout" in a sentence from looking like a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOC_SUFFIXES = (".md", ".markdown", ".rst")

_FENCE = re.compile(r"^\s*(```+|~~~+)")
_INLINE_MD = re.compile(r"(`+)(.+?)\1")
_INLINE_RST = re.compile(r"``(.+?)``")


@dataclass(frozen=True)
class CodeLine:
    """The code on one line of a document.

    Attributes:
        line: 1-based line number.
        code: The code text on that line (spans joined by spaces, or the whole block line).
        block: The 1-based first line of the code block the line belongs to, or 0 for spans.
    """

    line: int
    code: str
    block: int


def code_lines(text: str, suffix: str) -> list[CodeLine]:
    """Find the code on each line of a Markdown or reST document.

    Args:
        text: The document.
        suffix: Its file suffix, which selects the markup.

    Returns:
        One entry per line that holds code, in order.
    """
    rst = suffix.lower() == ".rst"
    found: list[CodeLine] = []
    fence: str | None = None
    block_start = 0
    literal_indent: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not rst:
            opener = _FENCE.match(line)
            if fence is not None:
                if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                    fence = None
                else:
                    found.append(CodeLine(number, line, block_start))
                continue
            if opener:
                fence, block_start = opener.group(1), number
                continue
        else:
            indent = len(line) - len(line.lstrip())
            if literal_indent is not None:
                if not line.strip():
                    continue
                if indent > literal_indent:
                    found.append(CodeLine(number, line, block_start))
                    continue
                literal_indent = None
            if line.rstrip().endswith("::"):
                literal_indent, block_start = indent, number + 1
        spans = _INLINE_RST.findall(line) if rst else [m.group(2) for m in _INLINE_MD.finditer(line)]
        if spans:
            found.append(CodeLine(number, " ".join(spans), 0))
    return found
