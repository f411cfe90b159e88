"""Google-style docstrings: `Args:`, `Returns:`, `Raises:` headers over indented entries.

Also read: type-first entries (`int (size): text`, rich's style) and the old standard
library's flat sections, whose entries sit at the header's own indentation.
"""

from __future__ import annotations

import re

from codeassist.parsing.docstyles.common import (
    CAP_WORDS,
    NAMES,
    OTHER_SECTIONS,
    TYPE_WORDS,
    indent,
    split_names,
    strip_roles,
)
from codeassist.parsing.docstyles.sections import Sections
from codeassist.records import DocItem, ParsedDoc

_SECTIONS = {
    "args": "params",
    "arguments": "params",
    "parameters": "params",
    "params": "params",
    "keyword args": "keyword",
    "keyword arguments": "keyword",
    "kwargs": "keyword",
    "other parameters": "keyword",
    "returns": "returns",
    "return": "returns",
    "yields": "yields",
    "yield": "yields",
    "raises": "raises",
    "raise": "raises",
    "exceptions": "raises",
}
HEADER = re.compile(rf"^\s*({'|'.join(_SECTIONS)}|{OTHER_SECTIONS})\s*:\s*(.*)$", re.IGNORECASE)
# `name (type): text`, `x, y and z: text`, `name - text`, `name -- text`, and
# `name (POSIX only)` alone on its line (the description follows, indented).
# The type may nest one level of parentheses: `children (Sequence(Layout)): text`.
# A `.` for the `:` after a type (`spans (List[Span], optional). A list`, rich) is read too,
# when what the parentheses hold looks like a type, not prose.
_ITEM = re.compile(
    rf"^({NAMES})\s*(?:\(((?:[^()]|\([^()]*\))*)\))?\s*(:|--?(?=\s)|(?<=\))\.(?=\s)|$)\s*(.*)$"
)
_TYPE_LIKE = re.compile(r"[\w\[\].|]+(?:,\s*[\w\[\].|]+)*")
# Words written in parentheses after a name that are neither a type nor the name.
_QUALIFIERS = frozenset({"optional", "required", "deprecated", "default", "positional", "keyword"})
_LOWER_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def matches(lines: list[str]) -> bool:
    """Whether any line is a Google section header.

    Args:
        lines: The docstring's dedented lines.

    Returns:
        True when the docstring uses the Google convention.
    """
    return any(is_header(line) for line in lines)


def is_header(line: str) -> bool:
    """Whether a line heads a Google section.

    Args:
        line: One line of the docstring.

    Returns:
        True for `Args:` alone and for `Returns: text`; "Args: x" is prose.
    """
    match = HEADER.match(line)
    if not match:
        return False
    return not match.group(2) or match.group(1).lower() in ("returns", "return", "yields", "yield")


def parse(lines: list[str], text: str) -> ParsedDoc:
    """Read the sections of a Google-style docstring.

    Args:
        lines: The docstring's dedented lines.
        text: The docstring as written, for its summary.

    Returns:
        The sections found, style "google".
    """
    found = Sections()
    section: str | None = None
    header_indent = 0
    item_indent: int | None = None
    flat = False
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        header = HEADER.match(line) if is_header(line) else None
        if header and (section is None or indent(line) <= header_indent):
            section = _SECTIONS.get(header.group(1).lower(), "other")
            header_indent, item_indent = indent(line), None
            found.open(section)
            inline = header.group(2).strip()
            if inline and section in ("returns", "yields"):
                found.add(section, DocItem("", None, inline, number))
            flat = _flat_section(lines, number)
            continue
        if section is None:
            continue
        if flat and not lines[number - 1].strip():
            section = None  # an unindented section ends at the first blank line
            continue
        if indent(line) <= header_indent and not flat:
            section = None
            continue
        if item_indent is None:
            item_indent = indent(line)
        if indent(line) > item_indent:
            continue  # continuation of the previous entry
        _add_entry(found, section, line.strip(), number)
    return found.result("google", text)


def _add_entry(found: Sections, section: str, entry: str, number: int) -> None:
    if section in ("params", "keyword"):
        match = _ITEM.match(entry)
        if match and match.group(3) == "." and not _TYPE_LIKE.fullmatch(match.group(2)):
            match = None
        if match and (match.group(3) or match.group(2) is not None):
            names, kind = _entry_names(match.group(1), match.group(2))
            for name in names:
                found.add(section, DocItem(name, kind, match.group(4).strip(), number))
    elif section == "raises":
        # "ValueError: text", "KeyError, IndexError: text", "ValueError if ...".
        entry = strip_roles(entry)
        head = entry.split(":")[0].strip()
        names = split_names(head) if re.fullmatch(NAMES, head) else re.findall(r"^[A-Za-z_][\w.]*", entry)
        for name in names:
            found.add(section, DocItem(name, None, entry.partition(":")[2].strip(), number))
    elif section in ("returns", "yields"):
        kind, _, description = entry.partition(":")
        if description and re.fullmatch(r"[\w.\[\], |]+", kind):
            found.add(section, DocItem("", kind.strip(), description.strip(), number))
        else:
            found.add(section, DocItem("", None, entry, number))


def _entry_names(names: str, kind: str | None) -> tuple[list[str], str | None]:
    """Return the names a Google entry documents and its type.

    A type-first entry (`int (size): text`, rich's style) names the parameter in the parentheses.
    """
    if kind is not None and _is_type_first(names, kind.strip()):
        return [kind.strip()], names
    return split_names(names), kind


def _is_type_first(head: str, parens: str) -> bool:
    # CapWords heads are class names (`Sequence`); all-caps ones are names (`X (ndarray)`).
    head_is_type = head.lower() in TYPE_WORDS or bool(CAP_WORDS.fullmatch(head))
    parens_is_name = bool(_LOWER_IDENTIFIER.fullmatch(parens)) and parens not in TYPE_WORDS | _QUALIFIERS
    return head_is_type and parens_is_name


def _flat_section(lines: list[str], header: int) -> bool:
    """Whether a section's entries sit at the header's own indentation (old stdlib style)."""
    following = lines[header + 1] if header + 1 < len(lines) else ""
    return (
        bool(following.strip())
        and indent(following) == indent(lines[header])
        and not is_header(following)
    )
