"""Docstring quality on held-out packages: base zero-shot vs +adapter vs +adapter+retrieval.

Data: the "test" split of the mined pairs (training/configs/mine_pairs.toml: packages never
trained on), Python only, a seeded sample. For each function the product's summary prompt
(`codeassist.generate.docstrings.summary_input`: the code without its docstring, cut as
serving cuts it) is answered greedily and sanitised exactly as `codeassist docstring` does;
its first sentence is scored against the real first sentence with smoothed sentence BLEU-4
(CodeXGLUE's smoothing: +1 on 2..4-gram counts), averaged, x100.

Configurations, in one run:
- base: SmolLM2-135M-Instruct zero-shot, no adapter;
- adapter: the LoRA docstring adapter (default: the shipped one);
- adapter+retrieved: the adapter, with the 2 most similar documented functions of the same
  package (BM25 over code, `codeassist.encoders.lexical.BM25`) shown as examples of the style.

It also renders the full docstring (structure from the code's facts, the model's summary) for
every function, writes it into the code and runs the real CA1xx rules: the share passing must
be 100%.

    OMP_WAIT_POLICY=PASSIVE HF_HUB_OFFLINE=1 python benchmarks/docstrings.py [--n 60] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DATA = "~/.cache/codeassist-data/pairs"


def first_sentence(text: str) -> str:
    """Return the first sentence of a paragraph.

    Args:
        text: Prose.

    Returns:
        Up to and including the first `.`, `!` or `?` followed by a space or the end.
    """
    match = re.match(r"(.+?[.!?])(\s|$)", " ".join(text.split()))
    return match.group(1) if match else " ".join(text.split())


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text.lower())


def smoothed_bleu4(hypothesis: str, reference: str) -> float:
    """Sentence BLEU-4 with +1 smoothing of the 2..4-gram precisions (CodeXGLUE smooth_bleu).

    Args:
        hypothesis: Generated text.
        reference: The real text.

    Returns:
        BLEU in [0, 1].
    """
    hyp, ref = _tokens(hypothesis), _tokens(reference)
    if not hyp:
        return 0.0
    log_precision = 0.0
    for n in range(1, 5):
        grams = Counter(tuple(hyp[i : i + n]) for i in range(len(hyp) - n + 1))
        refs = Counter(tuple(ref[i : i + n]) for i in range(len(ref) - n + 1))
        match = sum(min(c, refs[g]) for g, c in grams.items())
        total = max(len(hyp) - n + 1, 0)
        add = 1 if n > 1 else 0
        if match + add == 0 or total + add == 0:
            return 0.0
        log_precision += math.log((match + add) / (total + add)) / 4
    brevity = min(0.0, 1 - len(ref) / len(hyp))
    return math.exp(log_precision + brevity)


def _examples(rows: list[dict], row: dict, bm25_by_package: dict, k: int = 2) -> str:
    index, members = bm25_by_package[row["package"]]
    scores = index.scores(row["code"])
    ranked = sorted(range(len(members)), key=lambda i: -scores[i])
    chosen = [members[i] for i in ranked if members[i]["qualname"] != row["qualname"]][:k]
    return "\n".join(f"- {m['qualname']}: {first_sentence(m['doc'])}" for m in chosen)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table.

    Args:
        argv: Command-line arguments.

    Returns:
        0.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--n", type=int, default=60, help="held-out functions (seeded sample)")
    cli.add_argument("--seed", type=int, default=0)
    cli.add_argument("--data", default=DATA)
    cli.add_argument("--adapter", type=Path, default=None, help="default: the shipped docstring adapter")
    cli.add_argument("--configs", default="base,adapter,adapter+retrieved")
    cli.add_argument("--json", action="store_true")
    args = cli.parse_args(argv)

    import torch
    from datasets import load_from_disk

    from codeassist.generate.docedit import apply_docstring
    from codeassist.generate.docformat import SUMMARY_CHARS, Prose, facts_of, render
    from codeassist.llm.answers import sanitize
    from codeassist.llm import generation, models
    from codeassist.generate.docstrings import summary_input
    from codeassist.encoders.lexical import BM25
    from codeassist.parsing.parse import parse_source
    from codeassist.review.engine import check_text
    from codeassist.review.selection import Selection

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "0")) or torch.get_num_threads())
    test = [r for r in load_from_disk(str(Path(args.data).expanduser()))["test"] if r["language"] == "python"]
    by_package: dict[str, list[dict]] = {}
    for row in test:
        by_package.setdefault(row["package"], []).append(row)
    sample = random.Random(args.seed).sample(test, min(args.n, len(test)))
    bm25 = {p: (BM25([m["code"] for m in members]), members) for p, members in by_package.items()}

    lm = models.load(None, "cpu")
    if args.adapter is not None:
        generation.adapter_dir = lambda task: args.adapter  # noqa: E731 - measure a candidate adapter
    configs = [c.strip() for c in args.configs.split(",")]
    if any(c.startswith("adapter") for c in configs) and not generation.attach_adapter(lm, "docstring"):
        print("no docstring adapter found; adapter rows skipped", file=sys.stderr)
        configs = [c for c in configs if not c.startswith("adapter")]

    scores: dict[str, list[float]] = {c: [] for c in configs}
    passing = {c: 0 for c in configs}
    checked = {c: 0 for c in configs}
    started = time.perf_counter()
    for number, row in enumerate(sample, 1):
        units = parse_source(row["code"], "python", "x.py").units
        if not units:
            continue
        unit = units[0]
        reference = first_sentence(row["doc"])
        for config in configs:
            user = summary_input(unit)  # the mined code is the unit's code_without_doc: re-parsing keeps it
            if config == "adapter+retrieved":
                from codeassist.llm import prompts
                user = prompts.EXAMPLES_HEADER.format(examples=_examples(test, row, bm25)) + user
            raw = generation.chat(lm, user, max_new_tokens=40, stop=("\n",), adapter=config != "base")
            summary = sanitize(raw, SUMMARY_CHARS, sentence=True)
            scores[config].append(smoothed_bleu4(summary, reference))
            # Structure from the facts, summary from the model: the rendered docstring must pass CA1xx.
            text = apply_docstring(row["code"], unit, render(facts_of(unit), Prose(summary=raw), "google", unit=unit))
            findings, _, problems = check_text(text, "python", "x.py", Selection(["CA1"]))
            checked[config] += 1
            passing[config] += not findings and not problems
        if number % 10 == 0:
            print(f"{number}/{len(sample)} in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    print(f"held-out packages: {', '.join(sorted(by_package))}; {len(scores[configs[0]])} functions")
    print(f"{'configuration':<22}{'BLEU-4':>8}{'CA1xx pass':>12}")
    table = {}
    for config in configs:
        bleu = 100 * sum(scores[config]) / max(len(scores[config]), 1)
        share = 100 * passing[config] / max(checked[config], 1)
        table[config] = {"bleu4": round(bleu, 2), "ca1_pass_pct": round(share, 1)}
        print(f"{config:<22}{bleu:>8.2f}{share:>11.1f}%")
    print(f"(targets: >= 16 zero-shot 6B model on CodeXGLUE; goal >= 20; {time.perf_counter() - started:.0f} s)")
    if args.json:
        print(json.dumps({"n": len(scores[configs[0]]), **table}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
