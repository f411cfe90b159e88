"""Sphinx/reST docstrings: `:param x:` fields, or a consolidated `:Parameters:` field over a list.

Consolidated fields are the docutils and epydoc habit; their list items read
`- name: text`, `name : type` or `name -- text`.
"""

from __future__ import annotations

import re

from codeassist.parsing.docstyles.common import (
    NAMES,
    clean_name,
    indent,
    raised_name,
    split_names,
    strip_roles,
)
from codeassist.parsing.docstyles.sections import Sections
from codeassist.records import DocItem, ParsedDoc

_FIELD = re.compile(
    r"^\s*:(param|parameter|arg|argument|key|keyword|type|returns?|rtype|raises?|except|"
    r"exception|yields?|ytype)\b([^:]*):(.*)$"
)
_KINDS = {
    "param": "params",
    "parameter": "params",
    "arg": "params",
    "argument": "params",
    "key": "keyword",
    "keyword": "keyword",
    "return": "returns",
    "returns": "returns",
    "rtype": "returns",
    "raise": "raises",
    "raises": "raises",
    "except": "raises",
    "exception": "raises",
    "yield": "yields",
    "yields": "yields",
    "ytype": "yields",
}
# Consolidated fields (docutils, epydoc): `:Parameters:` over an indented list of entries.
_GROUPS = {
    "parameters": "params",
    "arguments": "params",
    "keywords": "keyword",
    "keyword arguments": "keyword",
    "returns": "returns",
    "return": "returns",
    "yields": "yields",
    "yield": "yields",
    "raises": "raises",
    "exceptions": "raises",
}
_GROUP = re.compile(rf"^\s*:({'|'.join(_GROUPS)}):\s*(.*)$", re.IGNORECASE)
# An item of a consolidated field's list: `- name: text`, `name : type`.
_LIST_ITEM = re.compile(rf"^(?:[-*+]\s+)?({NAMES})(?:(\s+:\s*|\s*(?::|--?(?=\s))\s*)(.*))?$")


def matches(lines: list[str]) -> bool:
    """Whether any line is a Sphinx field or a consolidated field.

    Args:
        lines: The docstring's dedented lines.

    Returns:
        True when the docstring uses the Sphinx convention.
    """
    return any(_FIELD.match(line) or _GROUP.match(line) for line in lines)


def parse(lines: list[str], text: str) -> ParsedDoc:
    """Read the fields of a Sphinx-style docstring.

    Args:
        lines: The docstring's dedented lines.
        text: The docstring as written, for its summary.

    Returns:
        The sections found, style "sphinx".
    """
    found = Sections()
    group: str | None = None  # the consolidated field whose list is being read
    group_indent = 0
    item_indent: int | None = None
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        if group is not None and indent(line) > group_indent:
            item_indent = indent(line) if item_indent is None else item_indent
            if indent(line) == item_indent:
                _add_list_item(found, group, line.strip(), number)
            continue
        group = None
        consolidated = _consolidated_field(line)
        if consolidated is None:
            _add_field(found, line, number)
            continue
        group, group_indent, item_indent = _GROUPS[consolidated.group(1).lower()], indent(line), None
        found.open(group)
        inline = consolidated.group(2).strip()
        if inline or group in ("returns", "yields"):  # a bare `:return:` still documents one
            _add_list_item(found, group, inline, number)
    return found.result("sphinx", text)


def _consolidated_field(line: str) -> re.Match[str] | None:
    # A bare `:returns:` may head a list; `:returns: text` and `:raises X:` stay single fields.
    field = _FIELD.match(line)
    if field and (field.group(2).strip() or field.group(3).strip()):
        return None
    return _GROUP.match(line)


def _add_field(found: Sections, line: str, number: int) -> None:
    match = _FIELD.match(line)
    if not match:
        return
    field, argument, body = match.group(1), match.group(2).split(), match.group(3).strip()
    section = _KINDS.get(field)
    if section is None:
        return  # :type x: only describes a parameter documented elsewhere
    found.open(section)
    if section in ("params", "keyword") and argument:
        kind = " ".join(argument[:-1]) or None
        found.add(section, DocItem(clean_name(argument[-1]), kind, body, number))
    elif section == "raises":
        # `:raises ValueError:` names it in the field; `:raises: ValueError if ...` in the text.
        for name in argument or [raised_name(body) or body]:
            found.add(section, DocItem(name.strip(","), None, body, number))
    elif section in ("returns", "yields"):
        kind = body if field in ("rtype", "ytype") else None
        found.add(section, DocItem("", kind, "" if kind else body, number))


def _add_list_item(found: Sections, section: str, entry: str, number: int) -> None:
    """Add one entry of a consolidated field's list: `- `name`: text`, `name : type`, `name -- text`."""
    entry = strip_roles(entry)
    if section in ("returns", "yields"):
        found.add(section, DocItem("", None, entry, number))
        return
    match = _LIST_ITEM.match(entry)
    if match is None:
        return
    separator, rest = match.group(2) or "", (match.group(3) or "").strip()
    # `name : type` is a definition-list item with a classifier; otherwise the rest is text.
    is_type = separator[:1].isspace() and separator.strip() == ":"
    for name in split_names(match.group(1)):
        found.add(section, DocItem(name, rest if is_type else None, "" if is_type else rest, number))
