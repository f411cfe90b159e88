"""Greedy generation with a token cap, and task adapters switched per call.

Greedy decoding keeps answers reproducible (the same code gives the same docstring), which a
reviewer's tool needs more than variety. Every answer is capped in tokens so a model that
rambles costs a bounded time.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from importlib import resources
from pathlib import Path
from typing import Any

from codeassist.llm import prompts
from codeassist.llm.models import LoadedModel, is_default

# The default base as published; adapters trained on the converted GGUF record this id.
DEFAULT_BASE_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
MAX_PROMPT_TOKENS = 1024


def adapter_dir(task: str) -> Path | None:
    """Return the shipped adapter directory of a task, if one is shipped.

    Args:
        task: "docstring" or "review".

    Returns:
        The directory under codeassist/assets, or None.
    """
    directory = Path(str(resources.files("codeassist").joinpath("assets", f"{task}-adapter")))
    return directory if (directory / "adapter_config.json").is_file() else None


def attach_adapter(lm: LoadedModel, task: str) -> bool:
    """Load a task's shipped adapter into `lm` once; later calls only switch to it.

    Adapters are trained for the default base: on another base they would be meaningless,
    so they are skipped with a notice instead of loaded.

    Args:
        lm: The loaded model; its `model` becomes a PeftModel on the first adapter.
        task: The adapter's task name.

    Returns:
        Whether the adapter is active.
    """
    directory = adapter_dir(task)
    if directory is None:
        return False
    if not is_default(lm.name):
        import json

        base = json.loads((directory / "adapter_config.json").read_text()).get("base_model_name_or_path")
        print(f"codeassist: the {task} adapter was trained for {base}, not {lm.name}; "
              "generating without it", file=sys.stderr)
        return False
    import warnings

    from peft import PeftModel

    warnings.filterwarnings("ignore", category=FutureWarning, module="transformers")  # deprecations inside peft
    if isinstance(lm.model, PeftModel):
        if task not in lm.model.peft_config:
            lm.model.load_adapter(str(directory), adapter_name=task)
    else:
        lm.model = PeftModel.from_pretrained(lm.model, str(directory), adapter_name=task)
        lm.model.eval()
    lm.model.set_adapter(task)
    return True


def chat(lm: LoadedModel, user: str, *, prefix: str = "", max_new_tokens: int = 48,
         stop: tuple[str, ...] = (), adapter: bool = True, repetition_penalty: float = 1.0) -> str:
    """Answer one user message greedily.

    Args:
        lm: The loaded model.
        user: The user message.
        prefix: Text that starts the assistant's answer (returned without it).
        max_new_tokens: The cap on generated tokens.
        stop: Strings that end the answer (the answer is cut before them).
        adapter: Whether an attached adapter stays on (False runs the bare base).
        repetition_penalty: Above 1.0, discourages the loops small models fall into.

    Returns:
        The generated text, without special tokens.
    """
    import torch

    messages = [{"role": "system", "content": prompts.SYSTEM}, {"role": "user", "content": user}]
    text = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    ids = lm.tokenizer(text + prefix, return_tensors="pt", add_special_tokens=False)["input_ids"]
    if ids.shape[1] > MAX_PROMPT_TOKENS:  # keep the instruction's start and the answer's prefix
        ids = torch.cat([ids[:, : MAX_PROMPT_TOKENS - 64], ids[:, -64:]], dim=1)
    ids = ids.to(lm.device)
    extra: dict[str, Any] = {"repetition_penalty": repetition_penalty} if repetition_penalty != 1.0 else {}
    if stop:
        extra.update(stop_strings=list(stop), tokenizer=lm.tokenizer)
    disable = getattr(lm.model, "disable_adapter", None)
    context = disable() if (not adapter and disable is not None) else nullcontext()
    with torch.inference_mode(), context:
        out = lm.model.generate(
            input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
            do_sample=False, pad_token_id=lm.tokenizer.eos_token_id, **extra,
        )
    answer = lm.tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)
    for marker in stop:
        answer = answer.split(marker, 1)[0]
    return answer
