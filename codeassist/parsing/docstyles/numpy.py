"""NumPy-style docstrings: section titles underlined with dashes (or `=`), `name : type` entries.

Also read: sympy's habits, where a line of accepted types or a Google-style `Note:` stands
where a parameter would.
"""

from __future__ import annotations

import re

from codeassist.parsing.docstyles import google
from codeassist.parsing.docstyles.common import (
    CAP_WORDS,
    OTHER_SECTIONS,
    TYPE_WORDS,
    WORD,
    indent,
    raised_name,
    split_names,
    strip_roles,
)
from codeassist.parsing.docstyles.sections import Sections
from codeassist.records import DocItem, ParsedDoc

SECTIONS = {
    "parameters": "params",
    "params": "params",
    "other parameters": "keyword",
    "returns": "returns",
    "yields": "yields",
    "raises": "raises",
}
_TITLES = frozenset(SECTIONS) | frozenset(OTHER_SECTIONS.split("|"))
# NumPy underlines with dashes; some projects use `=`, which is also how reST underlines a
# title, so `=` only counts under a known section name (see `is_header`).
_UNDERLINE = re.compile(r"^\s*(?:-{3,}|={3,})\s*$")
_ITEM = re.compile(rf"^((?:\\{{0,2}}\*){{0,2}}{WORD}(?:\s*,\s*(?:\\{{0,2}}\*){{0,2}}{WORD})*)\s*(?::(.*))?$")


def matches(lines: list[str]) -> bool:
    """Whether any line is a NumPy section title.

    A docstring with only `Examples` over `=` (sympy) keeps its other style.

    Args:
        lines: The docstring's dedented lines.

    Returns:
        True when the docstring uses the NumPy convention.
    """
    sections = frozenset(SECTIONS)
    return any(is_header(lines, number, titles=sections) for number in range(len(lines)))


def is_header(lines: list[str], number: int, *, titles: frozenset[str] = _TITLES) -> bool:
    """Whether a line is a NumPy section title.

    Args:
        lines: The docstring's lines.
        number: The index of the line.
        titles: The titles that count when underlined with `=` rather than dashes.

    Returns:
        True for any text over dashes, and for one of `titles` over `=`.
    """
    if number + 1 >= len(lines) or not lines[number].strip():
        return False
    underline = lines[number + 1]
    if not _UNDERLINE.match(underline):
        return False
    return "-" in underline or lines[number].strip().lower() in titles


def parse(lines: list[str], text: str) -> ParsedDoc:
    """Read the sections of a NumPy-style docstring.

    Args:
        lines: The docstring's dedented lines.
        text: The docstring as written, for its summary.

    Returns:
        The sections found, style "numpy".
    """
    found = Sections()
    section: str | None = None
    base = 0
    number = 0
    while number < len(lines):
        line = lines[number]
        if is_header(lines, number):
            section = SECTIONS.get(line.strip().lower(), "other")
            base = indent(line)
            found.open(section)
            number += 2
            continue
        if section and line.strip() and indent(line) == base:
            entry = line.strip()
            if section in ("params", "keyword"):
                match = _ITEM.match(entry)
                if match and not _is_prose(entry, match):
                    for name in split_names(match.group(1)):
                        found.add(section, DocItem(name, (match.group(2) or "").strip() or None, "", number))
            elif section == "raises":
                name = raised_name(entry) or strip_roles(entry).split(":")[0].strip()
                found.add(section, DocItem(name, None, "", number))
            elif section in ("returns", "yields"):
                name, _, kind = entry.partition(":")
                found.add(section, DocItem("", (kind or name).strip(), "", number))
        number += 1
    return found.result("numpy", text)


def _is_prose(entry: str, match: re.Match[str]) -> bool:
    """Whether a NumPy entry at item indentation is not a parameter after all.

    sympy writes the accepted types alone ("Point3D, Line3D, Plane, tuple, list") or a
    Google-style note ("Note: text") where a parameter would stand.

    Args:
        entry: The stripped line.
        match: Its `_ITEM` match.

    Returns:
        True when the line lists only types or opens a capitalised section.
    """
    if entry[:1].isupper() and google.HEADER.match(entry):
        return True
    return match.group(2) is None and _lists_only_types(match.group(1))


def _lists_only_types(names: str) -> bool:
    words = split_names(names)
    is_type = [word.lower() in TYPE_WORDS or bool(CAP_WORDS.fullmatch(word)) for word in words]
    return all(is_type) and any(CAP_WORDS.fullmatch(word) for word in words)
