"""Generate and test: several candidates for a function, checked, the best returned.

The greedy answer comes first and, when it does not parse, today's one repair; then answers
sampled with a temperature and a seed, until one passes, the count is reached or the time
budget is spent. Each candidate that parses with the asked signature runs against the spec's
own examples and the user's tests in the sandbox (`codeassist.generate.checks`), never
outside it; `codeassist.generate.candidates` grades them and picks the best.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codeassist.errors import CodeassistError
from codeassist.generate import candidates
from codeassist.generate.candidates import Candidate
from codeassist.generate.code import DEFAULT_CANDIDATES, DEFAULT_TIME_BUDGET_S, extract_code, function_prompt, \
    normalise_signature, parse_problem

if TYPE_CHECKING:
    from codeassist.llm.models import LoadedModel
    from codeassist.llm.server import ServerModel

# Sampled candidates: a common pass@k setting for code models; hotter answers of a 135M model
# rarely parse, colder ones mostly repeat the greedy answer.
SAMPLE_TEMPERATURE = 0.7
SAMPLE_TOP_P = 0.95


@dataclass(frozen=True)
class Generation:
    """What generate-and-test tried and what it chose.

    Attributes:
        chosen: The candidate returned (None when none parses).
        candidates: Every candidate, in the order tried.
        ran: Whether candidates were executed against examples or tests.
        note: Why they were not (no examples or tests, no sandbox), or "".
    """

    chosen: Candidate | None
    candidates: tuple[Candidate, ...]
    ran: bool
    note: str

    @property
    def summary(self) -> str:
        """The one line that says what was tried, what parsed and what passed."""
        return candidates.summary(self.candidates, self.chosen, runs=self.ran, why_not_run=self.note)


def generate_candidates(spec: str, signature: str, *, language: str = "python", model: str | None = None,
                        device: str = "auto", max_new_tokens: int = 320, server: ServerModel | None = None,
                        count: int = DEFAULT_CANDIDATES, time_budget: float = DEFAULT_TIME_BUDGET_S,
                        tests: str = "", seed: int = 0, project_code: str = "",
                        lm: LoadedModel | ServerModel | None = None) -> Generation:
    """Generate candidates until one passes (or the count or time runs out), and pick the best.

    The greedy answer comes first; when it does not parse, a repair under a repetition penalty
    (today's one retry) comes second; then answers sampled with seeds `seed + 1, seed + 2, ...`.
    A candidate that parses and has the asked parameters runs against the spec's `>>>`
    examples and `tests`, in the sandbox only; the first that passes ends the search, since
    ties go to the earliest (`candidates.pick`). Without examples or tests, or without a
    sandbox, the first candidate that parses with the asked signature ends it.

    Args:
        spec: What the function must do, in words (its examples are checked: `checks.spec_examples`).
        signature: Its signature.
        language: Only "python" is supported.
        model: The model (None: the packaged default).
        device: "auto", "cpu", "cuda" or "mps".
        max_new_tokens: The cap per candidate.
        server: An OpenAI-compatible server to ask instead of a local model (greedy only).
        count: How many candidates at most (the repair of a broken greedy answer is tried even at 1).
        time_budget: Seconds after which no new candidate is started.
        tests: The text of a test file to run against each candidate, or "".
        seed: The first sampling seed.
        project_code: Matching functions of the user's project (`examples.retrieved_code`), shown in the
            prompt of the greedy answer and of every other sampled one.
        lm: An already loaded model or server (else `server`, or `model` loaded).

    Returns:
        The candidates and the chosen one.

    Raises:
        CodeassistError: When the language is unsupported.
    """
    if language != "python":
        raise CodeassistError(f"code generation does not support {language} yet", "pass --language python")
    from codeassist.generate.checks import run_checks, spec_examples
    from codeassist.llm.generation import attach_adapter, chat
    line, name = normalise_signature(signature)
    expected = candidates.parameters(line)
    examples = spec_examples(spec, signature, name=name)
    ran, note = bool(examples.strip() or tests.strip()), ""
    if not ran:
        note = "the spec shows no examples and no tests were given"
    if lm is None:
        from codeassist.llm.models import load
        lm = server if server is not None else load(model, device)
    # The codegen adapter when one is shipped; otherwise the bare base, even when another
    # task's adapter was attached to this model earlier.
    adapter = attach_adapter(lm, "codegen")
    plain = function_prompt(spec, line, language)
    prompted = plain
    if project_code:
        from codeassist.generate.examples import CODE_EXAMPLES_HEADER
        prompted = CODE_EXAMPLES_HEADER.format(examples=project_code) + plain
    fence = f"```{language}\n"  # pre-filled: the answer starts inside a code block
    tried: list[Candidate] = []
    started = time.monotonic()
    while True:
        repair = len(tried) == 1 and tried[0].grade == candidates.BROKEN
        if (len(tried) >= count and not repair) or (tried and not repair and time.monotonic() - started >= time_budget):
            break
        if repair:
            how, message, options = "repair", _repair_prompt(tried[0], plain, language, line), {"repetition_penalty": 1.2}
        elif tried and server is not None:
            note = note or "a server answers greedily, so it gives one candidate"
            break
        else:
            # Fresh answers alternate between the prompt with the project's functions (first) and
            # the plain one: a small model may copy a retrieved function instead of answering.
            fresh = sum(c.how != "repair" for c in tried)
            message = prompted if fresh % 2 == 0 else plain
            how = "greedy" if not tried else f"sampled (seed {seed + len(tried)})"
            how += " with project code" if message is not plain else ""
            options = {} if not tried else {"temperature": SAMPLE_TEMPERATURE, "top_p": SAMPLE_TOP_P,
                                            "seed": seed + len(tried)}
        began = time.monotonic()
        code = extract_code(fence + chat(lm, message, prefix=fence, max_new_tokens=max_new_tokens, adapter=adapter,
                                        **options), name)
        problem = parse_problem(code, name) or candidates.signature_problem(code, name, expected)
        passed, output = None, ""
        if ran and problem is None:
            try:
                result = run_checks(code, examples=examples, tests=tests)
            except CodeassistError as error:  # no sandbox here: nothing is run, from now on
                ran, note = False, f"no sandbox here: {error.cause}"
                print(f"codeassist: candidates are checked for parse and signature only, not run ({error.cause})",
                      file=sys.stderr)
            else:
                passed, output = result.ok, result.output
        tried.append(Candidate(code, how, problem, passed, output, time.monotonic() - began))
        if candidates.is_final(tried[-1], runs=ran):
            break
    return Generation(candidates.pick(tried), tuple(tried), ran, note)


def _repair_prompt(broken: Candidate, plain: str, language: str, line: str) -> str:
    """Today's one retry: the repair prompt for a short broken answer, else the plain ask again."""
    # Showing a 135M model its own broken (usually looping) answer makes it copy the loop; a
    # fresh answer under a repetition penalty repairs more often.
    if len(broken.code) < 1500 and broken.code.count("\n") < 40:
        from codeassist.llm import prompts
        return prompts.REPAIR_FUNCTION.format(language=language, problem=broken.problem, signature=line,
                                              code=broken.code)
    return plain
