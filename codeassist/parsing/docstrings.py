"""Documentation parsing: sections for parameters, returns, yields and raises.

Python docstrings come in three conventions, told apart by their markers:
Google (`Args:` headers), NumPy (`Parameters` underlined with dashes or `=`) and Sphinx/reST
(`:param x:` fields, or a consolidated `:Parameters:` field over a list). Tag-based comments
(JSDoc, TSDoc, Javadoc) live in `doctags.py` and Rustdoc's Markdown sections in `rustdoc.py`;
Go doc comments have no sections.

Every parser keeps line numbers relative to the text it was given, so a finding can point
at the documentation line of the entry it is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from codeassist.records import DocItem, ParsedDoc

PYTHON = "python"
JSDOC = "jsdoc"
JAVADOC = "javadoc"
RUSTDOC = "rustdoc"
GODOC = "godoc"

_GOOGLE_SECTIONS = {
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
# Sections we recognise only so that they end the previous one.
_OTHER_SECTIONS = (
    "attributes|example|examples|note|notes|see also|todo|warning|warnings|warns|"
    "references|methods|usage|receives"
)
_GOOGLE_HEADER = re.compile(
    rf"^\s*({'|'.join(_GOOGLE_SECTIONS)}|{_OTHER_SECTIONS})\s*:\s*(.*)$", re.IGNORECASE
)
# NumPy underlines with dashes; some projects use `=`, which is also how reST underlines a
# title, so `=` only counts under a known section name (see `_is_numpy_header`).
_NUMPY_UNDERLINE = re.compile(r"^\s*(?:-{3,}|={3,})\s*$")
_SPHINX_FIELD = re.compile(
    r"^\s*:(param|parameter|arg|argument|key|keyword|type|returns?|rtype|raises?|except|"
    r"exception|yields?|ytype)\b([^:]*):(.*)$"
)
# An identifier may hold combining marks and other non-ASCII characters that `\w` does not
# match (`cafe\u0301`, Devanagari vowel signs): take any non-ASCII character here and let
# `str.isidentifier` decide in `_split_names`.
_WORD = r"[^\W\d](?:\w|[^\x00-\x7f\s])*"
_NAME = r"(?:\\{0,2}\*){0,2}[^\W\d](?:[\w.]|[^\x00-\x7f\s])*"
_NAMES = rf"{_NAME}(?:\s*(?:,\s*and\b|,|\band\b)\s*{_NAME})*"
# `name (type): text`, `x, y and z: text`, `name - text`, `name -- text`, and
# `name (POSIX only)` alone on its line (the description follows, indented).
# The type may nest one level of parentheses: `children (Sequence(Layout)): text`.
_GOOGLE_ITEM = re.compile(
    rf"^({_NAMES})\s*(?:\(((?:[^()]|\([^()]*\))*)\))?\s*(:|--?(?=\s)|$)\s*(.*)$"
)
# Type words that may head a type-first entry (`int (size): text`) but are not the name.
_TYPE_WORDS = frozenset(
    "any array bool boolean bytearray bytes callable complex dict float frozenset func function "
    "int integer iterable iterator list mapping ndarray none number object sequence set "
    "str string tensor tuple type".split()
)
# Words written in parentheses after a name that are neither a type nor the name.
_QUALIFIERS = frozenset({"optional", "required", "deprecated", "default", "positional", "keyword"})
_LOWER_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
# Class names: `Sequence`, `Point3D`; not `X`, `LU_real` (parameters written in capitals).
_CAP_WORDS = re.compile(r"[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*")
# `:exc:`ValueError``, `:py:class:`~pkg.Error``, or plain backquotes around an exception name.
_ROLE = re.compile(r"(?::(?:py:)?(?:exc|class|obj|any|data):)?`[~!]?([\w.]+)`")
# An item of a consolidated reST field (`:Parameters:`) list: `- name: text`, `name : type`.
_FIELD_LIST_ITEM = re.compile(rf"^(?:[-*+]\s+)?({_NAMES})(?:(\s+:\s*|\s*(?::|--?(?=\s))\s*)(.*))?$")
_NUMPY_ITEM = re.compile(
    rf"^((?:\\{{0,2}}\*){{0,2}}{_WORD}(?:\s*,\s*(?:\\{{0,2}}\*){{0,2}}{_WORD})*)\s*(?::(.*))?$"
)


def parse_doc(text: str, convention: str) -> ParsedDoc:
    """Parse documentation text written in a language's convention.

    Args:
        text: The documentation without comment markers or string quotes.
        convention: One of PYTHON, JSDOC, JAVADOC, RUSTDOC, GODOC.

    Returns:
        The sections found.
    """
    parser = _PARSERS.get(convention)
    if parser is None:
        return ParsedDoc(style="plain", summary=summary_of(text))
    return parser(text)


def summary_of(text: str) -> str:
    """Return the first paragraph of documentation, on one line.

    Args:
        text: Documentation text.

    Returns:
        The first paragraph with whitespace collapsed.
    """
    paragraph: list[str] = []
    for line in text.strip().splitlines():
        if not line.strip():
            break
        paragraph.append(line.strip())
    return " ".join(paragraph)


def clean_name(name: str) -> str:
    """Strip the markers a documented parameter name may carry (`*args`, `\\*\\*kw`, `[x=1]`).

    Args:
        name: The name as written.

    Returns:
        The bare identifier.
    """
    return name.replace("\\", "").strip().lstrip("*[").split("=")[0].rstrip("]").strip()


def _dedent_lines(text: str) -> list[str]:
    """Split a docstring into lines and remove the common indentation of lines after the first.

    The line count is kept so indices still map to file lines.
    """
    lines = text.expandtabs().splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    margin = min(indents, default=0)
    return [lines[0].strip()] + [line[margin:].rstrip() for line in lines[1:]] if lines else []


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


_NONE = re.compile(r"^(?:always\s+)?`*None`*\.?$", re.IGNORECASE)


def _is_none(text: str | None) -> bool:
    # "Returns: None." documents that nothing is returned.
    return bool(_NONE.match((text or "").strip()))


def parse_python(text: str) -> ParsedDoc:
    """Parse a Python docstring in whichever of the Sphinx, NumPy or Google styles it uses.

    Args:
        text: The docstring content, as written between the quotes.

    Returns:
        The sections found; style "plain" when none.
    """
    lines = _dedent_lines(text)
    if any(_SPHINX_FIELD.match(line) or _SPHINX_GROUP.match(line) for line in lines):
        return _parse_sphinx(lines, text)
    # A docstring with only `Examples` over `=` (sympy) keeps its other style.
    sections = frozenset(_NUMPY_SECTIONS)
    if any(_is_numpy_header(lines, number, titles=sections) for number in range(len(lines))):
        return _parse_numpy(lines, text)
    if any(_is_google_header(line) for line in lines):
        return _parse_google(lines, text)
    return ParsedDoc(style="plain", summary=summary_of(text))


def _is_google_header(line: str) -> bool:
    match = _GOOGLE_HEADER.match(line)
    if not match:
        return False
    # "Returns: the value" is a one-line section; "Args: x" is prose.
    return not match.group(2) or match.group(1).lower() in ("returns", "return", "yields", "yield")


def _google_entry(names: str, kind: str | None) -> tuple[list[str], str | None]:
    """Return the names a Google entry documents and its type.

    A type-first entry (`int (size): text`, rich's style) names the parameter in the parentheses.
    """
    if kind is not None and _is_type_first(names, kind.strip()):
        return [kind.strip()], names
    return _split_names(names), kind


def _is_type_first(head: str, parens: str) -> bool:
    # CapWords heads are class names (`Sequence`); all-caps ones are names (`X (ndarray)`).
    head_is_type = head.lower() in _TYPE_WORDS or bool(_CAP_WORDS.fullmatch(head))
    parens_is_name = bool(_LOWER_IDENTIFIER.fullmatch(parens)) and parens not in _TYPE_WORDS | _QUALIFIERS
    return head_is_type and parens_is_name


def _is_numpy_prose(entry: str, match: re.Match[str]) -> bool:
    """Whether a NumPy entry at item indentation is not a parameter after all.

    sympy writes the accepted types alone ("Point3D, Line3D, Plane, tuple, list") or a
    Google-style note ("Note: text") where a parameter would stand.

    Args:
        entry: The stripped line.
        match: Its `_NUMPY_ITEM` match.

    Returns:
        True when the line lists only types or opens a capitalised section.
    """
    if entry[:1].isupper() and _GOOGLE_HEADER.match(entry):
        return True
    return match.group(2) is None and _lists_only_types(match.group(1))


def _lists_only_types(names: str) -> bool:
    words = _split_names(names)
    is_type = [word.lower() in _TYPE_WORDS or bool(_CAP_WORDS.fullmatch(word)) for word in words]
    return all(is_type) and any(_CAP_WORDS.fullmatch(word) for word in words)


def _strip_roles(entry: str) -> str:
    # ":exc:`~pkg.Error`: text" names `pkg.Error`.
    return _ROLE.sub(r"\1", entry)


def _split_names(names: str) -> list[str]:
    parts = [clean_name(part) for part in re.split(r"\s*,\s*and\s+|\s*,\s*|\s+and\s+", names)]
    return [part for part in parts if part and all(p.isidentifier() for p in part.split(".") if p)]


class _Sections:
    """Collects entries while a parser walks the sections."""

    def __init__(self) -> None:
        self.params: list[DocItem] | None = None
        self.keyword: list[DocItem] = []
        self.returns: DocItem | None = None
        self.yields: DocItem | None = None
        self.raises: list[DocItem] | None = None

    def add(self, section: str, item: DocItem) -> None:
        if section == "params":
            self.params = (self.params or []) + [item]
        elif section == "keyword":
            self.keyword.append(item)
        elif section == "raises":
            self.raises = (self.raises or []) + [item]
        elif section == "returns" and self.returns is None and not _is_none(item.type or item.description):
            self.returns = item
        elif section == "yields" and self.yields is None and not _is_none(item.type or item.description):
            self.yields = item

    def open(self, section: str) -> None:
        if section == "params" and self.params is None:
            self.params = []
        elif section == "raises" and self.raises is None:
            self.raises = []

    def result(self, style: str, text: str) -> ParsedDoc:
        return ParsedDoc(
            style=style,
            summary=summary_of(text),
            params=tuple(self.params) if self.params is not None else None,
            keyword_params=tuple(self.keyword),
            returns=self.returns,
            yields=self.yields,
            raises=tuple(self.raises) if self.raises is not None else None,
        )


def _flat_section(lines: list[str], header: int) -> bool:
    """Whether a section's entries sit at the header's own indentation (old stdlib style)."""
    following = lines[header + 1] if header + 1 < len(lines) else ""
    return (
        bool(following.strip())
        and _indent(following) == _indent(lines[header])
        and not _is_google_header(following)
    )


def _parse_google(lines: list[str], text: str) -> ParsedDoc:
    found = _Sections()
    section: str | None = None
    header_indent = 0
    item_indent: int | None = None
    flat = False
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        header = _GOOGLE_HEADER.match(line) if _is_google_header(line) else None
        if header and (section is None or _indent(line) <= header_indent):
            section = _GOOGLE_SECTIONS.get(header.group(1).lower(), "other")
            header_indent, item_indent = _indent(line), None
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
        if _indent(line) <= header_indent and not flat:
            section = None
            continue
        if item_indent is None:
            item_indent = _indent(line)
        if _indent(line) > item_indent:
            continue  # continuation of the previous entry
        entry = line.strip()
        if section in ("params", "keyword"):
            match = _GOOGLE_ITEM.match(entry)
            if match and (match.group(3) or match.group(2) is not None):
                names, kind = _google_entry(match.group(1), match.group(2))
                for name in names:
                    found.add(section, DocItem(name, kind, match.group(4).strip(), number))
        elif section == "raises":
            # "ValueError: text", "KeyError, IndexError: text", "ValueError if ...".
            entry = _strip_roles(entry)
            head = entry.split(":")[0].strip()
            names = _split_names(head) if re.fullmatch(_NAMES, head) else re.findall(r"^[A-Za-z_][\w.]*", entry)
            for name in names:
                found.add(section, DocItem(name, None, entry.partition(":")[2].strip(), number))
        elif section in ("returns", "yields"):
            kind, _, description = entry.partition(":")
            if description and re.fullmatch(r"[\w.\[\], |]+", kind):
                found.add(section, DocItem("", kind.strip(), description.strip(), number))
            else:
                found.add(section, DocItem("", None, entry, number))
    return found.result("google", text)


_NUMPY_SECTIONS = {
    "parameters": "params",
    "params": "params",
    "other parameters": "keyword",
    "returns": "returns",
    "yields": "yields",
    "raises": "raises",
}


def _parse_numpy(lines: list[str], text: str) -> ParsedDoc:
    found = _Sections()
    section: str | None = None
    base = 0
    number = 0
    while number < len(lines):
        line = lines[number]
        if _is_numpy_header(lines, number):
            section = _NUMPY_SECTIONS.get(line.strip().lower(), "other")
            base = _indent(line)
            found.open(section)
            number += 2
            continue
        if section and line.strip() and _indent(line) == base:
            entry = line.strip()
            if section in ("params", "keyword"):
                match = _NUMPY_ITEM.match(entry)
                if match and not _is_numpy_prose(entry, match):
                    for name in _split_names(match.group(1)):
                        found.add(section, DocItem(name, (match.group(2) or "").strip() or None, "", number))
            elif section == "raises":
                found.add(section, DocItem(_strip_roles(entry).split(":")[0].strip(), None, "", number))
            elif section in ("returns", "yields"):
                name, _, kind = entry.partition(":")
                found.add(section, DocItem("", (kind or name).strip(), "", number))
        number += 1
    return found.result("numpy", text)


_NUMPY_TITLES = frozenset(_NUMPY_SECTIONS) | frozenset(_OTHER_SECTIONS.split("|"))


def _is_numpy_header(lines: list[str], number: int, *, titles: frozenset[str] = _NUMPY_TITLES) -> bool:
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
    if not _NUMPY_UNDERLINE.match(underline):
        return False
    return "-" in underline or lines[number].strip().lower() in titles


_SPHINX_KINDS = {
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
_SPHINX_GROUPS = {
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
_SPHINX_GROUP = re.compile(rf"^\s*:({'|'.join(_SPHINX_GROUPS)}):\s*(.*)$", re.IGNORECASE)


def _parse_sphinx(lines: list[str], text: str) -> ParsedDoc:
    found = _Sections()
    group: str | None = None  # the consolidated field whose list is being read
    group_indent = 0
    item_indent: int | None = None
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        if group is not None and _indent(line) > group_indent:
            item_indent = _indent(line) if item_indent is None else item_indent
            if _indent(line) == item_indent:
                _add_field_list_item(found, group, line.strip(), number)
            continue
        group = None
        consolidated = _consolidated_field(line)
        if consolidated is None:
            _add_sphinx_field(found, line, number)
            continue
        group, group_indent, item_indent = _SPHINX_GROUPS[consolidated.group(1).lower()], _indent(line), None
        found.open(group)
        inline = consolidated.group(2).strip()
        if inline or group in ("returns", "yields"):  # a bare `:return:` still documents one
            _add_field_list_item(found, group, inline, number)
    return found.result("sphinx", text)


def _consolidated_field(line: str) -> re.Match[str] | None:
    # A bare `:returns:` may head a list; `:returns: text` and `:raises X:` stay single fields.
    field = _SPHINX_FIELD.match(line)
    if field and (field.group(2).strip() or field.group(3).strip()):
        return None
    return _SPHINX_GROUP.match(line)


def _add_sphinx_field(found: _Sections, line: str, number: int) -> None:
    match = _SPHINX_FIELD.match(line)
    if not match:
        return
    field, argument, body = match.group(1), match.group(2).split(), match.group(3).strip()
    section = _SPHINX_KINDS.get(field)
    if section is None:
        return  # :type x: only describes a parameter documented elsewhere
    found.open(section)
    if section in ("params", "keyword") and argument:
        kind = " ".join(argument[:-1]) or None
        found.add(section, DocItem(clean_name(argument[-1]), kind, body, number))
    elif section == "raises":
        for name in argument or [body]:
            found.add(section, DocItem(name.strip(","), None, body, number))
    elif section in ("returns", "yields"):
        kind = body if field in ("rtype", "ytype") else None
        found.add(section, DocItem("", kind, "" if kind else body, number))


def _add_field_list_item(found: _Sections, section: str, entry: str, number: int) -> None:
    """Add one entry of a consolidated field's list: `- `name`: text`, `name : type`, `name -- text`."""
    entry = _strip_roles(entry)
    if section in ("returns", "yields"):
        found.add(section, DocItem("", None, entry, number))
        return
    match = _FIELD_LIST_ITEM.match(entry)
    if match is None:
        return
    separator, rest = match.group(2) or "", (match.group(3) or "").strip()
    # `name : type` is a definition-list item with a classifier; otherwise the rest is text.
    is_type = separator[:1].isspace() and separator.strip() == ":"
    for name in _split_names(match.group(1)):
        found.add(section, DocItem(name, rest if is_type else None, "" if is_type else rest, number))


def _parse_jsdoc(text: str) -> ParsedDoc:
    from codeassist.parsing import doctags
    return doctags.parse(text, style="jsdoc")


def _parse_javadoc(text: str) -> ParsedDoc:
    from codeassist.parsing import doctags
    return doctags.parse(text, style="javadoc")


def _parse_rustdoc(text: str) -> ParsedDoc:
    from codeassist.parsing import rustdoc
    return rustdoc.parse(text)


_PARSERS: dict[str, Callable[[str], ParsedDoc]] = {
    PYTHON: parse_python,
    JSDOC: _parse_jsdoc,
    JAVADOC: _parse_javadoc,
    RUSTDOC: _parse_rustdoc,
}
