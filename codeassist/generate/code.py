"""A function from a specification and a signature: generate and test, return the best that parses.

Model output is data. The code is printed; what is executed runs in the sandbox of
`codeassist.generate.sandbox` (or not at all): each candidate against the spec's own `>>>`
examples and the user's --tests file (`codeassist.generate.checks`), and, with
--check-doctests, the returned module's own docstring examples.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codeassist.errors import CodeassistError
from codeassist.generate import candidates

if TYPE_CHECKING:
    from codeassist.llm.server import ServerModel

# The defaults of generate-and-test (`codeassist.generate.generate_and_test`), here for the CLI.
DEFAULT_CANDIDATES = 4
DEFAULT_TIME_BUDGET_S = 60.0

_FENCE = re.compile(r"```[\w+-]*\n(.*?)(```|\Z)", re.S)
DOCTEST_TIMEOUT_S = 10
# The sandbox is the barrier (seccomp refuses socket()); this patch only makes the message clear.
_DOCTEST_RUNNER = """
import doctest, socket, sys, types
def _no_network(*args, **kwargs):
    raise OSError("network disabled by codeassist --check-doctests")
socket.socket = _no_network
socket.create_connection = _no_network
module = types.ModuleType("generated")
exec(compile(open(sys.argv[1], encoding="utf-8").read(), "generated.py", "exec"), module.__dict__)
result = doctest.testmod(module, verbose=False, report=True)
print(f"doctests: {result.attempted} run, {result.failed} failed", file=sys.stderr)
sys.exit(1 if result.failed else 0)
"""


@dataclass(frozen=True)
class DoctestResult:
    """The outcome of running a generated function's doctests.

    Attributes:
        ok: Every example passed (False also for a timeout).
        output: What the subprocess printed.
    """

    ok: bool
    output: str


def normalise_signature(signature: str) -> tuple[str, str]:
    """Return the signature as a `def` line and the function's name.

    Args:
        signature: `def name(args) -> T`, `name(args) -> T`, with or without the colon.

    Returns:
        The `def ...:` line and the name.

    Raises:
        CodeassistError: When no function name can be read from it.
    """
    line = " ".join(signature.strip().split()).rstrip(":")
    if not line.startswith(("def ", "async def ")):
        line = "def " + line
    match = re.match(r"(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(", line)
    if match is None:
        raise CodeassistError(f"cannot read a function name from --signature {signature!r}",
                              "pass e.g. --signature 'slugify(text: str) -> str'")
    return line + ":", match.group(1)


def function_prompt(spec: str, line: str, language: str = "python") -> str:
    """Return the ask for one function, as `generate` sends it and the codegen adapter is trained on.

    Args:
        spec: What the function must do, in words.
        line: Its `def ...:` line (`normalise_signature`).
        language: The language named in the ask.

    Returns:
        The user message.
    """
    from codeassist.llm import prompts
    return prompts.GENERATE_FUNCTION.format(language=language, signature=line, spec=spec.strip())


def extract_code(answer: str, name: str) -> str:
    """Take the code out of a model answer: the fenced block, from its imports to the end.

    Args:
        answer: The model's raw text.
        name: The function that must be in it.

    Returns:
        The code (possibly still invalid).
    """
    blocks = [m.group(1) for m in _FENCE.finditer(answer)]
    code = next((b for b in blocks if f"def {name}" in b), blocks[0] if blocks else answer)
    return code.strip("\n") + "\n"


def parse_problem(code: str, name: str) -> str | None:
    """Say why `code` is not an acceptable function, or None when it is.

    Args:
        code: Python source.
        name: The function it must define.

    Returns:
        A short reason, or None.
    """
    from codeassist.parsing.parse import parse_source
    parsed = parse_source(code, "python", "<generated>")
    if parsed.problems:
        return parsed.problems[0]
    from codeassist.languages import parser
    root = parser("python").parse(code.encode()).root_node
    if root.has_error:
        line = next((n.start_point[0] + 1 for n in _walk(root) if n.type == "ERROR" or n.is_missing), 0)
        return f"syntax error near line {line}"
    if not any(u.name == name for u in parsed.units):
        return f"it does not define `{name}`"
    return None


def _walk(node):  # noqa: ANN001, ANN202 - tree-sitter nodes
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def generate_function(spec: str, signature: str, *, language: str = "python", model: str | None = None,
                      device: str = "auto", max_new_tokens: int = 320, server: ServerModel | None = None,
                      count: int = DEFAULT_CANDIDATES, time_budget: float = DEFAULT_TIME_BUDGET_S,
                      tests: str = "", seed: int = 0, project_code: str = "") -> str:
    """Generate a function that parses, by generate-and-test, and say on stderr how many candidates passed.

    Args:
        spec: What the function must do, in words; its `>>>` examples are run against candidates.
        signature: Its signature.
        language: Only "python" is supported.
        model: The model (None: the packaged default).
        device: "auto", "cpu", "cuda" or "mps".
        max_new_tokens: The cap per candidate.
        server: An OpenAI-compatible server to ask instead of a local model.
        count: How many candidates at most (1: the greedy answer, repaired once if it does not parse).
        time_budget: Seconds after which no new candidate is started.
        tests: The text of a test file to run against each candidate, or "".
        seed: The first sampling seed.
        project_code: Matching functions of the user's project, shown to the model first.

    Returns:
        The code.

    Raises:
        CodeassistError: When the language is unsupported or no candidate parses.
    """
    from codeassist.generate.generate_and_test import generate_candidates
    generation = generate_candidates(spec, signature, language=language, model=model, device=device,
                                     max_new_tokens=max_new_tokens, server=server, count=count,
                                     time_budget=time_budget, tests=tests, seed=seed, project_code=project_code)
    print(f"codeassist: {generation.summary}", file=sys.stderr)
    chosen = generation.chosen
    if chosen is None:
        last = generation.candidates[-1].problem
        raise CodeassistError(f"none of the {len(generation.candidates)} generated candidates parses ({last})",
                              "reword the specification, raise --candidates, or try a larger model with --model")
    if chosen.grade == candidates.WRONG_SIGNATURE:
        print(f"codeassist: warning: no candidate has the asked parameters; {chosen.problem}", file=sys.stderr)
    return chosen.code


def check_doctests(code: str, *, timeout: float = DOCTEST_TIMEOUT_S) -> DoctestResult:
    """Run the doctests of generated code in the sandbox.

    Args:
        code: The generated module source.
        timeout: Seconds before the sandbox, with every process in it, is killed.

    Returns:
        Whether the examples passed, and the sandboxed interpreter's output.

    Raises:
        CodeassistError: When no sandbox can be had here (nothing is run then).
    """
    from codeassist.generate.sandbox import run_python
    run = run_python(_DOCTEST_RUNNER, {"generated.py": code}, timeout=timeout)
    if run.timed_out:
        return DoctestResult(False, f"doctests timed out after {timeout:g} s")
    return DoctestResult(run.returncode == 0, run.output.strip())
