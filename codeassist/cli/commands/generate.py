"""`codeassist generate SPEC --signature SIG`: a function from a specification, code on stdout."""

from __future__ import annotations

import sys
from pathlib import Path

from codeassist.errors import EXIT_CLEAN, EXIT_FINDINGS


def generate(*, spec: str, signature: str, language: str = "python", check_doctests: bool = False,
             candidates: int | None = None, time_budget: float | None = None, tests: Path | None = None,
             seed: int = 0, model: str | None = None, device: str = "auto", llm_url: str | None = None,
             llm_model: str | None = None, llm_timeout: float | None = None) -> int:
    """Print the best of several generated functions, code only; optionally run its docstring examples.

    With a search index (`codeassist index`), the project's best matching functions go in the prompt.

    Args:
        spec: What the function must do, in words.
        signature: The signature, e.g. `slugify(text: str) -> str`.
        language: The language of the code ("python").
        check_doctests: Run the docstring examples in a sandboxed subprocess.
        candidates: How many answers to try at most, greedy first, then sampled (None: 4).
        time_budget: Seconds after which no new candidate is started (None: 60).
        tests: A file of asserts or `test_*` functions run against each candidate, sandboxed.
        seed: The first sampling seed.
        model: The model (None: the packaged default).
        device: "auto", "cpu", "cuda" or "mps".
        llm_url: An OpenAI-compatible server to ask instead (None: `llm-url` from the config, if any).
        llm_model: The server's model (None: the configured one, else the first it lists).
        llm_timeout: Seconds to wait for each of the server's answers (None: from the config).

    Returns:
        0, or 1 when check_doctests finds failing examples.

    Raises:
        CodeassistError: When --candidates is below 1 or the --tests file cannot be read.
    """
    from codeassist.changes.files import find_root
    from codeassist.cli.backend import chosen_server
    from codeassist.errors import CodeassistError
    from codeassist.generate import code as generated
    candidates = generated.DEFAULT_CANDIDATES if candidates is None else candidates
    time_budget = generated.DEFAULT_TIME_BUDGET_S if time_budget is None else time_budget
    if candidates < 1:
        raise CodeassistError(f"--candidates {candidates} tries nothing", "pass --candidates 1 or more")
    try:
        test_text = tests.read_text(encoding="utf-8") if tests is not None else ""
    except (OSError, UnicodeDecodeError) as error:
        raise CodeassistError(f"cannot read --tests {tests} ({error})", "pass a readable UTF-8 Python file") from error
    from codeassist.generate.examples import retrieved_code
    root = find_root(Path.cwd())
    server = chosen_server(root, model=model, llm_url=llm_url, llm_model=llm_model, llm_timeout=llm_timeout)
    project_code = retrieved_code(root, f"{spec}\n{signature}")  # "" without an index (`codeassist index`)
    if project_code:
        print(f"codeassist: showing the model {project_code.count('```python')} matching functions of this project",
              file=sys.stderr)
    text = generated.generate_function(spec, signature, language=language, model=model, device=device,
                                       server=server, count=candidates, time_budget=time_budget,
                                       tests=test_text, seed=seed, project_code=project_code)
    sys.stdout.write(text)
    sys.stdout.flush()
    if not check_doctests:
        return EXIT_CLEAN
    result = generated.check_doctests(text)
    print(f"codeassist: {result.output or 'no doctest output'}", file=sys.stderr)
    return EXIT_CLEAN if result.ok else EXIT_FINDINGS
