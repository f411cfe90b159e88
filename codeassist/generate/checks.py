"""Run a candidate against the spec's own examples and the user's tests, in the sandbox only.

The examples are the `>>>` lines of the specification (or of the signature's docstring), and
lines that show a call and its value in prose, `name(1, 2) == 3` (also with `==>`, `=>`, `->`,
`➞`, `=` or `returns`), checked as `name(1, 2) == 3`; the tests are a file the user names: module-level asserts, and `test*` functions without
parameters (pytest style), which see the candidate's names and can `import generated`.
Everything runs in one sandboxed interpreter per candidate (`codeassist.generate.sandbox`);
where no sandbox can be had, nothing runs and the caller falls back to parse checks.
"""

from __future__ import annotations

import ast
import doctest
import re
from dataclasses import dataclass

from codeassist.errors import CodeassistError

CHECK_TIMEOUT_S = 10
# Trusted runner; the candidate is untrusted. The sandbox is the barrier (seccomp refuses
# socket()); the patch only makes the message clear.
_RUNNER = r'''
import doctest, inspect, socket, sys, traceback, types
def _no_network(*args, **kwargs):
    raise OSError("network disabled by codeassist generate")
socket.socket = _no_network
socket.create_connection = _no_network
code_path, examples_path, tests_path = sys.argv[1:4]
ran = failed = 0
def report():
    print(f"codeassist-checks: {ran} run, {failed} failed", file=sys.stderr)
module = types.ModuleType("generated")
sys.modules["generated"] = module
try:
    exec(compile(open(code_path, encoding="utf-8").read(), "generated.py", "exec"), module.__dict__)
except BaseException:
    traceback.print_exc()
    ran, failed = 1, 1
    report()
    sys.exit(1)
examples = open(examples_path, encoding="utf-8").read()
if examples.strip():
    test = doctest.DocTestParser().get_doctest(examples, dict(module.__dict__), "spec", "spec", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    result = runner.run(test, out=sys.stderr.write)
    ran, failed = ran + result.attempted, failed + result.failed
tests = open(tests_path, encoding="utf-8").read()
if tests.strip():
    namespace = dict(module.__dict__, __name__="codeassist_tests")
    before = set(namespace)
    ran += 1
    try:
        exec(compile(tests, "tests.py", "exec"), namespace)
    except BaseException:
        traceback.print_exc()
        failed += 1
    else:
        for name, value in list(namespace.items()):
            if name in before or not name.startswith("test") or not inspect.isfunction(value):
                continue
            if any(p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                   for p in inspect.signature(value).parameters.values()):
                continue  # pytest fixtures are not ours to provide
            ran += 1
            try:
                value()
            except BaseException:
                print(f"{name} failed:", file=sys.stderr)
                traceback.print_exc()
                failed += 1
report()
sys.exit(1 if failed else 0)
'''
_REPORT = re.compile(r"codeassist-checks: (\d+) run, (\d+) failed")
# Between a call and its value in a prose example; the longer spellings first.
_ARROWS = re.compile(r"\s*(?:#\s*=>|==>|=>|->|\u279e|==|=|\breturns\b)\s*")


@dataclass(frozen=True)
class CheckResult:
    """How a candidate did against the examples and tests.

    Attributes:
        ok: Everything ran and passed (False also for a timeout).
        ran: Examples, test functions and test-file runs attempted (as the runner counted).
        output: What the sandboxed interpreter printed.
    """

    ok: bool
    ran: int
    output: str


def spec_examples(*texts: str, name: str = "") -> str:
    """Return the examples of the texts as doctest source (empty when there are none).

    Args:
        texts: The specification, the signature (its docstring), or any text holding examples.
        name: The function; with it, prose lines `name(...) == value` are examples too.

    Returns:
        Each example with its expected output, one after another.
    """
    parser = doctest.DocTestParser()
    lines = []
    for text in texts:
        try:
            examples = parser.get_examples(text)
        except ValueError:  # inconsistent indentation: an example doctest cannot read either
            examples = []
        for example in examples:
            source = example.source.rstrip("\n").split("\n")
            lines.append(">>> " + source[0])
            lines.extend("... " + line for line in source[1:])
            lines.extend(example.want.rstrip("\n").split("\n") if example.want else [])
        if name and not examples:
            lines.extend(line for found in map(_prose_example, text.splitlines(), [name] * len(text.splitlines()))
                         if found for line in (found, "True"))
    return "\n".join(lines) + "\n" if lines else ""


def _prose_example(line: str, name: str) -> str:
    """Turn `name(args) ==> value` into the doctest source `(name(args)) == (value)`, or return ""."""
    start = line.find(name + "(")
    if start < 0 or (start > 0 and (line[start - 1].isalnum() or line[start - 1] in "_.")):
        return ""
    text = line[start:].strip().rstrip(".,;")
    for arrow in _ARROWS.finditer(text):
        call, value = text[: arrow.start()], text[arrow.end():].strip().rstrip(".,;")
        if _is_call(call, name) and _is_expression(value):
            return f">>> ({call}) == ({value})"
    return ""


def _is_call(text: str, name: str) -> bool:
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _is_expression(text: str) -> bool:
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    # Values, not prose that happens to parse ("10 if n is even"): literals and containers of them.
    return all(isinstance(n, (ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.UnaryOp, ast.USub,
                              ast.UAdd, ast.Load)) for n in ast.walk(node))


def run_checks(code: str, *, examples: str, tests: str = "", timeout: float = CHECK_TIMEOUT_S) -> CheckResult:
    """Run the spec's examples and the tests against a candidate, in the sandbox.

    Args:
        code: The candidate module.
        examples: Doctest source (`spec_examples`).
        tests: The text of a test file, or "".
        timeout: Seconds before the sandbox, with every process in it, is killed.

    Returns:
        Whether everything passed, how much ran, and the output.

    Raises:
        CodeassistError: When no sandbox can be had here (nothing was run).
    """
    if not (examples.strip() or tests.strip()):
        raise CodeassistError("there is nothing to check the generated code against",
                              "put >>> examples in the specification, or pass --tests FILE")
    from codeassist.generate.sandbox import run_python
    run = run_python(_RUNNER, {"generated.py": code, "examples.txt": examples, "tests.py": tests}, timeout=timeout)
    if run.timed_out:
        return CheckResult(False, 0, f"the checks timed out after {timeout:g} s")
    found = _REPORT.findall(run.output)
    ran = int(found[-1][0]) if found else 0
    return CheckResult(run.returncode == 0 and bool(found), ran, run.output.strip())
