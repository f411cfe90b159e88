"""CA201 doc drift on held-out packages: fusion heads beside rule, similarity and linter baselines.

One run prints, separately for real history and for mutations of the test packages (never
trained on by the encoders or the heads):

- rule baseline: the documented parameter set differs from the new signature's;
- similarity-drop baseline: sim(doc, old code) − sim(doc, new code), threshold fit on dev;
- pydoclint and docsig on the new code with the old docstring put back;
- each fusion head (weighted, linear, mlp, and with a cross-encoder cross, cross+edit,
  cross+edit-mlp) from the training run, and the shipped head, alone and as review serves it
  (a documented default the change contradicts is drift for certain);

with precision, recall, F1 and ROC-AUC. Then the cost: milliseconds of drift scoring per
changed unit, and the latency CA201 adds to `codeassist review --staged` on a 10-file change.

Run: .venv/bin/python benchmarks/doc_drift.py [--config training/configs/doc_drift_head.toml]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

from codeassist.heads.asset import CONFIG, Head
from codeassist.heads.asset import load_head as load_asset_head
from codeassist.heads.cross_encoder import available as cross_available
from codeassist.heads.doc_drift.features import SIMILARITY, Example, parsed_doc
from codeassist.heads.doc_drift.head import FAMILY, shipped_head
from codeassist.heads.doc_drift.score import drift_scores, with_stated_defaults
from codeassist.parsing.docstrings import clean_name
from codeassist.parsing.parse import parse_source
from codeassist.records import RECEIVER, TYPE_PARAMETER
from training.config import add_config_arguments, load_config, parse_set
from training.recipes.train_doc_drift_head import (
    CROSS_VARIANTS, VARIANTS, columns, cross_columns, features, load_split, metrics, named_columns,
)

BIN = Path(sys.executable).parent


def rule_baseline(row: dict) -> int:
    """1 when the old doc's parameter section names a different set than the new signature."""
    documented = {clean_name(i.name) for i in parsed_doc(row["old_doc"], "python").params or ()}
    if not documented:
        return 0
    units = parse_source(row["new_code"], "python").units
    if not units:
        return 0
    params = {p.name for p in units[0].params if p.kind not in (RECEIVER, TYPE_PARAMETER)}
    return int(documented != params)


def with_old_doc(row: dict) -> str:
    """The new code with the old docstring inserted after its signature."""
    code = row["new_code"]
    match = re.search(r"\)\s*(->[^:]+)?:\s*\n", code)
    if not match:
        return code
    body = code[match.end():]
    indent = re.match(r"[ \t]*", body).group(0) or "    "
    doc = row["old_doc"].replace('"""', "'''")
    docstring = textwrap.indent('"""' + doc.strip() + '\n"""', indent).lstrip() + "\n"
    return code[: match.end()] + indent + docstring + body


def linter_flags(rows: list[dict], tool: str) -> np.ndarray:
    """Run pydoclint or docsig once over all rows; 1 where it reports an argument/return problem."""
    if shutil.which(str(BIN / tool)) is None:
        return np.full(len(rows), -1)
    with tempfile.TemporaryDirectory() as directory:
        paths = []
        for index, row in enumerate(rows):
            path = Path(directory) / f"case_{index}.py"
            source = with_old_doc(row)
            first = source.split("(", 1)[-1].lstrip()
            if first.startswith(("self", "cls")):  # a method: the linters skip its receiver
                source = "class _C:\n" + textwrap.indent(source, "    ")
            path.write_text(source)
            paths.append(path)
        (Path(directory) / "pyproject.toml").write_text("")
        if tool == "pydoclint":
            command = [str(BIN / "pydoclint"), "--quiet", "--style=sphinx", "--arg-type-hints-in-signature=False",
                       "--arg-type-hints-in-docstring=False", "--check-return-types=False", "--skip-checking-short-docstrings=False"]
            pattern = re.compile(r"DOC(10[1-5]|20[23])")
            flags = np.zeros(len(rows), dtype=int)
            for style in ("google", "numpy", "sphinx"):
                done = subprocess.run(command[:2] + [f"--style={style}"] + command[3:] + [str(p) for p in paths],
                                      capture_output=True, text=True, cwd=directory)
                flags |= _flagged(done.stdout + done.stderr, paths, pattern)
            return flags
        done = subprocess.run([str(BIN / "docsig"), "--check-protected", "--check-dunders", "--check-class-constructor",
                               "--check-nested", "--check-overridden", *[str(p) for p in paths]],
                              capture_output=True, text=True, cwd=directory)
        return _flagged(done.stdout + done.stderr, paths, re.compile(r"SIG(20[1-3]|40[34]|502)"))


def _flagged(output: str, paths: list[Path], pattern: re.Pattern[str]) -> np.ndarray:
    flags = np.zeros(len(paths), dtype=int)
    current = None
    names = {p.name: i for i, p in enumerate(paths)}
    for line in output.splitlines():
        match = re.search(r"(case_\d+\.py)", line)
        if match:
            current = names.get(match.group(1))
        if current is not None and pattern.search(line):
            flags[current] = 1
    return flags


def review_latency(repeat: int) -> dict[str, float]:
    """Best wall times of `review --staged` on a 10-file change: with CA2xx cold and warm, without."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "repo"
        root.mkdir()
        cache = Path(directory) / "cache"
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        for index in range(10):
            (root / f"m{index}.py").write_text("".join(
                f'def f{index}_{k}(a, b):\n    """Add a to b and return the sum."""\n    return a + b\n\n\n' for k in range(20)))
        git = ["git", "-c", "user.name=b", "-c", "user.email=b@x"]
        subprocess.run(git + ["add", "-A"], cwd=root, check=True)
        subprocess.run(git + ["commit", "-qm", "base"], cwd=root, check=True)
        for index in range(10):
            path = root / f"m{index}.py"
            path.write_text(path.read_text().replace("return a + b", "return a * b"))
        subprocess.run(git + ["add", "-A"], cwd=root, check=True)
        env = {**os.environ, "CODEASSIST_CACHE_DIR": str(cache), "OMP_WAIT_POLICY": "PASSIVE"}
        timings = {}
        runs = (("cold", [], True), ("warm", [], False), ("without", ["--ignore", "CA2"], False))
        for label, extra, clear in runs:
            best = float("inf")
            for _ in range(repeat):
                if clear:
                    shutil.rmtree(cache, ignore_errors=True)
                start = time.perf_counter()
                done = subprocess.run([str(BIN / "codeassist"), "review", "--staged", *extra], cwd=root, env=env,
                                      capture_output=True, text=True)
                best = min(best, time.perf_counter() - start)
                if done.returncode not in (0, 1):
                    raise SystemExit(f"review failed: {done.stderr[-500:]}")
            timings[label] = best
    return timings


def main() -> None:
    """Evaluate everything on the test packages and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser, default=Path("training/configs/doc_drift_head.toml"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency-only", action="store_true", help="only time review --staged")
    args = parser.parse_args()
    if args.latency_only:
        print(json.dumps({k: round(v, 3) for k, v in review_latency(args.repeat).items()}))
        return
    config = load_config(args.config, parse_set(args.overrides), paths=("data", "out"), shipped="doc_drift_head")
    data, out = Path(config["data"]), Path(config["out"])
    seed = config["seed"]
    rows = {s: load_split(data, s, config["max_eval"], seed) for s in ("dev", "test")}
    x = {s: features(rows[s], out / f"features-{s}.npz") for s in rows}
    y = {s: np.array([r["label"] for r in rows[s]]) for s in rows}
    source = np.array([r["source"] for r in rows["test"]])

    scores: dict[str, np.ndarray] = {"rule baseline (param sets)": np.array([rule_baseline(r) for r in rows["test"]], float)}
    drop = {s: x[s][:, SIMILARITY.index("sim_drop")] for s in rows}
    best_t, best_f1 = 0.0, -1.0
    for t in np.quantile(drop["dev"], np.linspace(0.05, 0.95, 37)):
        f1 = metrics(y["dev"], (drop["dev"] >= t).astype(float))["f1"]
        if f1 > best_f1:
            best_t, best_f1 = float(t), f1
    scores["similarity drop (dev threshold)"] = 1 / (1 + np.exp(-(drop["test"] - best_t) * 20))
    for tool in ("pydoclint", "docsig"):
        flags = linter_flags(rows["test"], tool)
        if flags.min() >= 0:
            scores[f"{tool} (old doc on new code)"] = flags.astype(float)
    cross = Path(config["cross_encoder"]) if config["cross_encoder"] else None
    crossed = cross_columns(rows["test"], out / "cross-test.npz", cross) if cross and cross_available(cross) else None

    def head_scores(head: Head) -> np.ndarray:
        if head.trained_on["vector_features"]:
            return head.probabilities(x["test"][:, columns(head.kind, True)])
        return head.probabilities(named_columns(head.trained_on["features"], x["test"], crossed))

    # The run's heads through the plain loader: a cross head fitted on a candidate cross-encoder
    # is compared here before that cross-encoder is installed (review's loader would refuse it).
    for variant in (*VARIANTS, *CROSS_VARIANTS):
        if (out / variant / CONFIG).exists() and (variant in VARIANTS or crossed is not None):
            scores[f"fusion: {variant}"] = head_scores(load_asset_head(out / variant, family=FAMILY))
    shipped = shipped_head()
    scores[f"shipped head ({shipped.kind})"] = head_scores(shipped)
    scores["CA201 as served (+ stated defaults)"] = with_stated_defaults(
        [Example(r["old_doc"], r["old_code"], r["new_code"]) for r in rows["test"]],
        scores[f"shipped head ({shipped.kind})"])

    for name in ("history", "mutation"):
        mask = source == name
        print(f"\n{name}: {int(mask.sum())} test examples, {int(y['test'][mask].sum())} stale")
        print(f"{'method':<36} {'precision':>9} {'recall':>7} {'F1':>6} {'ROC-AUC':>8}")
        for method, score in scores.items():
            m = metrics(y["test"][mask], score[mask])
            print(f"{method:<36} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['auc']:>8.3f}")
    served = scores["CA201 as served (+ stated defaults)"] >= 0.5
    kinds = np.array([r["kind"] for r in rows["test"]])
    stale = (source == "mutation") & (y["test"] == 1)
    print("\nmutation recall by kind, as served: " + ", ".join(
        f"{kind} {served[stale & (kinds == kind)].mean():.3f} (n={int((stale & (kinds == kind)).sum())})"
        for kind in sorted(set(kinds[stale]))))


    sample = [Example(r["old_doc"], r["old_code"], r["new_code"]) for r in rows["test"][:200]]
    drift_scores(sample[:8])  # load the encoders and head first
    start = time.perf_counter()
    drift_scores(sample)
    per_unit = (time.perf_counter() - start) / max(len(sample), 1) * 1000
    latency = review_latency(args.repeat)
    print(f"\ncost: {per_unit:.1f} ms per changed unit (batch of {len(sample)}, features + encoders + head, CPU)")
    print(f"review --staged, 10 files x 20 changed units: {latency['without']:.2f} s without CA2xx; with CA2xx "
          f"{latency['cold']:.2f} s on an empty embedding cache, {latency['warm']:.2f} s when the vectors are cached")
    print(json.dumps({"per_unit_ms": round(per_unit, 2), **{f"review_{k}_s": round(v, 3) for k, v in latency.items()}}))


if __name__ == "__main__":
    main()
