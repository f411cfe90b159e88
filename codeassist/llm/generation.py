"""Greedy generation with a token cap, and task adapters switched per call.

Greedy decoding keeps answers reproducible (the same code gives the same docstring), which a
reviewer's tool needs more than variety; sampling (a temperature, top-p and a seed) is there
for callers that try several answers, such as `generate`'s generate-and-test. Every answer is capped in tokens so a model that
rambles costs a bounded time.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager

from codeassist.llm import prompts, server
from codeassist.llm.models import LoadedModel, is_default
from codeassist.llm.server import ServerModel
from codeassist.storage import asset_dir

if TYPE_CHECKING:  # fastdecode imports torch, which only generating needs
    from codeassist.llm.fastdecode import Generated

# The default base as published; adapters trained on the converted GGUF record this id.
DEFAULT_BASE_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
MAX_PROMPT_TOKENS = 1024
_SERVER_NOTICES: set[str] = set()


def adapter_dir(task: str) -> Path | None:
    """Return the shipped adapter directory of a task, if one is shipped.

    Args:
        task: "docstring" or "review".

    Returns:
        The directory under codeassist/assets, or None.
    """
    directory = asset_dir(f"{task}-adapter")
    return directory if (directory / "adapter_config.json").is_file() else None


def attach_adapter(lm: LoadedModel | ServerModel, task: str) -> bool:
    """Load a task's shipped adapter into `lm` once; later calls only switch to it.

    Adapters are trained for the default base: on another base they would be meaningless,
    so they are skipped with a notice instead of loaded. A server's weights are not ours to
    change, so there they are skipped too, with one notice per task.

    Args:
        lm: The loaded model; its `model` becomes a PeftModel on the first adapter.
        task: The adapter's task name.

    Returns:
        Whether the adapter is active.
    """
    directory = adapter_dir(task)
    if directory is None:
        return False
    if isinstance(lm, ServerModel):
        if task not in _SERVER_NOTICES:
            _SERVER_NOTICES.add(task)
            print(f"codeassist: the {task} adapter applies to the bundled model only, not to "
                  f"{lm.name} (a server's model); generating without it", file=sys.stderr)
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


def chat(lm: LoadedModel | ServerModel, user: str, *, prefix: str = "", max_new_tokens: int = 48,
         stop: tuple[str, ...] = (), adapter: bool = True, repetition_penalty: float = 1.0,
         temperature: float = 0.0, top_p: float = 1.0, seed: int = 0) -> str:
    """Answer one user message greedily (or sampled), with the local model or the configured server.

    A server samples with its own repetition settings (the OpenAI API has no
    `repetition_penalty`), decodes with its own sampling settings, and adapters never apply to it.

    Args:
        lm: The loaded model, or a server (`server.connect`).
        user: The user message.
        prefix: Text that starts the assistant's answer (returned without it).
        max_new_tokens: The cap on generated tokens.
        stop: Strings that end the answer (the answer is cut before them).
        adapter: Whether an attached adapter stays on (False runs the bare base).
        repetition_penalty: Above 1.0, discourages the loops small models fall into.
        temperature: 0 decodes greedily; above 0, the local model samples at this temperature.
        top_p: The nucleus kept when sampling.
        seed: The sampling seed.

    Returns:
        The generated text, without special tokens.
    """
    if isinstance(lm, ServerModel):
        return server.chat(lm, user, prefix=prefix, max_new_tokens=max_new_tokens, stop=stop)
    import torch

    messages = [{"role": "system", "content": prompts.SYSTEM}, {"role": "user", "content": user}]
    text = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    ids = lm.tokenizer(text + prefix, return_tensors="pt", add_special_tokens=False)["input_ids"]
    if ids.shape[1] > MAX_PROMPT_TOKENS:  # keep the instruction's start and the answer's prefix
        ids = torch.cat([ids[:, : MAX_PROMPT_TOKENS - 64], ids[:, -64:]], dim=1)
    ids = ids.to(lm.device)
    new = generate_tokens(lm, ids, max_new_tokens=max_new_tokens, stop=stop, adapter=adapter,
                          repetition_penalty=repetition_penalty, temperature=temperature, top_p=top_p,
                          seed=seed).tokens
    answer = lm.tokenizer.decode(new, skip_special_tokens=True)
    for marker in stop:
        answer = answer.split(marker, 1)[0]
    return answer


def generate_tokens(lm: LoadedModel, ids: Any, *, max_new_tokens: int, stop: tuple[str, ...] = (),
                    adapter: bool = True, repetition_penalty: float = 1.0, logprobs: bool = False,
                    temperature: float = 0.0, top_p: float = 1.0, seed: int = 0) -> Generated:
    """Decode after a prompt (greedily by default): the fast decoder where it applies, else transformers.

    A Llama-architecture model on CPU goes through `fastdecode` (faster, see
    benchmarks/README.md: transformers' tokens for fp32 weights; the default model's 4-bit
    weights decode in int4); anything else, or CODEASSIST_DECODER=hf, through `generate`.

    Args:
        lm: The loaded model.
        ids: The prompt's token ids, shape (1, length), on `lm.device`.
        max_new_tokens: The cap on new tokens.
        stop: Strings that end the answer once generated (the token completing one is kept).
        adapter: Whether an attached adapter stays on (False runs the bare base).
        repetition_penalty: Above 1.0, discourages the loops small models fall into.
        logprobs: Whether to return each new token's log-probability.
        temperature: 0 decodes greedily; above 0, tokens are sampled at this temperature.
        top_p: The nucleus kept when sampling.
        seed: The sampling seed (the same seed gives the same answer on the same decoder).

    Returns:
        The new tokens (an EOS or stopping token included) and, when asked, their log-probs.
    """
    import torch

    from codeassist.llm import fastdecode, fastweights
    context = nullcontext() if adapter else without_adapters(lm.model)
    with torch.inference_mode(), context:
        if fastweights.supported(lm.model, lm.device) is None:
            prompt = ids[0].tolist()
            return fastdecode.greedy(fastweights.prepared(lm.model, fastweights.default_format(lm.model)), prompt,
                                     max_new_tokens=max_new_tokens, eos=_eos_ids(lm),
                                     stop=_stopper(lm.tokenizer, prompt, stop) if stop else None,
                                     repetition_penalty=repetition_penalty, logprobs=logprobs,
                                     temperature=temperature, top_p=top_p, seed=seed)
        extra: dict[str, Any] = {"repetition_penalty": repetition_penalty} if repetition_penalty != 1.0 else {}
        if temperature > 0:  # transformers samples from the global generator: seed it
            torch.manual_seed(seed)
            extra.update(do_sample=True, temperature=temperature, top_p=top_p)
        else:
            extra["do_sample"] = False
        if stop:
            extra.update(stop_strings=list(stop), tokenizer=lm.tokenizer)
        out = lm.model.generate(
            input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
            pad_token_id=lm.tokenizer.eos_token_id, output_scores=logprobs,
            return_dict_in_generate=True, **extra,
        )
    new = out.sequences[0, ids.shape[1]:]
    scores = [float(torch.log_softmax(score[0].float(), -1)[token]) for score, token in zip(out.scores, new)] \
        if logprobs else []
    return fastdecode.Generated(tokens=new.tolist(), logprobs=scores)


def without_adapters(model: Any) -> ContextManager[Any]:
    """Return a context in which `model` runs bare: attached adapters off, a plain model as it is.

    Args:
        model: A transformers model, possibly a PeftModel.

    Returns:
        peft's `disable_adapter()` context, or a no-op one.
    """
    disable = getattr(model, "disable_adapter", None)
    return disable() if disable is not None else nullcontext()


def _eos_ids(lm: LoadedModel) -> set[int]:
    eos = getattr(lm.model.generation_config, "eos_token_id", None)
    if eos is None:
        eos = lm.tokenizer.eos_token_id
    return set(eos) if isinstance(eos, (list, tuple)) else {eos}


def _stopper(tokenizer: Any, prompt: list[int], stop: tuple[str, ...]) -> Callable[[list[int]], bool]:
    """Return a check that a stop string ends in the newest token, as transformers' StopStringCriteria."""
    # Every token decodes to at least one character, so this many tokens cover any stop string
    # that the newest token completes, even one that begins in the prompt.
    span = max(len(marker) for marker in stop) + 1

    def hit(tokens: list[int]) -> bool:
        window = (prompt[-span:] + tokens)[-span:]
        before = tokenizer.decode(window[:-1])
        after = tokenizer.decode(window)
        return any(marker in after and after.rfind(marker) + len(marker) > len(before) for marker in stop)

    return hit
