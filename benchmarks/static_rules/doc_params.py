"""The benchmark's own reader of docstring parameter sections, independent of codeassist's.

A function qualifies for the mutation cases only when this strict reader finds exactly one
structured parameter section (Google, NumPy or Sphinx) and understands all of it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_GOOGLE_PARAMS = re.compile(r"^(\s*)(Args|Arguments|Parameters|Params):\s*$")
_GOOGLE_OTHER = re.compile(r"^\s*(Keyword Args|Keyword Arguments|Kwargs|Other Parameters):\s*$")
_GOOGLE_ENTRY = re.compile(r"^\s*(\*{0,2}[A-Za-z_]\w*)\s*(\([^)]*\))?\s*:")
_GOOGLE_RETURNS = re.compile(r"^\s*Returns?:")
_GOOGLE_YIELDS = re.compile(r"^\s*Yields?:")
_NUMPY_ENTRY = re.compile(r"^\s*(\*{0,2}[A-Za-z_]\w*(?:\s*,\s*\*{0,2}[A-Za-z_]\w*)*)\s*(:.*)?$")
_SPHINX_PARAM = re.compile(r":param\s+(?:[^:]*\s)?(\*{0,2}[A-Za-z_]\w*)\s*:")
_SPHINX_RETURNS = re.compile(r":returns?:")
_SPHINX_OTHER = re.compile(r":(keyword|kwarg|yields?)\b")
_DASHES = re.compile(r"^\s*-{3,}\s*$")


class DocParams(NamedTuple):
    """What a docstring documents, as this benchmark reads it (independently of codeassist).

    Attributes:
        style: "google", "numpy" or "sphinx".
        names: Documented parameter names, stars stripped, in order.
        returns: Whether a return value is documented.
    """

    style: str
    names: tuple[str, ...]
    returns: bool


def documented_params(doc: str) -> DocParams | None:
    """Read the parameter section of a docstring in exactly one structured style.

    Args:
        doc: A cleaned docstring (`ast.get_docstring`).

    Returns:
        The style, documented names and whether a return value is documented; None when the
        docstring has no parameter section, mixes styles, has a keyword-arguments or yields
        section, or has a section this reader cannot parse.
    """
    lines = doc.splitlines()
    found = [
        parsed
        for parsed in (_google(lines), _numpy(lines), _sphinx(doc))
        if parsed is not None
    ]
    if len(found) != 1 or not found[0].names:
        return None
    if len(set(found[0].names)) != len(found[0].names):
        return None
    return found[0]


# Each reader returns None when its style is absent, and a DocParams with no names when the
# style is present but ambiguous or unreadable, which `documented_params` rejects.


def _google(lines: list[str]) -> DocParams | None:
    starts = [i for i, line in enumerate(lines) if _GOOGLE_PARAMS.match(line)]
    if not starts:
        return None
    if len(starts) > 1 or any(_GOOGLE_OTHER.match(line) or _GOOGLE_YIELDS.match(line) for line in lines):
        return DocParams("google", (), False)
    start = starts[0]
    header_indent = len(lines[start]) - len(lines[start].lstrip())
    names: list[str] = []
    entry_indent = None
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= header_indent:
            break
        if entry_indent is None:
            entry_indent = indent
        if indent < entry_indent:
            return DocParams("google", (), False)
        if indent == entry_indent:
            match = _GOOGLE_ENTRY.match(line)
            if match is None:
                return DocParams("google", (), False)
            names.append(match.group(1).lstrip("*"))
    returns = any(_GOOGLE_RETURNS.match(line) for line in lines)
    return DocParams("google", tuple(names), returns)


def _numpy_headers(lines: list[str]) -> list[tuple[int, str]]:
    return [
        (i, lines[i].strip())
        for i in range(len(lines) - 1)
        if lines[i].strip() and _DASHES.match(lines[i + 1])
    ]


def _numpy(lines: list[str]) -> DocParams | None:
    headers = _numpy_headers(lines)
    titles = [title for _, title in headers]
    if "Parameters" not in titles:
        return None
    if {"Other Parameters", "Keyword Arguments", "Yields", "Receives"} & set(titles):
        return DocParams("numpy", (), False)
    start = titles.index("Parameters")
    first = headers[start][0] + 2
    end = headers[start + 1][0] if start + 1 < len(headers) else len(lines)
    header_indent = len(lines[headers[start][0]]) - len(lines[headers[start][0]].lstrip())
    names: list[str] = []
    for line in lines[first:end]:
        if not line.strip() or len(line) - len(line.lstrip()) > header_indent:
            continue
        match = _NUMPY_ENTRY.match(line)
        if match is None:
            return DocParams("numpy", (), False)
        names += [name.strip().lstrip("*") for name in match.group(1).split(",")]
    return DocParams("numpy", tuple(names), "Returns" in titles)


def _sphinx(doc: str) -> DocParams | None:
    names = [name.lstrip("*") for name in _SPHINX_PARAM.findall(doc)]
    if not names:
        return None
    if _SPHINX_OTHER.search(doc):
        return DocParams("sphinx", (), False)
    return DocParams("sphinx", tuple(names), bool(_SPHINX_RETURNS.search(doc)))
