"""CA401 commit-message mismatch: the shipped head beside single-feature baselines.

One run prints, on the held-out Debian packages of training/configs/mine_commits.toml (never
trained on) and on a real git repository's own history (default: this repository):

- the share of real messages flagged (each message with its own diff: every flag is noise),
- recall on messages paired with another commit's diff of the same package / repository (hard)
  and of another package (easy),
- precision at one mismatch per real message, and ROC-AUC,

for the shipped head and for two baselines whose thresholds are set the same way (the same
flag rate on the dev packages): the share of the message's words found in the change
(lexical overlap), and the documentation encoder's cosine between message and change. Then
the cost: milliseconds per judged message, and the time the commit-msg hook takes.

Run: .venv/bin/python benchmarks/commit_message.py [--repo PATH] [--max-commits N]
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

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from codeassist.changes import gitdiff  # noqa: E402
from codeassist.heads.commit_message.summary import summary_from_changeset  # noqa: E402
from codeassist.heads.commit_message.features import feature_rows  # noqa: E402
from codeassist.heads.commit_message.head import shipped_head  # noqa: E402
from codeassist.encoders.text import encode_docs  # noqa: E402
from codeassist.review.rules.commit_message import is_generated, is_placeholder, subject  # noqa: E402
from training.config import add_config_arguments, load_config, parse_set  # noqa: E402
from training.recipes.train_commit_message_head import compare, features, load_commits, pairs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def history_pairs(repo_path: Path, max_commits: int, seed: int) -> tuple[list, np.ndarray, np.ndarray]:
    """Real (message, own change) pairs of a repository, and each message with another commit's change.

    Args:
        repo_path: The repository.
        max_commits: At most this many commits (the newest).
        seed: Seed for choosing the other commit.

    Returns:
        (message, summary) pairs, labels (1 = another commit's change), kinds (0 own, 1 same repository).
    """
    repo = gitdiff.open_repo(repo_path)
    commits = []
    for commit in repo.iter_commits("HEAD", max_count=max_commits, no_merges=True):
        message = commit.message
        if is_generated(subject(message)) or is_placeholder(subject(message)):
            continue
        summary = summary_from_changeset(gitdiff.commit(repo, commit.hexsha))
        if summary.paths and (summary.added or summary.removed):
            commits.append((message, summary))
    rng = random.Random(seed)
    found, labels, kinds = [], [], []
    for index, (message, summary) in enumerate(commits):
        other = rng.choice([i for i in range(len(commits)) if i != index])
        found += [(message, summary), (message, commits[other][1])]
        labels += [0, 1]
        kinds += [0, 1]
    return found, np.array(labels), np.array(kinds)


def table(title: str, x: np.ndarray, y: np.ndarray, kinds: np.ndarray, dev: tuple, flag_rate: float) -> None:
    """Print one block of the comparison."""
    rows = compare(shipped_head(), x, y, kinds, dev, flag_rate)
    print(f"\n{title}: {int(np.sum(y == 0))} real messages")
    print(f"{'scorer':<16} {'flagged real':>12} {'R same':>7} {'R other':>8} {'P 1:1':>6} {'AUC':>6}")
    for name, values in rows.items():
        other = values["recall_other_package"]
        label = "shipped head" if name == "head" else name
        print(f"{label:<16} {100 * values['real_flag_rate']:>11.1f}% {values['recall_same_package']:>7.3f} "
              f"{'—' if np.isnan(other) else f'{other:.3f}':>8} {values['precision_1to1']:>6.3f} {values['roc_auc']:>6.3f}")


def main() -> None:
    """Run the comparison and the cost measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser, default=ROOT / "training/configs/commit_message_head.toml")
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--max-commits", type=int, default=300)
    args = parser.parse_args()
    config = load_config(args.config, parse_set(args.overrides), paths=("data", "out"), shipped="commit_message_head")
    data, out = Path(config["data"]), Path(config["out"])
    splits = {}
    for split in ("dev", "test"):
        commits = load_commits(data, split, config["max_per_package"], config[f"max_{split}"], config["seed"])
        found, labels, kinds = pairs(commits, config["seed"])
        splits[split] = (features(found, out / f"{split}.npz"), labels, kinds)
    dev = splits["dev"][:2]
    table("held-out Debian packages", *splits["test"], dev=dev, flag_rate=config["max_flag_rate"])
    found, labels, kinds = history_pairs(args.repo, args.max_commits, config["seed"])
    feature_rows(found[:2], encode_docs)  # load the encoders first: the cost below is per message
    started = time.perf_counter()
    x_history = feature_rows(found, encode_docs)
    per_message = (time.perf_counter() - started) / max(len(found), 1) * 1000
    table(f"history of {args.repo.name}", x_history, labels, kinds, dev=dev, flag_rate=config["max_flag_rate"])
    print(f"\ncost: {per_message:.1f} ms per judged message (features with a warm encoder)")
    print(f"commit-msg hook with CA401 on a one-file staged change, whole process: {hook_seconds():.2f} s (best of 3)")


def hook_seconds() -> float:
    """Time `codeassist commit-msg` on a staged one-function change in a fresh repository."""
    with tempfile.TemporaryDirectory() as directory:
        repo = Path(directory)
        run = lambda *args: subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)  # noqa: E731
        run("init", "-q")
        run("config", "user.email", "bench@example.org")
        run("config", "user.name", "bench")
        (repo / "dates.py").write_text("def parse_date(text):\n    return text.split('-')\n")
        run("add", "-A")
        run("commit", "-q", "-m", "Add parse_date")
        (repo / "dates.py").write_text("def parse_date(text):\n    return [int(p) for p in text.split('-')]\n")
        run("add", "-A")
        (repo / "msg.txt").write_text("Return integers from parse_date\n")
        hook = [sys.executable, "-m", "codeassist", "commit-msg", "msg.txt", "--select", "CA401"]
        times = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(hook, cwd=repo, capture_output=True, check=False)
            times.append(time.perf_counter() - started)
    return min(times)

if __name__ == "__main__":
    main()
