"""`codeassist generate` with generate-and-test, through the real CLI and the real default model."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from codeassist.generate import sandbox
from codeassist.generate.code import parse_problem
from codeassist.generate.generate_and_test import generate_candidates

SPEC = "Return the larger of two numbers.\n\n    >>> larger(1, 2)\n    2\n    >>> larger(7, 3)\n    7\n"
SIGNATURE = "larger(a: int, b: int) -> int"


@pytest.mark.parametrize(("args", "message"), [
    (["--candidates", "0"], "--candidates 0 tries nothing"),
    (["--tests", "missing.py"], "cannot read --tests missing.py"),
])
def test_generate_option_errors_are_one_line(cli, tmp_path: Path, args: list[str], message: str):
    done = cli("generate", "add two numbers", "--signature", "add(a, b)", *args, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr and done.stdout == ""


def test_generate_checks_candidates_against_examples_and_tests(cli, tmp_path: Path):
    from codeassist.search import index
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "compare.py").write_text('def smaller(a, b):\n    """Return the smaller of two numbers."""\n'
                                         '    return a if a < b else b\n')
    index.build(tmp_path)  # the project's own code goes in the prompt
    (tmp_path / "test_larger.py").write_text("def test_equal():\n    assert larger(4, 4) == 4\n")
    started = time.monotonic()
    done = cli("generate", SPEC, "--signature", SIGNATURE, "--candidates", "3", "--tests", "test_larger.py",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert parse_problem(done.stdout, "larger") is None
    assert "showing the model 1 matching functions of this project" in done.stderr
    assert "parsed with the asked signature" in done.stderr and "passed the spec's examples and tests" in done.stderr
    assert time.monotonic() - started < 120


def test_without_a_sandbox_candidates_are_only_parsed(lm, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    monkeypatch.setattr(sandbox.subprocess, "Popen", None)  # would raise TypeError if reached
    generation = generate_candidates(SPEC, SIGNATURE, lm=lm, count=3, max_new_tokens=96)
    assert not generation.ran and generation.note.startswith("no sandbox here: running generated code needs")
    assert all(candidate.passed is None for candidate in generation.candidates)
    assert generation.chosen is not None and generation.chosen is generation.candidates[-1]
    assert "none run (no sandbox here" in generation.summary
