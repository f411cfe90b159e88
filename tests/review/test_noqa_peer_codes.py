"""`# noqa` with pydocstyle/ruff/pydoclint/darglint codes for the checks CA1xx also makes."""

from __future__ import annotations

import textwrap

from codeassist.review.engine import check_text
from codeassist.review.selection import Selection
from codeassist.review.suppression import PEER_CODES, scan

SOURCE = '''
def scale(value, factor):{comment}
    """Scale.

    Args:
        value: The input.
    """
    return value * factor
'''


def _rules(comment: str, select: list[str]) -> list[str]:
    findings, _, problems = check_text(
        textwrap.dedent(SOURCE.format(comment=comment)), "python", "x.py", Selection(select)
    )
    assert problems == []
    return sorted(f.rule for f in findings)


def test_d417_suppresses_ca102_and_is_never_called_unused():
    assert _rules("", ["CA102", "CA001"]) == ["CA102"]
    assert _rules("  # noqa: D417", ["CA102", "CA001"]) == []


def test_borrowed_code_that_matched_nothing_is_left_alone():
    # DAR401 stands for CA104, which finds nothing here: the comment is darglint's business.
    assert _rules("  # noqa: D417, DAR401", ["CA1", "CA001"]) == []


def test_unrelated_peer_code_is_not_a_suppression():
    assert scan("x = 1  # noqa: E501\n") == {}
    assert _rules("  # noqa: E501", ["CA102", "CA001"]) == ["CA102"]


def test_peer_codes_map_to_real_rules():
    from codeassist.review.rules import all_rules

    assert {rule for rules in PEER_CODES.values() for rule in rules} <= set(all_rules())
    assert scan("def f(a):  # noqa: DOC103\n")[1].borrowed == ("CA101", "CA102")
