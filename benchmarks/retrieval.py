"""Code search on held-out packages: BM25, raw MiniLM, the trained code encoder, hybrid.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/retrieval.py [--data DIR] [--adapter DIR]
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/retrieval.py --lengths   # 128 vs 256 tokens

CodeSearchNet protocol on the "test" split of the mined pairs (packages never trained on,
see training/configs/mine_pairs.toml), per language: each language's pairs are shuffled with
a fixed seed and cut into pools of 1000; each query (the first paragraph of a real docstring)
is ranked against its own code (the unit without its docstring) and the pool's 999 others. MRR, R@1 and R@10
for every method in one run, then the encoding throughput (units/s) of raw MiniLM vs the
code encoder on the same units, with what each speed-up buys on its own.

`--lengths` answers "what does 256 buy over 128?" on the dev split before anyone pays for it.

`--rerank [DIR]` measures the cross-encoder (`codeassist/heads/cross_encoder.py`, the shipped one
by default) reordering the best `--rerank-top` candidates of the code encoder and of the
hybrid, on the first `--rerank-queries` queries of each language's first pool, beside the
same queries without it; then the latency it adds per query, as `codeassist search
--rerank` runs it (numpy).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codeassist.encoders.text import MiniLM  # noqa: E402
from codeassist.encoders.lexical import BM25, cosine, rrf  # noqa: E402
from codeassist.parsing.ast_seq import linearise  # noqa: E402

DATA = Path("~/.cache/codeassist-data/pairs-v2").expanduser()
POOL = 1000
RAW = "raw MiniLM (code as text, 256 tok)"
TRAINED = "code encoder (AST + LoRA, 128 tok)"
LANGUAGE_ORDER = ("python", "javascript", "typescript", "go", "java", "rust")
LANGUAGE_OF = {"tsx": "typescript"}


def pools(split, size: int, seed: int) -> list[list[int]]:
    """Shuffle the split and cut it into full pools (the remainder is dropped)."""
    order = np.random.default_rng(seed).permutation(len(split)).tolist()
    if len(order) < size:
        return [order]
    return [order[i : i + size] for i in range(0, len(order) - size + 1, size)]


def metrics(scores: np.ndarray) -> np.ndarray:
    """Per-query reciprocal rank, hit@1, hit@10 of the diagonal (query i ↔ candidate i)."""
    true = scores.diagonal()[:, None]
    rank = (scores > true).sum(1) + 1
    return np.stack([1.0 / rank, rank <= 1, rank <= 10], axis=1).astype(float)


def dense_scores(encoder: MiniLM, queries: np.ndarray, inputs: list[str]) -> np.ndarray:
    """Cosine of every query against every input embedded by `encoder`."""
    return cosine(queries, encoder.encode(inputs))


def throughput(encoder: MiniLM, inputs: list[str], prepare=None) -> float:  # noqa: ANN001
    """Units per second, linearisation (when given) included."""
    start = time.perf_counter()
    texts = [prepare(x) for x in inputs] if prepare else inputs
    encoder.encode(texts)
    return len(inputs) / (time.perf_counter() - start)


def run(args: argparse.Namespace) -> None:
    """The quality table per language on held-out pools, then the throughput table."""
    from datasets import load_from_disk

    from codeassist.encoders.code import CODE_MAX_TOKENS, adapter_dir

    test = load_from_disk(str(args.data))["test"]
    adapter = args.adapter or adapter_dir()
    doc = MiniLM()                                   # the doc encoder; also "raw MiniLM"
    query = MiniLM(adapter=args.doc_adapter) if args.doc_adapter else doc
    raw = MiniLM(max_tokens=256)                     # code as plain text, ST's default length
    code = MiniLM(adapter=adapter, max_tokens=CODE_MAX_TOKENS)
    code8 = MiniLM(adapter=adapter, max_tokens=CODE_MAX_TOKENS, quantize=True)
    names = ["BM25", RAW, "raw MiniLM on AST seq (128 tok)", TRAINED, "code encoder int8",
             "hybrid: BM25 + code encoder (RRF)"]
    languages = [LANGUAGE_OF.get(language, language) for language in test["language"]]
    present = [language for language in LANGUAGE_ORDER if language in languages]
    results: dict[str, dict[str, list[np.ndarray]]] = {lang: {n: [] for n in names} for lang in present}
    used: dict[str, int] = {}
    for language in present:
        rows_of = test.select([i for i, lang in enumerate(languages) if lang == language])
        chosen = pools(rows_of, args.pool, args.seed)[: args.max_pools]
        used[language] = sum(len(p) for p in chosen)
        for pool in chosen:
            rows = rows_of.select(pool)
            docs, sources, asts = list(rows["doc"]), list(rows["code"]), list(rows["ast"])
            queries = query.encode(docs)
            index = BM25(sources)
            lexical = np.stack([index.scores(q) for q in docs])
            trained = dense_scores(code, queries, asts)
            plain = doc.encode(docs)
            for name, scores in zip(names, [
                lexical, dense_scores(raw, plain, sources), dense_scores(doc, plain, asts),
                trained, dense_scores(code8, queries, asts),
                np.stack([rrf(lexical[i], trained[i]) for i in range(len(pool))]),
            ], strict=True):
                results[language][name].append(metrics(scores))
        print(f"{language}: {used[language]} queries done", file=sys.stderr)

    print(f"\nheld-out packages: {', '.join(sorted(set(test['package'])))}; adapter {adapter}"
          + (f", query adapter {args.doc_adapter}" if args.doc_adapter else ""))
    print("queries (pools of ≤ " + str(args.pool) + "): "
          + ", ".join(f"{lang} {n}" for lang, n in used.items()))
    for column, label in ((0, "MRR"), (1, "R@1"), (2, "R@10")):
        print(f"\n{label}\n\n| method | " + " | ".join(present) + " |\n|---|" + "---|" * len(present))
        table = {name: [np.concatenate(results[lang][name])[:, column].mean() for lang in present] for name in names}
        for name in names:
            print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in table[name]) + " |")
        if column == 0:
            gain = [t - r for t, r in zip(table[TRAINED], table[RAW], strict=True)]
            print("| trained − raw MiniLM on code | " + " | ".join(f"{g:+.3f}" for g in gain) + " |")

    first = test.select(pools(test, args.pool, args.seed)[0])
    units = first.select(range(min(args.speed_units, len(first))))
    raw128 = MiniLM(max_tokens=128)
    sources, langs = units["code"], units["language"]
    speeds = [
        ("raw MiniLM, code as text, 256 tok, unsorted batches", _unsorted(raw, sources)),
        ("raw MiniLM, code as text, 256 tok, length-bucketed", throughput(raw, sources)),
        ("raw MiniLM, code as text, 128 tok, length-bucketed", throughput(raw128, sources)),
        ("code encoder, AST seq, 128 tok, length-bucketed", throughput(code, sources, _lineariser(langs))),
        ("code encoder int8, AST seq, 128 tok, length-bucketed", throughput(code8, sources, _lineariser(langs))),
    ]
    base = speeds[0][1]
    import torch

    threads = torch.get_num_threads()
    print(f"\nthroughput on the same {len(sources)} units ({threads} torch thread(s), CPU):\n")
    print("| encoder | units/s | × raw |\n|---|---|---|")
    for name, speed in speeds:
        print(f"| {name} | {speed:.1f} | {speed / base:.2f} |")


def _lineariser(langs: list[str]):  # noqa: ANN202
    it = iter(langs)
    return lambda s: linearise(s, next(it))


def _unsorted(encoder: MiniLM, texts: list[str], batch_size: int = 32) -> float:
    """Units/s without length bucketing: batches in the given order, padded to the longest."""
    import torch

    from codeassist.encoders.text import pool
    start = time.perf_counter()
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            batch = encoder.tokenizer(texts[i : i + batch_size], padding=True, truncation=True,
                                      max_length=encoder.max_tokens, return_tensors="pt")
            pool(encoder.model(**batch).last_hidden_state, batch["attention_mask"])
    return len(texts) / (time.perf_counter() - start)


def lengths(args: argparse.Namespace) -> None:
    """Raw MiniLM at 128 vs 256 tokens, on raw code and on AST sequences, dev split."""
    from datasets import load_from_disk

    dev = load_from_disk(str(args.data))["dev"]
    rows = dev.select(pools(dev, min(args.pool, 500), args.seed)[0])
    doc = MiniLM()
    queries = doc.encode(rows["doc"])
    tokenizer = doc.tokenizer
    print(f"dev pool of {len(rows)} ({', '.join(sorted(set(rows['package'])))})\n")
    print("| input | tokens p50 | p90 | > 128 | MRR@128 | MRR@256 |\n|---|---|---|---|---|---|")
    for name, texts in (("raw code", rows["code"]), ("AST seq", rows["ast"])):
        counts = np.array([len(tokenizer.tokenize(t)) for t in texts])
        mrr = [metrics(dense_scores(MiniLM(max_tokens=n), queries, texts))[:, 0].mean() for n in (128, 256)]
        print(f"| {name} | {np.median(counts):.0f} | {np.percentile(counts, 90):.0f} | "
              f"{(counts > 128).mean():.0%} | {mrr[0]:.3f} | {mrr[1]:.3f} |")


def reranked(args: argparse.Namespace) -> None:
    """MRR with and without the cross-encoder on the best candidates, per language; added latency."""
    import torch
    from datasets import load_from_disk
    from transformers import AutoTokenizer

    from codeassist.heads import cross_encoder as cross
    from codeassist.encoders.code import CODE_MAX_TOKENS, adapter_dir
    from codeassist.encoders.text import model_dir
    from training.recipes.train_cross_encoder import load_model, probabilities

    directory = args.rerank if isinstance(args.rerank, Path) else cross.shipped_dir()
    test = load_from_disk(str(args.data))["test"]
    doc, code = MiniLM(), MiniLM(adapter=args.adapter or adapter_dir(), max_tokens=CODE_MAX_TOKENS)
    model, tokenizer = load_model(directory), AutoTokenizer.from_pretrained(model_dir())
    max_tokens = int(cross.load(directory).head.trained_on["max_tokens"])
    top = args.rerank_top
    languages = [LANGUAGE_OF.get(language, language) for language in test["language"]]
    bases = (TRAINED, "hybrid (RRF)")
    ways = ("", f" + rerank top {top}", f" + rerank top {top}, RRF with its own order")
    names = [base + way for base in bases for way in ways]
    table: dict[str, list[float]] = {name: [] for name in names}
    present = [language for language in LANGUAGE_ORDER if language in languages]
    for language in present:
        rows_of = test.select([i for i, lang in enumerate(languages) if lang == language])
        rows = rows_of.select(pools(rows_of, args.pool, args.seed)[0])
        docs, sources = list(rows["doc"]), list(rows["code"])
        queries = range(min(args.rerank_queries, len(docs)))
        dense = dense_scores(code, doc.encode([docs[q] for q in queries]), list(rows["ast"]))
        index = BM25(sources)
        hybrid = np.stack([rrf(index.scores(docs[q]), dense[q]) for q in queries])
        asked = sorted({(q, int(c)) for base in (dense, hybrid) for q in queries
                        for c in np.argsort(-base[q], kind="stable")[:top]})
        with torch.inference_mode():
            p = probabilities(model, tokenizer, [docs[q] for q, _ in asked], [sources[c] for _, c in asked], max_tokens)
        score = dict(zip(asked, p.tolist()))
        for name, base in zip(bases, (dense, hybrid), strict=True):
            found: dict[str, list[float]] = {way: [] for way in ways}
            for q in queries:
                order = np.argsort(-base[q], kind="stable")
                rank = int(np.flatnonzero(order == q)[0]) + 1
                found[""].append(1.0 / rank)
                best = [int(c) for c in order[:top]]
                crossed = np.array([score[(q, c)] for c in best])
                for way, fused in zip(ways[1:], (crossed, rrf(crossed, base[q][best])), strict=True):
                    # Reordered among the top: its place by the new score; outside it, unchanged.
                    at = 1 + int((fused > fused[best.index(q)]).sum()) if q in best else rank
                    found[way].append(1.0 / at)
            for way in ways:
                table[name + way].append(float(np.mean(found[way])))
        print(f"{language}: {len(queries)} queries reranked", file=sys.stderr)
    print(f"\ncross-encoder {directory}; first {args.rerank_queries} queries of each language's first pool "
          f"of ≤ {args.pool}\n\nMRR\n\n| method | " + " | ".join(present) + " | mean |\n|---|" + "---|" * (len(present) + 1))
    for name in names:
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in table[name]) + f" | {np.mean(table[name]):.3f} |")
    for name in bases:
        for way in ways[1:]:
            gain = np.array(table[name + way]) - np.array(table[name])
            print(f"| gain of {name}{way} | " + " | ".join(f"{g:+.3f}" for g in gain) + f" | {gain.mean():+.3f} |")
    served = cross.load(directory)
    sample = test.select(range(min(5 * top, len(test))))
    served.scores(list(sample["doc"][:2]), list(sample["code"][:2]))
    timings = []
    for start in range(0, len(sample), top):
        began = time.perf_counter()
        served.scores([sample["doc"][start]] * top, list(sample["code"][start : start + top]))
        timings.append(time.perf_counter() - began)
    print(f"\nadded latency per query (numpy, as `codeassist search --rerank {top}` runs it): "
          f"median {np.median(timings):.2f} s over {len(timings)} queries")


def main() -> None:
    """Parse the command line and run the benchmark (or the length measurement)."""
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--data", type=Path, default=DATA)
    cli.add_argument("--adapter", type=Path, help="adapter directory (default: the shipped one)")
    cli.add_argument("--doc-adapter", type=Path, help="query-side adapter, when the doc tower was trained too")
    cli.add_argument("--pool", type=int, default=POOL)
    cli.add_argument("--max-pools", type=int, default=3)
    cli.add_argument("--speed-units", type=int, default=300)
    cli.add_argument("--seed", type=int, default=0)
    cli.add_argument("--lengths", action="store_true", help="measure 128 vs 256 tokens on dev")
    cli.add_argument("--rerank", nargs="?", type=Path, const=True, metavar="DIR",
                     help="measure the cross-encoder reranking (DIR: a cross-encoder; default the shipped one)")
    cli.add_argument("--rerank-top", type=int, default=10)
    cli.add_argument("--rerank-queries", type=int, default=100)
    args = cli.parse_args()
    if args.rerank:
        reranked(args)
    else:
        lengths(args) if args.lengths else run(args)


if __name__ == "__main__":
    main()
