"""`codeassist generate SPEC --signature SIG`: a function from a specification, code on stdout."""

from __future__ import annotations

import sys
from pathlib import Path

from codeassist.errors import EXIT_CLEAN, EXIT_FINDINGS


def generate(*, spec: str, signature: str, language: str = "python", check_doctests: bool = False,
             model: str | None = None, device: str = "auto", llm_url: str | None = None,
             llm_model: str | None = None, llm_timeout: float | None = None) -> int:
    """Print a generated function, code only; optionally run its docstring examples.

    Args:
        spec: What the function must do, in words.
        signature: The signature, e.g. `slugify(text: str) -> str`.
        language: The language of the code ("python").
        check_doctests: Run the docstring examples in a sandboxed subprocess.
        model: The model (None: the packaged default).
        device: "auto", "cpu", "cuda" or "mps".
        llm_url: An OpenAI-compatible server to ask instead (None: `llm-url` from the config, if any).
        llm_model: The server's model (None: the configured one, else the first it lists).
        llm_timeout: Seconds to wait for each of the server's answers (None: from the config).

    Returns:
        0, or 1 when check_doctests finds failing examples.
    """
    from codeassist.changes.files import find_root
    from codeassist.cli.backend import chosen_server
    from codeassist.generate import code as generated
    server = chosen_server(find_root(Path.cwd()), model=model, llm_url=llm_url, llm_model=llm_model,
                           llm_timeout=llm_timeout)
    text = generated.generate_function(spec, signature, language=language, model=model, device=device,
                                       server=server)
    sys.stdout.write(text)
    sys.stdout.flush()
    if not check_doctests:
        return EXIT_CLEAN
    result = generated.check_doctests(text)
    print(f"codeassist: {result.output or 'no doctest output'}", file=sys.stderr)
    return EXIT_CLEAN if result.ok else EXIT_FINDINGS
