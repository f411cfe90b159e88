"""Documentation parsing: sections for parameters, returns, yields and raises.

`parse_doc` is the entry point for every language's documentation. Python docstrings come in
three conventions, told apart by their markers, each read by a module of `docstyles`:
Sphinx/reST (`:param x:` fields, or a consolidated `:Parameters:` field over a list) in
`sphinx.py`, NumPy (`Parameters` underlined with dashes or `=`) in `numpy.py` and Google
(`Args:` headers) in `google.py`. Tag-based comments (JSDoc, TSDoc, Javadoc) live in
`doctags.py` and Rustdoc's Markdown sections in `rustdoc.py`; Go doc comments have no sections.

Every parser keeps line numbers relative to the text it was given, so a finding can point
at the documentation line of the entry it is about.
"""

from __future__ import annotations

from collections.abc import Callable

from codeassist.parsing.docstyles import google, numpy, sphinx
from codeassist.parsing.docstyles.common import clean_name, dedent_lines, summary_of
from codeassist.records import ParsedDoc

__all__ = ["GODOC", "JAVADOC", "JSDOC", "PYTHON", "RUSTDOC", "clean_name", "parse_doc", "parse_python", "summary_of"]

PYTHON = "python"
JSDOC = "jsdoc"
JAVADOC = "javadoc"
RUSTDOC = "rustdoc"
GODOC = "godoc"


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


def parse_python(text: str) -> ParsedDoc:
    """Parse a Python docstring in whichever of the Sphinx, NumPy or Google styles it uses.

    Args:
        text: The docstring content, as written between the quotes.

    Returns:
        The sections found; style "plain" when none.
    """
    lines = dedent_lines(text)
    # A docstring may carry markers of more than one style; the first in this order wins.
    for style in (sphinx, numpy, google):
        if style.matches(lines):
            return style.parse(lines, text)
    return ParsedDoc(style="plain", summary=summary_of(text))


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
