"""Generation speed: codeassist's CPU decoder beside transformers and llama.cpp on the same GGUF.

Greedy decoding of exactly 128 new tokens after a short code prompt, median of several runs,
same thread count for every backend, runs interleaved (one run of each variant per round) so
that load from other processes falls on all of them alike. Variants:

- `fast-fp32`, `fast-fp16`, `fast-bf16`, `fast-int8`, `fast-int4`: codeassist's decoder
  (codeassist/llm/fastdecode.py) with the weights in that format; the one that
  `fastweights.default_format(model)` names is the product's backend and gives `codeassist_tok_s`.
- `hf-fp32`, `hf-bf16`, `hf-int8`, `hf-compile`: `transformers.generate` on the same model
  (bf16 weights, int8 dynamic quantisation of the Linear layers, torch.compile of the forward
  with a static KV cache) for comparison.
- llama.cpp, only when `llama_cpp` (llama-cpp-python, not a project dependency) is importable:
  the same prompt token ids, greedy, exactly 128 tokens (EOS not special), same thread count.

For each variant the table gives how many of its 128 tokens equal transformers' fp32 tokens
before the first difference; then a few chat prompts check how often each fast format's answer,
and llama.cpp's, is identical to transformers' fp32 answer.

    OMP_WAIT_POLICY=PASSIVE HF_HUB_OFFLINE=1 python benchmarks/generation.py --json
    python benchmarks/generation.py --variants hf-fp32,fast-fp32,fast-int8,hf-compile --runs 5

The last line of --json output is `{"codeassist_tok_s": ..., "llama_cpp_tok_s": ... or null, ...}`.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import os
import statistics
import sys
import time
from typing import Callable

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

PROMPT = "Write a Python function that returns the n-th Fibonacci number, with a docstring.\n\ndef fib(n):"
NEW_TOKENS = 128
# Agreement prompts: code tasks of the kinds codeassist asks for (docstrings, review, code).
AGREEMENT_PROMPTS = (
    "Write a one-line docstring summary for:\ndef parse_args(argv):\n    return parser.parse_args(argv)",
    "Write a one-line docstring summary for:\ndef area(w, h):\n    return w * h",
    "Explain what this does:\nfor k, v in sorted(d.items()):\n    print(k, v)",
    "Review this change and name one bug:\n-    return x\n+    return x + 1",
    "Write a Python function is_palindrome(s) that ignores case.",
    "What does `git rebase -i HEAD~3` do?",
    "Write a docstring for:\ndef load(path, *, strict=False):\n    with open(path) as f:\n        return json.load(f)",
    "Is this thread-safe? counter += 1",
)
AGREEMENT_TOKENS = 64
DEFAULT_VARIANTS = "hf-fp32,fast-fp32,fast-fp16,fast-int8,fast-int4"


def hf_variant(name: str, base, ids) -> Callable[[], list[int]]:  # noqa: ANN001
    """Prepare one transformers variant.

    Args:
        name: "fp32", "bf16", "int8" or "compile".
        base: The fp32 model.
        ids: The prompt, shape (1, length).

    Returns:
        A function that generates NEW_TOKENS tokens and returns them.
    """
    import torch

    model = base
    kwargs: dict[str, object] = {}
    if name == "bf16":
        model = copy.deepcopy(base).to(torch.bfloat16)
    elif name == "int8":
        from torch.ao.quantization import quantize_dynamic

        model = quantize_dynamic(copy.deepcopy(base), {torch.nn.Linear}, dtype=torch.qint8)
    elif name == "compile":
        model = copy.deepcopy(base)
        model.forward = torch.compile(model.forward, dynamic=False)
        kwargs = {"cache_implementation": "static"}
    elif name != "fp32":
        raise ValueError(f"unknown transformers variant {name}")

    def once() -> list[int]:
        with torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                 max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, pad_token_id=0, **kwargs)
        return out[0, ids.shape[1]:].tolist()

    return once


def fast_variant(fmt: str, base, ids) -> Callable[[], list[int]]:  # noqa: ANN001
    """Prepare codeassist's decoder with the weights in `fmt`.

    Args:
        fmt: "fp32", "bf16" or "int8".
        base: The fp32 model.
        ids: The prompt, shape (1, length).

    Returns:
        A function that generates NEW_TOKENS tokens and returns them.
    """
    from codeassist.llm import fastdecode, fastweights
    weights = fastweights.Weights(base, fmt)
    prompt = ids[0].tolist()
    return lambda: fastdecode.greedy(weights, prompt, max_new_tokens=NEW_TOKENS, eos=set()).tokens


def llama_cpp_model(gguf: str, threads: int):  # noqa: ANN201 - llama_cpp is optional
    """Load llama.cpp on the same GGUF, when llama-cpp-python is installed.

    Args:
        gguf: The GGUF file.
        threads: Threads, as for torch.

    Returns:
        A `llama_cpp.Llama`, or None without llama_cpp.
    """
    if importlib.util.find_spec("llama_cpp") is None:
        return None
    from llama_cpp import Llama

    return Llama(model_path=gguf, n_threads=threads, n_threads_batch=threads, n_ctx=1024, verbose=False)


def llama_cpp_greedy(llm, prompt: list[int], count: int, eos: set[int]) -> list[int]:  # noqa: ANN001
    """Decode greedily with llama.cpp from the same prompt token ids.

    Args:
        llm: A `llama_cpp.Llama`.
        prompt: The prompt's token ids (transformers' tokenizer; the GGUF carries the same vocabulary).
        count: The number of new tokens.
        eos: Tokens that end the answer (empty: always `count` tokens).

    Returns:
        The new tokens.
    """
    tokens: list[int] = []
    for token in llm.generate(prompt, top_k=1, temp=0.0, repeat_penalty=1.0, reset=True):
        tokens.append(token)
        if token in eos or len(tokens) == count:
            break
    return tokens


def agreement(lm, formats: list[str], llama=None) -> dict[str, tuple[int, float]]:  # noqa: ANN001
    """Compare each backend's answers with transformers' fp32 answers, as the product decodes.

    Args:
        lm: The loaded model.
        formats: Weight formats of the fast decoder.
        llama: llama.cpp on the same GGUF, or None.

    Returns:
        Per backend ("fast-<format>", "llama.cpp"): how many prompts got identical answers, and
        the mean share of answer tokens before the first difference.
    """
    import torch

    from codeassist.llm import fastdecode, fastweights
    eos = {lm.model.generation_config.eos_token_id}
    weights = {fmt: fastweights.Weights(lm.model, fmt) for fmt in formats}
    decoders: dict[str, Callable[[list[int]], list[int]]] = {
        f"fast-{fmt}": lambda ids, w=w: fastdecode.greedy(w, ids, max_new_tokens=AGREEMENT_TOKENS, eos=eos).tokens
        for fmt, w in weights.items()}
    if llama is not None:
        decoders["llama.cpp"] = lambda ids: llama_cpp_greedy(llama, ids, AGREEMENT_TOKENS, eos)
    same = {name: 0 for name in decoders}
    shares: dict[str, list[float]] = {name: [] for name in decoders}
    for prompt in AGREEMENT_PROMPTS:
        ids = lm.tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True,
                                               return_tensors="pt", return_dict=True)["input_ids"]
        with torch.inference_mode():
            out = lm.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                    max_new_tokens=AGREEMENT_TOKENS, pad_token_id=0)
        reference = out[0, ids.shape[1]:].tolist()
        for name, decode in decoders.items():
            tokens = decode(ids[0].tolist())
            first = next((i for i, (a, b) in enumerate(zip(reference, tokens)) if a != b),
                         min(len(reference), len(tokens)))
            same[name] += tokens == reference
            shares[name].append(first / max(len(reference), 1))
    return {name: (same[name], statistics.mean(shares[name])) for name in decoders}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table (and the JSON line with --json).

    Args:
        argv: Command-line arguments.

    Returns:
        0.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--json", action="store_true", help="end with the JSON summary line")
    cli.add_argument("--runs", type=int, default=3)
    cli.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "0")) or None)
    cli.add_argument("--variants", default=DEFAULT_VARIANTS,
                     help="comma-separated: hf-fp32,hf-bf16,hf-int8,hf-compile,"
                          "fast-fp32,fast-fp16,fast-bf16,fast-int8,fast-int4")
    cli.add_argument("--no-agreement", action="store_true", help="skip the answer agreement check")
    args = cli.parse_args(argv)

    import torch

    from codeassist.llm import fastdecode, fastweights, models
    if args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    start = time.perf_counter()
    lm = models.load(None, "cpu")
    load_s = time.perf_counter() - start
    ids = lm.tokenizer.apply_chat_template([{"role": "user", "content": PROMPT}], add_generation_prompt=True,
                                           return_tensors="pt", return_dict=True)["input_ids"]
    product = f"fast-{fastweights.default_format(lm.model)}"
    names = [v.strip() for v in args.variants.split(",") if v.strip()]
    names += [n for n in ("hf-fp32", product) if n not in names]  # the ratio needs both
    runners: dict[str, Callable[[], list[int]]] = {}
    setup_s: dict[str, float] = {}
    for name in names:
        kind, _, fmt = name.partition("-")
        try:
            start = time.perf_counter()
            runners[name] = (fast_variant if kind == "fast" else hf_variant)(fmt, lm.model, ids)
            setup_s[name] = time.perf_counter() - start
        except Exception as exc:  # noqa: BLE001 - a variant this build cannot run is reported, not fatal
            print(f"{name}: failed ({type(exc).__name__}: {str(exc)[:120]})", file=sys.stderr)
    gguf = models.packaged_gguf()
    llama = llama_cpp_model(str(gguf), threads) if gguf else None
    if llama is not None:
        prompt = ids[0].tolist()
        runners["llama.cpp"] = lambda: llama_cpp_greedy(llama, prompt, NEW_TOKENS, set())

    rates: dict[str, list[float]] = {name: [] for name in runners}
    tokens: dict[str, list[int]] = {}
    for run in range(args.runs + 1):  # round 0 warms caches (and compiles) and is discarded
        for name, once in runners.items():
            start = time.perf_counter()
            out = once()
            elapsed = time.perf_counter() - start
            if run:
                rates[name].append(len(out) / elapsed)
            tokens[name] = out
    median = {name: statistics.median(values) for name, values in rates.items()}

    reference = tokens.get("hf-fp32", [])
    print(f"greedy, {NEW_TOKENS} new tokens, median of {args.runs} interleaved runs, {threads} thread(s); "
          f"model load {load_s:.2f} s (imports included)")
    print(f"{'backend':<22}{'tok/s':>8}{'vs hf-fp32':>12}{'same tokens':>13}{'setup s':>9}")
    for name, rate in median.items():
        relative = rate / median["hf-fp32"] if "hf-fp32" in median else float("nan")
        same = "" if not reference else \
            str(next((i for i, (a, b) in enumerate(zip(reference, tokens[name])) if a != b), len(reference)))
        label = name + (" (product)" if name == product else "")
        print(f"{label:<22}{rate:>8.1f}{relative:>11.2f}x{same:>13}{setup_s.get(name, 0):>9.2f}")
    if llama is None:
        print(f"{'llama.cpp (same GGUF)':<22}{'n/a':>8}  (llama-cpp-python not installed)")
    agreed = {} if args.no_agreement else agreement(
        lm, [n.partition("-")[2] for n in runners if n.startswith("fast-")], llama)
    if agreed:
        print(f"answers identical to transformers fp32 ({len(AGREEMENT_PROMPTS)} chat prompts, "
              f"up to {AGREEMENT_TOKENS} tokens, EOS as in the product):")
        for name, (same, share) in agreed.items():
            print(f"  {name:<11}{same}/{len(AGREEMENT_PROMPTS)} identical; "
                  f"{share:.0%} of answer tokens before the first difference on average")
    if args.json:
        print(json.dumps({"codeassist_tok_s": round(median[product], 2) if product in median else None,
                          "llama_cpp_tok_s": round(median["llama.cpp"], 2) if "llama.cpp" in median else None,
                          "threads": threads, "variants": {k: round(v, 2) for k, v in median.items()},
                          "identical_answers": {k: v[0] for k, v in agreed.items()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
