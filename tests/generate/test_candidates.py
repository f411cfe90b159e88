"""Generate-and-test's choice among candidates: grades, ties, when to stop, the summary line."""

from __future__ import annotations

import pytest

from codeassist.generate.candidates import (BROKEN, PARSES, PASSES, WRONG_SIGNATURE, Candidate, is_final, parameters,
                                            pick, signature_problem, summary)

GOOD = "def add(a, b):\n    return a + b\n"
WRONG = "def add(a, b):\n    return a - b\n"


def _candidate(how: str, *, problem: str | None = None, passed: bool | None = None, code: str = GOOD) -> Candidate:
    return Candidate(code, how, problem, passed)


@pytest.mark.parametrize(("problem", "passed", "grade"), [
    ("syntax error near line 2", None, BROKEN),
    ("it does not define `add`", None, BROKEN),
    ("its parameters are (x, y), not (a, b)", None, WRONG_SIGNATURE),
    ("its parameters are (x, y), not (a, b)", True, WRONG_SIGNATURE),  # never run, never "passing"
    (None, None, PARSES),
    (None, False, PARSES),
    (None, True, PASSES),
])
def test_grade(problem: str | None, passed: bool | None, grade: int):
    assert _candidate("greedy", problem=problem, passed=passed).grade == grade


def test_passing_beats_parsing_and_ties_go_to_the_earliest():
    greedy = _candidate("greedy", passed=False, code=WRONG)
    first_pass = _candidate("sampled (seed 1)", passed=True)
    second_pass = _candidate("sampled (seed 2)", passed=True)
    assert pick([greedy, first_pass, second_pass]) is first_pass
    later_fail = _candidate("sampled (seed 3)", passed=False)
    assert pick([greedy, later_fail]) is greedy


def test_parsing_beats_a_wrong_signature_and_broken_code_is_never_picked():
    broken = _candidate("greedy", problem="syntax error near line 1")
    renamed = _candidate("repair", problem="its parameters are (x, y), not (a, b)")
    parsing = _candidate("sampled (seed 2)")
    assert pick([broken, renamed, parsing]) is parsing
    assert pick([broken, renamed]) is renamed
    assert pick([broken]) is None
    assert pick([]) is None


def test_the_search_stops_only_where_nothing_later_can_win():
    assert is_final(_candidate("greedy", passed=True), runs=True)
    assert not is_final(_candidate("greedy", passed=False), runs=True)
    assert is_final(_candidate("greedy"), runs=False)
    assert not is_final(_candidate("greedy", problem="its parameters are (x), not (a, b)"), runs=False)


@pytest.mark.parametrize(("line", "names"), [
    ("def add(a, b):", ["a", "b"]),
    ("def f(a, /, b: int = 1, *rest, key, **options) -> None:", ["a", "b", "*rest", "key", "**options"]),
    ("async def fetch(url):", ["url"]),
    ("def broken(a b):", None),
])
def test_parameters(line: str, names: list[str] | None):
    assert parameters(line) == names


def test_signature_problem():
    assert signature_problem(GOOD, "add", ["a", "b"]) is None
    assert signature_problem(GOOD, "add", None) is None
    assert signature_problem(GOOD, "add", ["x", "y"]) == "its parameters are (a, b), not (x, y)"
    assert "at top level" in signature_problem("class A:\n    def add(self, a, b):\n        pass\n", "add", ["a", "b"])
    # tree-sitter accepts this; Python does not
    assert signature_problem("def add(a, b):\n    pass\nreturn 1\n", "add", ["a", "b"]).startswith("Python cannot")


def test_summary_says_what_was_tried_parsed_and_passed():
    tried = [_candidate("greedy", passed=False), _candidate("sampled (seed 1)", problem="syntax error near line 3"),
             _candidate("sampled (seed 2)", passed=True)]
    line = summary(tried, tried[2], runs=True)
    assert line == ("3 candidates tried, 2 parsed with the asked signature, 1 passed the spec's examples and tests; "
                    "returning the sampled (seed 2) one")
    line = summary(tried[:1], tried[0], runs=False, why_not_run="no sandbox here: unshare failed")
    assert line == ("1 candidate tried, 1 parsed with the asked signature; none run (no sandbox here: unshare "
                    "failed); returning the greedy one")
