"""CA106 and the stated-default reader behind it: what a doc says a parameter defaults to."""

from __future__ import annotations

import textwrap

import pytest

from codeassist.parsing.doc_values import literal, same_value
from codeassist.review.engine import check_text
from codeassist.review.selection import Selection


def messages(source: str, language: str = "python", path: str = "x.py") -> list[str]:
    findings, _, problems = check_text(textwrap.dedent(source), language, path, Selection(["CA106"]))
    assert problems == []
    return [f.message for f in findings]


@pytest.mark.parametrize("entry", [
    "timeout: Seconds to wait. Defaults to 5.",
    "timeout (int): Seconds to wait (default: 5).",
    "timeout: Seconds to wait. The default value is 5.",
    "timeout: Seconds to wait, default=5.",
])
def test_a_google_entry_that_states_another_default_fires(entry: str):
    found = messages(f'''
        def fetch(url, timeout=10):
            """Fetch a page.

            Args:
                url: The page.
                {entry}
            """
        ''')
    assert len(found) == 1
    assert "`timeout` defaults to 5" in found[0] and "`timeout=10`" in found[0]


def test_numpy_type_line_and_sphinx_field_are_read():
    numpy = messages('''
        def f(n=3):
            """Doc.

            Parameters
            ----------
            n : int, default 30
                How many.
            """
        ''')
    sphinx = messages('''
        def f(encoding="latin-1"):
            """Doc.

            :param encoding: The codec. Defaults to ``'utf-8'``.
            """
        ''')
    assert len(numpy) == 1 and "defaults to 30" in numpy[0]
    assert len(sphinx) == 1 and "encoding=\"latin-1\"" in sphinx[0]


@pytest.mark.parametrize("code, doc", [
    ("10", "Defaults to 10."),
    ("10", "Defaults to 10.0."),
    ("True", "Defaults to ``True``."),
    ("None", "Defaults to None."),
    ("None", "Defaults to 5."),             # None often means "use the documented value"
    ("DEFAULT", "Defaults to 5."),          # computed: not judged
    ("5", "Defaults to ``DEFAULT_N``."),    # a constant's name: not judged against a number
    ("'\\n'", "Defaults to ``'\\\\n'``."),  # the rendered escape is the code's newline
    ("'utf-8'", "Defaults to ``utf-8``."),
])
def test_agreeing_or_unjudgeable_defaults_are_quiet(code: str, doc: str):
    assert messages(f'''
        def f(x={code}):
            """Doc.

            Args:
                x: The value. {doc}
            """
        ''') == []


def test_a_bare_backticked_word_is_compared_with_a_string_default():
    found = messages('''
        def f(mode="r"):
            """Doc.

            Args:
                mode: How to open. Defaults to ``rb``.
            """
        ''')
    assert len(found) == 1 and "``rb``" in found[0]


def test_jsdoc_bracket_default_fires_in_javascript():
    found = messages('''
        /**
         * Retry a call.
         * @param {number} [times=3] - How often.
         */
        function retry(times = 5) { return times; }
        ''', "javascript", "x.js")
    assert len(found) == 1 and "defaults to 3" in found[0] and "`times=5`" in found[0]


def test_the_finding_sits_on_the_parameter_line():
    findings, _, _ = check_text(textwrap.dedent('''
        def f(x=1):
            """Doc.

            Args:
                x: A value. Defaults to 2.
            """
        '''), "python", "x.py", Selection(["CA106"]))
    assert [f.line for f in findings] == [6]


@pytest.mark.parametrize("text, value", [
    ("5", 5), ("-1", -1), ("1_000", 1000), ("0.5", 0.5), ("'a'", "a"), ("``True``", True),
    ("null", None), ("undefined", None),
])
def test_literal_reads_code_and_doc_spellings(text: str, value: object):
    got = literal(text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("text", ["foo()", "DEFAULT", "[1, 2]", "x + 1"])
def test_anything_but_a_plain_literal_is_unknown(text: str):
    assert repr(literal(text)) == "<not a literal>"


def test_same_value_keeps_booleans_apart_from_numbers():
    assert same_value(5, 5.0) and not same_value(True, 1) and not same_value(0, False)
    assert same_value(None, "none") and same_value("utf-8.", "utf-8") and not same_value("a", "b")
