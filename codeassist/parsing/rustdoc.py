"""Rustdoc sections: the Markdown headings `# Arguments`, `# Returns`, `# Errors`, `# Panics`.

Rust has no tag syntax for documentation; the API guidelines and the standard library use
level-one Markdown headings instead. Headings inside fenced code blocks are code (a doctest's
hidden `# use foo;` line), not sections.
"""

from __future__ import annotations

import re

from codeassist.parsing.docstrings import summary_of
from codeassist.records import DocItem, ParsedDoc

_SECTIONS = {
    "arguments": "params",
    "args": "params",
    "parameters": "params",
    "params": "params",
    "returns": "returns",
    "return": "returns",
    "return value": "returns",
    "errors": "errors",
    "panics": "panics",
}
# Up to three spaces of indentation, as CommonMark allows; levels 1 to 3 only.
_HEADING = re.compile(r"^ {0,3}(#{1,3})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MARKER = r"[*+-][ \t]+"
_SEPARATOR = r"[ \t]*(?:[-:\u2013\u2014][ \t]*)"
_ITEM_TICKED = re.compile(rf"^([ \t]*){_MARKER}`([^`]+)`{_SEPARATOR}?(.*)$")
_ITEM_PLAIN = re.compile(rf"^([ \t]*){_MARKER}([A-Za-z_]\w*){_SEPARATOR}(.*)$")


def parse(text: str) -> ParsedDoc:
    """Parse Rustdoc Markdown into its sections.

    Args:
        text: The documentation without the `///` markers, one line per source line.

    Returns:
        The sections found, with 0-based line numbers inside `text`; style "rustdoc".
    """
    params: list[DocItem] | None = None
    returns: DocItem | None = None
    raises: list[DocItem] | None = None
    section: str | None = None
    heading_line = 0
    section_text: list[str] = []
    item_indent: int | None = None
    intro: list[str] = []
    seen_heading = False

    def close() -> None:
        # Returns/Errors/Panics are prose sections: the heading's line is the entry's line.
        nonlocal returns, raises
        description = summary_of("\n".join(section_text))
        if section == "returns" and description and returns is None:
            returns = DocItem("", None, description, heading_line)
        elif section in ("errors", "panics"):
            name = "Err" if section == "errors" else "panic"
            raises = (raises or []) + [DocItem(name, None, description, heading_line)]

    fence: str | None = None
    for number, line in enumerate(text.splitlines()):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            close()
            seen_heading = True
            section = _SECTIONS.get(heading.group(2).strip().lower(), "other")
            heading_line, section_text, item_indent = number, [], None
            if section == "params" and params is None:
                params = []
            continue
        if not seen_heading:
            intro.append(line)
        elif section == "params" and params is not None:
            item = _item(line)
            if item is not None and (item_indent is None or item[0] <= item_indent):
                item_indent = item[0]
                params.append(DocItem(item[1], item[2], item[3], number))
        elif section is not None:
            section_text.append(line)
    close()
    return ParsedDoc(
        style="rustdoc",
        summary=summary_of("\n".join(intro)),
        params=tuple(params) if params is not None else None,
        returns=returns,
        raises=tuple(raises) if raises is not None else None,
    )


def _item(line: str) -> tuple[int, str, str | None, str] | None:
    """Split a list entry `* `name`: type - description` into indent, name, type, text."""
    match = _ITEM_TICKED.match(line) or _ITEM_PLAIN.match(line)
    if match is None:
        return None
    indent, name, description = len(match.group(1).expandtabs()), match.group(2), match.group(3)
    kind: str | None = None
    # `x: u32` inside the backticks documents the type too.
    if ":" in name and "::" not in name:
        name, _, kind = (part.strip() for part in name.partition(":"))
    name = name.strip().removeprefix("mut ").strip()
    return indent, name, kind or None, description.strip()
