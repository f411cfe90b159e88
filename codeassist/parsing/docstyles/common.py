"""Helpers shared by the docstring conventions: line handling, names and their patterns.

`clean_name` and `summary_of` are re-exported by `codeassist.parsing.docstrings`, which is
where callers import them from.
"""

from __future__ import annotations

import re

# Sections we recognise only so that they end the previous one.
OTHER_SECTIONS = (
    "attributes|example|examples|note|notes|see also|todo|warning|warnings|warns|"
    "references|methods|usage|receives"
)
# An identifier may hold combining marks and other non-ASCII characters that `\w` does not
# match (`cafe\u0301`, Devanagari vowel signs): take any non-ASCII character here and let
# `str.isidentifier` decide in `split_names`.
WORD = r"[^\W\d](?:\w|[^\x00-\x7f\s])*"
NAME = r"(?:\\{0,2}\*){0,2}[^\W\d](?:[\w.]|[^\x00-\x7f\s])*"
NAMES = rf"{NAME}(?:\s*(?:,\s*and\b|,|\band\b)\s*{NAME})*"
# Type words that may head a type-first entry (`int (size): text`) but are not the name.
TYPE_WORDS = frozenset(
    "any array bool boolean bytearray bytes callable complex dict float frozenset func function "
    "int integer iterable iterator list mapping ndarray none number object sequence set "
    "str string tensor tuple type".split()
)
# Class names: `Sequence`, `Point3D`; not `X`, `LU_real` (parameters written in capitals).
CAP_WORDS = re.compile(r"[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*")
# `:exc:`ValueError``, `:py:class:`~pkg.Error``, or plain backquotes around an exception name.
_ROLE = re.compile(r"(?::(?:py:)?(?:exc|class|obj|any|data):)?`[~!]?([\w.]+)`")
# A leading dot is Sphinx's "look everywhere" mark (`:exc:`.RefactoringError``).
_LEADING_NAME = re.compile(r"\.?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
# Suffixes that make a one-hump word an exception class rather than prose: `Exception`, `Warning`.
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning", "Exit")


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


def dedent_lines(text: str) -> list[str]:
    """Split a docstring into lines and remove the common indentation of lines after the first.

    The line count is kept so indices still map to file lines.

    Args:
        text: The docstring content.

    Returns:
        The lines, the first stripped and the rest dedented.
    """
    lines = text.expandtabs().splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    margin = min(indents, default=0)
    return [lines[0].strip()] + [line[margin:].rstrip() for line in lines[1:]] if lines else []


def indent(line: str) -> int:
    """Return the number of leading whitespace characters of a line.

    Args:
        line: One line of text.

    Returns:
        Its indentation.
    """
    return len(line) - len(line.lstrip())


def strip_roles(entry: str) -> str:
    """Replace reST roles and backquotes by the name they hold.

    Args:
        entry: A line such as ":exc:`~pkg.Error`: text".

    Returns:
        The line with the bare name: "pkg.Error: text".
    """
    return _ROLE.sub(r"\1", entry)


def split_names(names: str) -> list[str]:
    """Split `x, y and z` into the identifiers it names, dropping anything that is not one.

    Args:
        names: The names as written, possibly with `*` markers or dotted.

    Returns:
        The bare names.
    """
    parts = [clean_name(part) for part in re.split(r"\s*,\s*and\s+|\s*,\s*|\s+and\s+", names)]
    return [part for part in parts if part and all(p.isidentifier() for p in part.split(".") if p)]


def raised_name(entry: str) -> str | None:
    """Return the exception a NumPy Raises line or a bare `:raises:` field's text names.

    "ValueError if the freq cannot be converted." names `ValueError`; a list of names
    ("KeyError, IndexError") is kept whole, as the NumPy parser always has.

    Args:
        entry: The stripped line or field text.

    Returns:
        The name, or None when the text opens with no name that looks like a class.
    """
    head = strip_roles(entry).split(":")[0].strip()
    if re.fullmatch(NAMES, head):
        return head
    match = _LEADING_NAME.match(head)
    if match is None:
        return None
    # Only a name that looks like a class counts, so that prose ("If the file is missing.")
    # names nothing: its last part is capitalised and has a second capital (`ValueError`,
    # `pkg.HTTPError`) or an exception suffix (`Exception`).
    last = match.group(1).rsplit(".", 1)[-1]
    humps = any(c.isupper() for c in last[1:]) or last.endswith(_EXCEPTION_SUFFIXES)
    is_class = last[:1].isupper() and any(c.islower() for c in last) and humps
    return match.group(1) if is_class else None
