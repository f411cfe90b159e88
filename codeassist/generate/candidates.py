"""Candidates of generate-and-test: what each one is worth, and which one to return.

Each candidate is graded once: it parses and defines the asked function with the asked
parameters, it passed the spec's examples and the user's tests in the sandbox, or neither.
The best grade wins and, among equals, the earliest candidate, so that the greedy answer
(always tried first) is returned unless a later one does better. That rule also means the
search may stop at the first candidate with the top grade: none after it can beat it.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

# Grades, best last; a candidate that does not parse is never returned.
BROKEN, WRONG_SIGNATURE, PARSES, PASSES = range(4)
SIGNATURE_PROBLEM = "its parameters are"  # how `signature_problem` starts a mismatch of parameters


@dataclass(frozen=True)
class Candidate:
    """One generated answer and what was found out about it.

    Attributes:
        code: The extracted code.
        how: How it was decoded: "greedy", "repair" or "sampled (seed N)".
        problem: Why it does not parse, or does not match the signature; None when it does both.
        passed: Whether the spec's examples and the tests passed; None when nothing was run.
        output: What the sandboxed checks printed ("" when none ran).
        seconds: Wall-clock time to decode and check it.
    """

    code: str
    how: str
    problem: str | None = None
    passed: bool | None = None
    output: str = ""
    seconds: float = 0.0

    @property
    def parses(self) -> bool:
        """Whether the code parses and defines the asked function (whatever its parameters)."""
        return self.problem is None or self.problem.startswith(SIGNATURE_PROBLEM)

    @property
    def grade(self) -> int:
        """BROKEN, WRONG_SIGNATURE, PARSES or PASSES."""
        if not self.parses:
            return BROKEN
        if self.problem is not None:
            return WRONG_SIGNATURE
        return PASSES if self.passed else PARSES


def pick(candidates: Sequence[Candidate]) -> Candidate | None:
    """Return the best candidate: passing > parsing with the signature > parsing; ties go to the earliest.

    Args:
        candidates: In the order they were generated.

    Returns:
        The best one, or None when none parses.
    """
    best = None
    for candidate in candidates:
        if candidate.grade > BROKEN and (best is None or candidate.grade > best.grade):
            best = candidate
    return best


def is_final(candidate: Candidate, *, runs: bool) -> bool:
    """Whether no later candidate can beat this one, so the search can stop.

    Args:
        candidate: The newest candidate (all earlier ones graded lower).
        runs: Whether candidates are executed (examples or tests exist and a sandbox is here).

    Returns:
        True for a passing candidate, or, when nothing is run, one that matches the signature.
    """
    return candidate.grade == (PASSES if runs else PARSES)


def parameters(signature_line: str) -> list[str] | None:
    """Return the parameter names of a `def` line, in order, with `*`/`**` marking star parameters.

    Args:
        signature_line: `def name(args) -> T:`.

    Returns:
        The names, or None when the line is not a valid Python signature.
    """
    try:
        tree = ast.parse(signature_line.strip() + "\n    pass\n")
    except SyntaxError:
        return None
    function = tree.body[0]
    return _names(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def signature_problem(code: str, name: str, expected: list[str] | None) -> str | None:
    """Say how the code's top-level `name` fails Python's parser or the asked parameters, or None.

    Args:
        code: The candidate's source (tree-sitter has already accepted it).
        name: The function it must define at top level.
        expected: The asked parameter names (`parameters`), or None to accept any.

    Returns:
        A short reason, or None.
    """
    try:  # compiling (never running) is stricter than tree-sitter: e.g. `return` outside a function
        compile(code, "<generated>", "exec", dont_inherit=True)
        tree = ast.parse(code)
    except (SyntaxError, ValueError) as error:  # ValueError: a NUL byte
        return f"Python cannot compile it: {getattr(error, 'msg', error)} (line {getattr(error, 'lineno', 0)})"
    functions = [node for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name]
    if not functions:
        return f"it does not define `{name}` at top level"
    found = _names(functions[-1])  # the last definition is the one a caller gets
    if expected is not None and found != expected:
        return f"{SIGNATURE_PROBLEM} ({', '.join(found)}), not ({', '.join(expected)})"
    return None


def _names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    arguments = function.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    if arguments.vararg is not None:
        names.append("*" + arguments.vararg.arg)
    names.extend(a.arg for a in arguments.kwonlyargs)
    if arguments.kwarg is not None:
        names.append("**" + arguments.kwarg.arg)
    return names


def summary(candidates: Sequence[Candidate], chosen: Candidate | None, *, runs: bool, why_not_run: str = "") -> str:
    """Return the one line that says what was tried and what passed.

    Args:
        candidates: Every candidate tried.
        chosen: The one returned (None: none parses).
        runs: Whether the candidates were executed.
        why_not_run: When they were not, the reason.

    Returns:
        E.g. "4 candidates tried, 3 parsed, 1 passed the spec's examples and tests; returning the sampled (seed 2) one".
    """
    tried = len(candidates)
    parsed = sum(c.grade >= PARSES for c in candidates)
    noun = "candidate" if tried == 1 else "candidates"
    line = f"{tried} {noun} tried, {parsed} parsed with the asked signature"
    if runs:
        line += f", {sum(c.grade == PASSES for c in candidates)} passed the spec's examples and tests"
    elif why_not_run:
        line += f"; none run ({why_not_run})"
    if chosen is not None:
        line += f"; returning the {chosen.how} one"
    return line
