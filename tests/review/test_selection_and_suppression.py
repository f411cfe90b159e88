"""Rule selection by prefix and the suppression comment grammar."""

from __future__ import annotations

import pytest

from codeassist.review.selection import Selection
from codeassist.review.suppression import scan
@pytest.mark.parametrize(
    ("select", "ignore", "rule", "enabled"),
    [
        (["CA"], [], "CA101", True),
        (["CA1"], ["CA10"], "CA101", False),
        (["CA101"], ["CA10"], "CA101", True),
        (["CA1"], ["CA1"], "CA101", False),  # a tie goes to ignore
        (["CA2"], [], "CA101", False),
    ],
)
def test_longest_prefix_wins(select, ignore, rule, enabled):
    assert Selection(select, ignore).enabled(rule) is enabled


def test_per_file_ignores():
    selection = Selection(["CA"], [], {"tests/**": ["CA102"]})
    assert not selection.enabled("CA102", "tests/unit/test_x.py")
    assert selection.enabled("CA102", "src/x.py")
    assert selection.enabled("CA101", "tests/unit/test_x.py")


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("def f(a):  # codeassist: ignore[CA101, CA102]", ("CA101", "CA102")),
        ("def f(a):  # codeassist: ignore", ()),
        ("function f(a) { // noqa: CA101", ("CA101",)),
        ("x = 1  # noqa: E501, CA1", ("CA1",)),  # other tools' codes may come first
        ("x = 1  # noqa: ca103", ("CA103",)),
    ],
)
def test_directive_grammar(line, codes):
    directives = scan(line + "\n")
    assert directives[1].codes == codes


def test_plain_noqa_is_not_ours():
    assert scan("x = 1  # noqa\n") == {}
