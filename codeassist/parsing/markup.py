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


@dataclass(frozen=True)
class ProseChunk:
    """One paragraph or list item of prose in a document.

    Attributes:
        line: 1-based first line.
        end_line: 1-based last line.
        text: The prose, its lines joined by spaces (list markers removed).
        section: The title of the section it sits in ("" before the first title).
    """

    line: int
    end_line: int
    text: str
    section: str


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#\.)\s+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^\s*([=\-~^\"'`#*+<>:._])\1{2,}\s*$")
_DIRECTIVE = re.compile(r"^\s*\.\.\s+([\w:-]+)::")
# reST directives whose body is prose; every other directive body (code, autodoc, toctree,
# images) is markup or code and is skipped.
_PROSE_DIRECTIVES = frozenset({
    "note", "warning", "tip", "important", "attention", "caution", "hint", "danger", "error",
    "seealso", "deprecated", "versionchanged", "versionadded", "admonition",
})


def prose_chunks(text: str, suffix: str, *, min_words: int = 5,
                 code: list[CodeLine] | None = None) -> list[ProseChunk]:
    """Split a Markdown or reST document into paragraphs and list items of prose.

    Code blocks, reST literal blocks and non-prose directives, tables, HTML lines and titles
    are left out: code is what `code_lines` reads, and a title alone says too little.

    Args:
        text: The document.
        suffix: Its file suffix, which selects the markup.
        min_words: Chunks with fewer words are dropped.
        code: `code_lines(text, suffix)` when the caller has it already.

    Returns:
        The chunks, in document order.
    """
    rst = suffix.lower() == ".rst"
    # Markdown fences come from code_lines; reST literal blocks are skipped below, since
    # code_lines also reads directive bodies (such as a note's) as literal blocks.
    if code is None and not rst:
        code = code_lines(text, suffix)
    fenced = set() if rst else {line.line for line in code or () if line.block}
    lines = text.splitlines()
    chunks: list[ProseChunk] = []
    current: list[tuple[int, str]] = []
    section = ""
    skip_indent: int | None = None  # inside a non-prose reST directive body

    def flush() -> None:
        words = " ".join(part for _, part in current).split()
        if len(words) >= min_words:
            chunks.append(ProseChunk(current[0][0], current[-1][0], " ".join(words), section))
        current.clear()

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None:
            if skip_indent < 0:  # a doctest runs to the next blank line
                if stripped:
                    continue
            elif not stripped or indent > skip_indent:
                continue
            skip_indent = None
        following = lines[number] if number < len(lines) else ""
        if number in fenced or _FENCE.match(line) or not stripped:
            flush()
            continue
        if stripped.startswith(">>>"):
            flush()  # a doctest: code, up to the next blank line
            skip_indent = -1
            continue
        if rst and (directive := _DIRECTIVE.match(line)):
            flush()
            if directive.group(1).lower() not in _PROSE_DIRECTIVES:
                skip_indent = indent
            continue
        heading = _MD_HEADING.match(line) if not rst else None
        if heading or (_UNDERLINE.match(following) and not _UNDERLINE.match(line) and len(current) == 0):
            flush()
            section = heading.group(1) if heading else stripped
            continue
        if _UNDERLINE.match(line) or stripped.startswith(("<", "|", "..", "+-", "[!")):
            flush()  # title underlines, HTML, tables, reST comments and targets
            continue
        item = _LIST_ITEM.match(line)
        if item:
            flush()
            stripped = line[item.end():].strip()
        if rst and stripped.endswith("::"):
            stripped = stripped[:-1]  # "like this::" introduces a literal block
            current.append((number, stripped))
            flush()
            skip_indent = indent
            continue
        current.append((number, stripped))
    flush()
    return chunks
