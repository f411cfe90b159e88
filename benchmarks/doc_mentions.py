"""Cost of CA301's semantic half: added latency on `review` of a 10-file change, and unit costs.

A generated repository holds 10 modules of --functions documented functions each, a README
and a docs/ tree of --paragraphs prose paragraphs (a third describe a function in words, the
rest are generic project prose). The staged change renames a parameter of two functions and
removes one function in every module. Timed as processes, best of --repeat:

- review --staged --ignore CA2,CA3   (the review without CA301; CA2 is left out of every row
                                      so that its encoder load does not hide ours)
- review --staged --ignore CA2        with an empty embedding cache (cold: first review)
- review --staged --ignore CA2        with the cache filled by the run before (warm: the hook)

and in process: doc_changes per changed unit, prose_chunks per document, and the encoder per
prose chunk, cold and cached.

Run: .venv/bin/python benchmarks/doc_mentions.py [--functions 20] [--paragraphs 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VERBS = ["fetch", "parse", "render", "encode", "upload", "resolve", "compress", "validate", "index", "merge"]
NOUNS = ["page", "record", "table", "token", "archive", "schema", "message", "image", "route", "config"]
GENERIC = [
    "The project is released under the MIT licence, and contributions of every size are welcome.",
    "Install the package with pip and a supported Python version; no compiler is needed.",
    "Questions go to the discussion forum, bugs to the issue tracker with a short reproducer.",
    "Each release follows semantic versioning, and deprecations last at least one minor version.",
    "The test suite runs on every pull request; please add a test with each fix.",
]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@b", *args], cwd=cwd, check=True,
                   capture_output=True)


def module(index: int, functions: int) -> str:
    parts = []
    for k in range(functions):
        verb, noun = VERBS[k % 10], NOUNS[(k // 10 + index) % 10]
        parts.append(f'def {verb}_{noun}_{index}_{k}(source, timeout=10):\n'
                     f'    """{verb.title()} the {noun} read from source, waiting at most timeout seconds."""\n'
                     f'    return source, timeout\n')
    return "\n\n".join(parts)


def build(root: Path, functions: int, paragraphs: int, seed: int) -> None:
    rng = random.Random(seed)
    git(root, "init", "-q")
    (root / "pkg").mkdir()
    for i in range(10):
        (root / "pkg" / f"mod{i}.py").write_text(module(i, functions))
    docs = root / "docs"
    docs.mkdir()
    chunks = []
    for p in range(paragraphs):
        if p % 3 == 0:
            verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
            chunks.append(f"To {verb} a {noun}, hand it the source; the `timeout` bounds how long "
                          f"it waits before the {noun} is given up.")
        else:
            chunks.append(rng.choice(GENERIC))
    per_file = max(1, paragraphs // 10)
    for d in range(10):
        body = "\n\n".join(chunks[d * per_file:(d + 1) * per_file])
        (docs / f"guide{d}.md").write_text(f"# Guide {d}\n\n{body}\n")
    (root / "README.md").write_text("# pkg\n\n" + "\n\n".join(GENERIC) + "\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    for i in range(10):
        path = root / "pkg" / f"mod{i}.py"
        units = path.read_text().split("\n\n\n")
        for k in (0, 1):
            units[k] = units[k].replace("timeout", "deadline")
        path.write_text("\n\n\n".join(units[:2] + units[3:]))
    git(root, "add", "-A")


def timed(root: Path, cache: Path, *args: str, report: bool = False) -> float:
    env = {**os.environ, "CODEASSIST_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1", "OMP_WAIT_POLICY": "PASSIVE"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "codeassist", "review", "--staged", *args], cwd=root, env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    if report:
        import json

        found = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "CA301"]
        semantic = sum("seems to describe" in f["message"] for f in found)
        print(f"  CA301 findings: {len(found) - semantic} lexical, {semantic} semantic")
    return elapsed


def in_process(root: Path, cache_dir: Path) -> None:
    from codeassist.heads.doc_mentions.targets import doc_changes
    from codeassist.heads.doc_mentions.features import candidates
    from codeassist.parsing.markup import prose_chunks
    from codeassist.encoders.cache import EmbeddingCache
    from codeassist.encoders.text import doc_encoder, encode_docs
    from codeassist.parsing.pairing import pair_units
    from codeassist.parsing.parse import parse_source
    texts = {p: p.read_text() for p in sorted((root / "docs").glob("*.md"))}
    start = time.perf_counter()
    chunks = [c for text in texts.values() for c in prose_chunks(text, ".md")]
    chunk_ms = (time.perf_counter() - start) * 1000 / len(texts)
    old = subprocess.run(["git", "show", "HEAD:pkg/mod0.py"], cwd=root, capture_output=True, text=True).stdout
    units = [("pkg/mod0.py", c) for c in pair_units(parse_source(old, "python").units,
                                                     parse_source((root / "pkg/mod0.py").read_text(), "python").units,
                                                     frozenset())]
    start = time.perf_counter()
    changes = doc_changes(units * 10)
    unit_ms = (time.perf_counter() - start) * 1000 / len(units * 10)
    doc_encoder()  # the model load is counted apart
    cache = EmbeddingCache(cache_dir / "bench.sqlite3")
    for label, encode in (("cold", lambda t: doc_encoder().encode(t)),
                          ("cached", lambda t: encode_docs(t, cache=cache)),
                          ("cached, 2nd", lambda t: encode_docs(t, cache=cache))):
        start = time.perf_counter()
        kept = candidates(changes, chunks, encode)
        elapsed = (time.perf_counter() - start) * 1000
        print(f"  match {len(changes)} changed units × {len(chunks)} chunks ({len(kept)} embedded), {label}: "
              f"{elapsed:.0f} ms = {elapsed / max(1, len(kept)):.1f} ms per embedded chunk")
    print(f"  doc_changes: {unit_ms:.3f} ms per unit pair; prose_chunks: {chunk_ms:.2f} ms per document")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=20)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root, caches = Path(scratch) / "repo", Path(scratch) / "caches"
        root.mkdir()
        build(root, args.functions, args.paragraphs, args.seed)
        rows = {"review without CA3": [], "review with CA301, cold cache": [], "review with CA301, warm cache": []}
        for r in range(args.repeat):
            rows["review without CA3"].append(timed(root, caches / f"n{r}", "--ignore", "CA2,CA3"))
            rows["review with CA301, cold cache"].append(timed(root, caches / f"c{r}", "--ignore", "CA2"))
            rows["review with CA301, warm cache"].append(timed(root, caches / f"c{r}", "--ignore", "CA2"))
        timed(root, caches / "c0", "--ignore", "CA2", "--format", "json", report=True)
        base = min(rows["review without CA3"])
        print(f"10 files, {10 * args.functions} functions, 30 changed units, {args.paragraphs} paragraphs; best of {args.repeat}")
        for name, times in rows.items():
            print(f"  {name:32s} {min(times):6.2f} s  (+{min(times) - base:.2f} s)")
        in_process(root, caches)


if __name__ == "__main__":
    main()
