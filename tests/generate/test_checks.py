"""A candidate against the spec's examples and a test file, run in the real sandbox."""

from __future__ import annotations

import sys

import pytest

from codeassist.errors import CodeassistError
from codeassist.generate import sandbox
from codeassist.generate.checks import run_checks, spec_examples

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox is Linux-only")

SPEC = """Return the larger of two numbers.

    >>> larger(1, 2)
    2
    >>> larger(7,
    ...        3)
    7
"""
GOOD = "def larger(a, b):\n    return max(a, b)\n"
BAD = "def larger(a, b):\n    return min(a, b)\n"
TESTS = """\
from generated import larger

assert larger(2, 3) == 3


def test_equal():
    assert larger(4, 4) == 4


def test_negative():
    assert larger(-1, -5) == -1


def test_with_a_fixture(tmp_path):  # needs pytest's fixtures: not called
    raise AssertionError("not ours to call")
"""


def test_spec_examples_keep_doctest_lines_and_read_prose_ones():
    assert spec_examples(SPEC) == ">>> larger(1, 2)\n2\n>>> larger(7,\n...        3)\n7\n"
    prose = ("Examples:\n  larger(1, 2) ==> 2\n  larger(3, 1) ➞ 3.\n  larger(0, 0) returns 0\n"
             "  larger(n, m) = n, if n is larger\n  smaller(1, 2) == 1\n")
    assert spec_examples(prose, name="larger") == (
        ">>> (larger(1, 2)) == (2)\nTrue\n>>> (larger(3, 1)) == (3)\nTrue\n>>> (larger(0, 0)) == (0)\nTrue\n")
    assert spec_examples(prose) == ""  # without the name, prose is not read
    assert spec_examples("Return the larger of two numbers.", name="larger") == ""


@LINUX
def test_spec_examples_pass_and_fail():
    examples = spec_examples(SPEC)
    good = run_checks(GOOD, examples=examples)
    assert good.ok and good.ran == 2, good.output
    bad = run_checks(BAD, examples=examples)
    assert not bad.ok and "2 failed" in bad.output and "Expected:" in bad.output


@LINUX
def test_a_test_file_runs_its_asserts_and_parameterless_test_functions():
    good = run_checks(GOOD, examples="", tests=TESTS)
    assert good.ok and good.ran == 3, good.output  # the module's asserts, then two test functions
    bad = run_checks(BAD, examples="", tests=TESTS)
    assert not bad.ok and "AssertionError" in bad.output


@LINUX
def test_a_candidate_that_exits_early_or_loops_does_not_pass():
    assert not run_checks("import os\nos._exit(0)\n", examples=spec_examples(SPEC)).ok
    assert not run_checks("import sys\nsys.exit(0)\n", examples=spec_examples(SPEC)).ok
    looping = run_checks("def larger(a, b):\n    while True:\n        pass\n", examples=spec_examples(SPEC), timeout=2)
    assert not looping.ok and "timed out" in looping.output


def test_without_a_sandbox_nothing_runs(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    monkeypatch.setattr(sandbox.subprocess, "Popen", None)  # would raise TypeError if reached
    with pytest.raises(CodeassistError, match="needs a Linux sandbox"):
        run_checks(GOOD, examples=spec_examples(SPEC))


def test_nothing_to_check_is_refused():
    with pytest.raises(CodeassistError, match="nothing to check"):
        run_checks(GOOD, examples="", tests="")
