"""Generation speed: codeassist's transformers backend on CPU beside llama.cpp on the same GGUF.

Greedy decoding of exactly 128 new tokens after a short code prompt, median of several runs,
same thread count for both backends. llama.cpp is measured only when `llama_cpp` is
importable (llama-cpp-python); otherwise its column is null. `--variants` also measures cheap
speed-ups of the transformers backend (bf16 weights, int8 dynamic quantisation of the Linear
layers, torch.compile of the decode step with a static KV cache) so their effect is on record.

    OMP_WAIT_POLICY=PASSIVE HF_HUB_OFFLINE=1 python benchmarks/generation.py --json
    python benchmarks/generation.py --variants fp32,bf16,int8,compile --runs 3

The last line of --json output is `{"codeassist_tok_s": ..., "llama_cpp_tok_s": ... or null}`.
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

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

PROMPT = "Write a Python function that returns the n-th Fibonacci number, with a docstring.\n\ndef fib(n):"
NEW_TOKENS = 128


def _time_transformers(model, tokenizer, runs: int, **generate_kwargs) -> list[float]:  # noqa: ANN001
    import torch

    messages = [{"role": "user", "content": PROMPT}]
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                        return_dict=True)["input_ids"]
    rates = []
    for run in range(runs + 1):  # the first run warms caches (and compiles) and is discarded
        start = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                 max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS,
                                 pad_token_id=tokenizer.eos_token_id, **generate_kwargs)
        elapsed = time.perf_counter() - start
        if run:
            rates.append((out.shape[1] - ids.shape[1]) / elapsed)
    return rates


def variant(name: str, base, tokenizer, runs: int) -> float:  # noqa: ANN001
    """Measure one variant of the transformers backend.

    Args:
        name: "fp32", "bf16", "int8" or "compile".
        base: The fp32 model.
        tokenizer: Its tokenizer.
        runs: Timed runs.

    Returns:
        The median tokens per second.
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
    return statistics.median(_time_transformers(model, tokenizer, runs, **kwargs))


def llama_cpp_rate(gguf: str, threads: int, runs: int) -> float | None:
    """Measure llama.cpp on the same GGUF, when llama-cpp-python is installed.

    Args:
        gguf: The GGUF file.
        threads: Threads, as for torch.
        runs: Timed runs.

    Returns:
        The median tokens per second, or None when llama_cpp is not importable.
    """
    if importlib.util.find_spec("llama_cpp") is None:
        return None
    from llama_cpp import Llama

    llm = Llama(model_path=gguf, n_threads=threads, n_ctx=1024, verbose=False)
    rates = []
    for run in range(runs + 1):
        start = time.perf_counter()
        out = llm.create_chat_completion([{"role": "user", "content": PROMPT}], max_tokens=NEW_TOKENS,
                                         temperature=0.0, top_k=1)
        elapsed = time.perf_counter() - start
        if run:
            rates.append(out["usage"]["completion_tokens"] / elapsed)
    return statistics.median(rates)


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
    cli.add_argument("--variants", default="fp32", help="comma-separated: fp32,bf16,int8,compile")
    args = cli.parse_args(argv)

    import torch

    from codeassist.llm import models

    if args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    start = time.perf_counter()
    lm = models.load(None, "cpu")
    load_s = time.perf_counter() - start
    results: dict[str, float] = {}
    for name in [v.strip() for v in args.variants.split(",") if v.strip()]:
        try:
            results[name] = variant(name, lm.model, lm.tokenizer, args.runs)
        except Exception as exc:  # noqa: BLE001 - a variant this build cannot run is reported, not fatal
            print(f"{name}: failed ({type(exc).__name__}: {str(exc)[:120]})", file=sys.stderr)
    gguf = models.packaged_gguf()
    llama = llama_cpp_rate(str(gguf), threads, args.runs) if gguf else None

    print(f"greedy, {NEW_TOKENS} new tokens, median of {args.runs} runs, {threads} thread(s); "
          f"model load {load_s:.2f} s (imports included)")
    print(f"{'backend':<28}{'tok/s':>8}{'vs fp32':>9}")
    for name, rate in results.items():
        relative = rate / results["fp32"] if "fp32" in results else float("nan")
        print(f"{'codeassist ' + name:<28}{rate:>8.1f}{relative:>8.2f}x")
    print(f"{'llama.cpp (same GGUF)':<28}{llama if llama is not None else 'n/a':>8}")
    if args.json:
        default = results.get("fp32", next(iter(results.values()), None))
        print(json.dumps({"codeassist_tok_s": round(default, 2) if default else None,
                          "llama_cpp_tok_s": round(llama, 2) if llama is not None else None,
                          "threads": threads, "variants": {k: round(v, 2) for k, v in results.items()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
