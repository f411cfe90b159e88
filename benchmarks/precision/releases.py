"""The `review` half: two releases of a package as two commits, reviewed as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .sources import Package, ReleasePair, fetch


def _place(release: Package, unpacked: Path, repo: Path) -> None:
    for source, target in zip(release.paths, release.targets, strict=True):
        if (unpacked / source).is_dir():
            shutil.copytree(unpacked / source, repo / target)
        else:
            (repo / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(unpacked / source, repo / target)


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def review_pair(pair: ReleasePair, root: Path, work: Path) -> list[dict]:
    """Commit the old release, then the new one, and review the second commit.

    Args:
        pair: The release pair.
        root: The data root (downloads).
        work: The scratch root; the repository is `work/<name>-review`.

    Returns:
        The findings of `codeassist review --commit HEAD`, paths starting with the repository's
        directory name, each with a "language" key.
    """
    repo = work / f"{pair.new.name}-review"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    for release, message in ((pair.old, "old release"), (pair.new, "new release")):
        for child in repo.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        _place(release, fetch(release, root), repo)
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"{message}: {release.spec}")
    exe = Path(sys.executable).parent / "codeassist"
    done = subprocess.run([str(exe), "review", "--commit", "HEAD", "--format", "json"], cwd=repo,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"}, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"codeassist review failed on {repo.name}: {done.stderr.strip()}")
    findings = json.loads(done.stdout)["findings"]
    for finding in findings:
        finding["path"] = f"{repo.name}/{finding['path']}"
        finding["language"] = pair.new.language
    return findings
