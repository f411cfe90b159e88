"""`codeassist generate SPEC --signature SIG`: a function from a specification, code on stdout."""

from __future__ import annotations

import sys

from codeassist.errors import EXIT_CLEAN, EXIT_FINDINGS


def generate(*, spec: str, signature: str, language: str = "python", check_doctests: bool = False,
             model: str | None = None, device: str = "auto") -> int:
    """Print a generated function, code only; optionally run its docstring examples.

    Args:
        spec: What the function must do, in words.
        signature: The signature, e.g. `slugify(text: str) -> str`.
        language: The language of the code ("python").
        check_doctests: Run the docstring examples in a sandboxed subprocess.
        model: The model (None: the packaged default).
        device: "auto", "cpu", "cuda" or "mps".

    Returns:
        0, or 1 when check_doctests finds failing examples.
    """
    from codeassist.generate import code as generated
    text = generated.generate_function(spec, signature, language=language, model=model, device=device)
    sys.stdout.write(text)
    sys.stdout.flush()
    if not check_doctests:
        return EXIT_CLEAN
    result = generated.check_doctests(text)
    print(f"codeassist: {result.output or 'no doctest output'}", file=sys.stderr)
    return EXIT_CLEAN if result.ok else EXIT_FINDINGS
