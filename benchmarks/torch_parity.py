"""The learned rules without torch and with it: the same findings, the same CA201 scores?

Two environments run the same commands: a core install (`pip install codeassist`, no torch;
its encoders are the numpy MiniLM) and this one (with torch, whose MiniLM takes jobs of more
than `SMALL_JOB` texts). Compared:

- the demo repository (examples/demo, built as `make demo` builds it): `codeassist review
  --commit HEAD --format json` and `codeassist commit-msg --format json` (CA201, CA301, CA401
  among the rules), each with an empty cache directory;
- CA201 on the held-out (test) split of the drift dataset that benchmarks/doc_drift.py scores
  (`~/.cache/codeassist-data/drift`, from training/data/mine_drift.py): `drift_scores` over every
  row in each environment, then the largest difference, the decisions at 0.5 that differ, and
  precision / recall / F1 / ROC-AUC per source (history, mutation) from each.

Run: .venv/bin/python benchmarks/torch_parity.py --core-bin VENV/bin [--models DIR] [--limit N]
(benchmarks/install.py --compare-output runs it with the core venv it has just built). The
scoring half also runs alone inside an environment: `python benchmarks/torch_parity.py --score
ROWS.json OUT.json`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "examples" / "demo"
DEMO_MESSAGE = "Round discounted prices to whole cents in Pricing\n"
CART_ADDITION = "\nexport function clearCart(cart) {\n  cart.items = [];\n  return cart;\n}\n"


def demo_repo(root: Path) -> None:
    """Build the demo's two-commit repository and stage its commit-msg change, as run.sh does."""
    git = ["git", "-C", str(root), "-c", "user.name=demo", "-c", "user.email=demo@example.com",
           "-c", "init.defaultBranch=main"]
    root.mkdir(parents=True)
    subprocess.run(git + ["init", "-q"], check=True)
    shutil.copytree(DEMO / "v1", root, dirs_exist_ok=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "Inventory service with documented API"], check=True)
    for name in ("inventory.py", "web", "src", "README.md"):
        target = root / name
        shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
    shutil.copytree(DEMO / "v2", root, dirs_exist_ok=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "Rename restock quantity, add force, return None from find"], check=True)


def stage_commit_msg(root: Path) -> Path:
    """Stage the demo's cart change and write the message that describes another change."""
    with (root / "web" / "cart.js").open("a") as cart:
        cart.write(CART_ADDITION)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    message = root / ".git" / "DEMO_MSG"
    message.write_text(DEMO_MESSAGE)
    return message


def environment(models: Path, cache: Path) -> dict[str, str]:
    """The children's environment: the pulled models, an empty cache, no hub, passive OpenMP."""
    return {**os.environ, "CODEASSIST_MODELS_DIR": str(models), "CODEASSIST_CACHE_DIR": str(cache),
            "HF_HUB_OFFLINE": "1", "OMP_WAIT_POLICY": "PASSIVE"}


def demo_outputs(bin_dir: Path, work: Path, models: Path) -> dict[str, dict]:
    """Run the demo's review and commit-msg hook with one environment's codeassist.

    Args:
        bin_dir: The environment's bin directory.
        work: An empty scratch directory.
        models: The models directory (CODEASSIST_MODELS_DIR).

    Returns:
        For each command, its exit code and JSON document.
    """
    root = work / "demo"
    demo_repo(root)
    outputs = {}
    commands = {"review --commit HEAD": ["review", "--commit", "HEAD"]}
    for label, arguments in commands.items():
        done = subprocess.run([str(bin_dir / "codeassist"), *arguments, "--format", "json"], cwd=root,
                              env=environment(models, work / "cache-review"), capture_output=True, text=True)
        outputs[label] = {"exit_code": done.returncode, "document": json.loads(done.stdout or "null"),
                          "stderr": done.stderr.strip().splitlines()[-3:]}
    message = stage_commit_msg(root)
    done = subprocess.run([str(bin_dir / "codeassist"), "commit-msg", str(message.relative_to(root)), "--format", "json"],
                          cwd=root, env=environment(models, work / "cache-commit-msg"), capture_output=True, text=True)
    outputs["commit-msg"] = {"exit_code": done.returncode, "document": json.loads(done.stdout or "null"),
                             "stderr": done.stderr.strip().splitlines()[-3:]}
    return outputs


def heldout_rows(limit: int | None) -> list[dict] | None:
    """The held-out rows doc_drift.py scores (its config, split and sample), or None without the data."""
    from training.config import load_config
    from training.recipes.train_doc_drift_head import load_split

    config = load_config(REPO / "training" / "configs" / "doc_drift_head.toml", paths=("data", "out"),
                         shipped="doc_drift_head")
    if not Path(config["data"]).is_dir():
        return None
    rows = load_split(Path(config["data"]), "test", config["max_eval"], config["seed"])
    keys = ("old_doc", "old_code", "new_code", "label", "source")
    return [{key: row[key] for key in keys} for row in rows[:limit]]


def score(rows_path: Path, out_path: Path) -> None:
    """Score rows with the shipped CA201 head inside the running environment and save the result.

    Args:
        rows_path: JSON list of rows with old_doc, old_code and new_code.
        out_path: Where the probabilities go, with whether torch was available and imported.
    """
    from codeassist.encoders.text import torch_available
    from codeassist.heads.doc_drift.features import Example
    from codeassist.heads.doc_drift.score import drift_scores

    rows = json.loads(rows_path.read_text())
    start = time.perf_counter()
    scores = drift_scores([Example(r["old_doc"], r["old_code"], r["new_code"], "python") for r in rows])
    out_path.write_text(json.dumps({
        "scores": [float(s) for s in scores], "seconds": time.perf_counter() - start,
        "torch_available": torch_available(), "torch_imported": "torch" in sys.modules,
    }))


def agreement(a: list[float], b: list[float]) -> dict[str, object]:
    """How closely two score lists agree: largest difference, decimals and decisions at 0.5."""
    largest = max((abs(x - y) for x, y in zip(a, b, strict=True)), default=0.0)
    return {
        "bit_identical": largest == 0.0,
        "max_abs_diff": largest,
        "identical_decimals": None if largest == 0.0 else max(0, math.floor(-math.log10(largest))),
        "decisions_differ": sum((x >= 0.5) != (y >= 0.5) for x, y in zip(a, b, strict=True)),
    }


def heldout_metrics(rows: list[dict], scores: list[float]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and ROC-AUC per source, as doc_drift.py computes them."""
    import numpy as np

    from training.recipes.train_doc_drift_head import metrics

    labels = np.array([r["label"] for r in rows])
    source = np.array([r["source"] for r in rows])
    values = np.array(scores)
    return {name: {k: round(float(v), 6) for k, v in metrics(labels[source == name], values[source == name]).items()}
            for name in ("history", "mutation") if (source == name).any()}


def compare(core_bin: Path, torch_bin: Path, work: Path, *, models: Path, limit: int | None = None) -> dict:
    """Run everything in both environments, print the comparison, and return it.

    Args:
        core_bin: The bin directory of the core venv (no torch).
        torch_bin: The bin directory of an environment with torch (this one).
        work: A scratch directory (emptied first).
        models: CODEASSIST_MODELS_DIR with the pulled encoders.
        limit: Score only this many held-out rows.

    Returns:
        The comparison, for install.json.
    """
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    envs = {"core (no torch)": core_bin, "with torch": torch_bin}
    demo = {name: demo_outputs(bin_dir, work / f"demo-{index}", models) for index, (name, bin_dir) in enumerate(envs.items())}
    core, other = demo.values()
    result: dict = {"demo": {}}
    print("\ntorch parity — demo repository (examples/demo), JSON output")
    for label in core:
        same = core[label] == other[label]
        findings = core[label]["document"]["findings"] if core[label]["document"] else []
        rules = sorted({f["rule"] for f in findings})
        result["demo"][label] = {"identical": same, "findings": len(findings), "rules": rules,
                                 "exit_code": core[label]["exit_code"], "core": core[label], "torch": other[label]}
        print(f"- codeassist {label}: {'identical' if same else 'DIFFERENT'} ({len(findings)} findings, "
              f"rules {', '.join(rules) or 'none'}, exit {core[label]['exit_code']})")

    rows = heldout_rows(limit)
    if rows is None:
        print("- CA201 held-out cases: the drift dataset is not on this machine (~/.cache/codeassist-data/drift;"
              " build it with training/data/mine_drift.py)")
        result["heldout"] = None
        return result
    rows_path = work / "rows.json"
    rows_path.write_text(json.dumps(rows))
    scored = {}
    for index, (name, bin_dir) in enumerate(envs.items()):
        out = work / f"scores-{index}.json"
        subprocess.run([str(bin_dir / "python"), str(Path(__file__).resolve()), "--score", str(rows_path), str(out)],
                       env=environment(models, work / f"cache-scores-{index}"), check=True)
        scored[name] = json.loads(out.read_text())
    a, b = (s["scores"] for s in scored.values())
    result["heldout"] = {
        "rows": len(rows), **agreement(a, b),
        "environments": {name: {"torch_available": s["torch_available"], "torch_imported": s["torch_imported"],
                                "seconds": round(s["seconds"], 1), "metrics": heldout_metrics(rows, s["scores"])}
                         for name, s in scored.items()},
    }
    held = result["heldout"]
    print(f"- CA201 on {len(rows)} held-out rows (doc_drift.py's test split): "
          + ("bit-identical" if held["bit_identical"] else
             f"max |Δp| {held['max_abs_diff']:.2e} (identical to {held['identical_decimals']} decimals)")
          + f", decisions at 0.5 that differ: {held['decisions_differ']}")
    for name, info in held["environments"].items():
        summary = "; ".join(f"{source} P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} AUC {m['auc']:.3f}"
                            for source, m in info["metrics"].items())
        print(f"    {name}: torch imported {info['torch_imported']}, {info['seconds']} s; {summary}")
    return result


def main(argv: list[str] | None = None) -> int:
    """Compare the two environments, or (with --score) score rows inside this one.

    Args:
        argv: Command-line arguments (default: sys.argv[1:]).

    Returns:
        0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core-bin", type=Path, help="bin directory of a core install (no torch)")
    parser.add_argument("--models", type=Path, help="CODEASSIST_MODELS_DIR holding the pulled encoders")
    parser.add_argument("--limit", type=int, help="score only this many held-out rows")
    parser.add_argument("--score", nargs=2, type=Path, metavar=("ROWS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.score:
        score(*args.score)
        return 0
    if args.core_bin is None:
        parser.error("--core-bin is required")
    with tempfile.TemporaryDirectory(prefix="codeassist-parity-") as directory:
        models = args.models or Path(os.environ.get("CODEASSIST_MODELS_DIR", Path(directory) / "none"))
        print(json.dumps(compare(args.core_bin, Path(sys.executable).parent, Path(directory) / "work", models=models,
                                 limit=args.limit)["heldout"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
