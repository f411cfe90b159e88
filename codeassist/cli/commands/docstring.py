"""`codeassist docstring FILE[::QUALNAME]`: docstrings from the local LLM, printed or written."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from codeassist.errors import EXIT_CLEAN, CodeassistError

if TYPE_CHECKING:
    from codeassist.records import CodeUnit


def docstring(*, target: str, style: str = "auto", write: bool = False, model: str | None = None,
              device: str = "auto", llm_url: str | None = None, llm_model: str | None = None,
              llm_timeout: float | None = None) -> int:
    """Generate docstrings for one unit or every undocumented unit of a Python file.

    Args:
        target: `FILE[::QUALNAME]`.
        style: "google", "numpy", "sphinx" or "auto" (the style most used in the file or project).
        write: Edit the file (atomically) instead of printing.
        model: The model (None: the packaged default).
        device: "auto", "cpu", "cuda" or "mps".
        llm_url: An OpenAI-compatible server to ask instead (None: `llm-url` from the config, if any).
        llm_model: The server's model (None: the configured one, else the first it lists).
        llm_timeout: Seconds to wait for each of the server's answers (None: from the config).

    Returns:
        0.

    Raises:
        CodeassistError: For a missing, non-Python, binary or non-UTF-8 file, and with `write`
            for a file with a syntax error or one that cannot be written.
    """
    from codeassist.generate.docedit import apply_docstrings, check_editable, detect_style, read_python
    from codeassist.generate.docstrings import docstring_for_unit
    from codeassist.parsing.parse import parse_source
    from codeassist.storage import check_writable, write_file
    path, qualname = _split_target(target)
    if not path.exists():
        raise CodeassistError(f"no such file: {path}", "pass FILE or FILE::QUALNAME")
    if not path.is_file():
        raise CodeassistError(f"not a regular file: {path}", "pass a Python source file")
    if path.suffix not in (".py", ".pyi"):
        raise CodeassistError(f"docstring generation supports Python files only, not {path.name}",
                              "pass a .py file")
    # Everything that can refuse is checked here, before the model takes its seconds to load.
    text = read_python(path)
    if write:
        check_editable(text, path)
        check_writable(path)
    source = text.removeprefix("\ufeff").replace("\r\n", "\n")  # as `check` reads code
    units = _pick_units(parse_source(source, "python", path.as_posix()).units, qualname, path)
    if not units:
        print(f"codeassist: every function and class in {path} has a docstring; "
              f"pass {path}::QUALNAME to rewrite one", file=sys.stderr)
        return EXIT_CLEAN
    chosen_style = detect_style(source, path) if style == "auto" else style
    from codeassist.changes.files import find_root
    from codeassist.cli.backend import chosen_server
    from codeassist.generate.examples import retrieved_examples
    root = find_root(path)
    server = chosen_server(root, model=model, llm_url=llm_url, llm_model=llm_model, llm_timeout=llm_timeout)
    generated = [(u, docstring_for_unit(u, chosen_style, model=model, device=device,
                                        examples=retrieved_examples(root, u), server=server))
                 for u in units]
    if not write:
        for unit, doc in generated:
            if len(generated) > 1:
                print(f"# {path}::{unit.qualname}")
            print(doc)
        return EXIT_CLEAN
    write_file(path, apply_docstrings(text, generated, path))
    print(f"codeassist: wrote {len(generated)} docstring(s) ({chosen_style} style) to {path}", file=sys.stderr)
    return EXIT_CLEAN


def _split_target(target: str) -> tuple[Path, str | None]:
    """Split `FILE[::QUALNAME]`.

    Args:
        target: The command-line target.

    Returns:
        The file and the qualified name, or None for every undocumented unit.
    """
    path, sep, qualname = target.partition("::")
    return Path(path), (qualname or None) if sep else None


def _pick_units(units: list[CodeUnit], qualname: str | None, path: Path) -> list[CodeUnit]:
    """Choose the units to document.

    Args:
        units: The file's units.
        qualname: One unit's qualified name, or None for every undocumented unit.
        path: The file, for messages.

    Returns:
        The units, in file order.

    Raises:
        CodeassistError: When `qualname` is not in the file.
    """
    if qualname is None:
        return [u for u in units if u.doc is None and not u.name.startswith("__")]
    chosen = [u for u in units if u.qualname == qualname]
    if not chosen:
        known = ", ".join(u.qualname for u in units[:12]) or "none"
        raise CodeassistError(f"{path} has no function or class `{qualname}`",
                              f"pass one of: {known} (see `codeassist outline {path}`)")
    return chosen[:1]
