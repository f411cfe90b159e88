"""The real pre-commit framework runs the hook: it fails on a stale docstring, passes when fixed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import git

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STALE = '''def scale(value, factor):
    """Scale a value.

    Args:
        value: The input.
        ratio: The multiplier.
    """
    return value * factor
'''


def pre_commit(cwd: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [str(BIN / "pre-commit"), *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )


def test_manifest_is_valid(tmp_path: Path):
    done = pre_commit(ROOT, "validate-manifest", ".pre-commit-hooks.yaml", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_hook_fails_on_stale_doc_and_passes_when_fixed(repo: Path, tmp_path: Path):
    # A `repo: local` hook with the codeassist already installed in this environment, as the
    # README suggests for people who do not want torch installed a second time by pre-commit.
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: codeassist\n"
        "        name: codeassist\n"
        f"        entry: {BIN / 'codeassist'} check\n"
        "        language: system\n"
        "        require_serial: true\n"
        "        types_or: [python, pyi, javascript, jsx, ts, tsx, go, java, rust]\n"
    )
    (repo / "mod.py").write_text(STALE)
    git(repo, "add", "-A")
    home = tmp_path / "pre-commit-home"
    failed = pre_commit(repo, "run", "--all-files", home=home)
    assert failed.returncode == 1, failed.stdout
    assert "mod.py:6:9: CA101" in failed.stdout

    (repo / "mod.py").write_text(STALE.replace("ratio:", "factor:"))
    git(repo, "add", "-A")
    passed = pre_commit(repo, "run", "--all-files", home=home)
    assert passed.returncode == 0, passed.stdout
    assert "Passed" in passed.stdout


def test_review_hook_blames_only_the_staged_change(repo: Path, tmp_path: Path):
    legacy = STALE.replace("scale", "legacy")
    (repo / "old.py").write_text(legacy)
    (repo / "mod.py").write_text(STALE.replace("ratio:", "factor:"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: codeassist-review\n"
        "        name: codeassist review\n"
        f"        entry: {BIN / 'codeassist'} review\n"
        "        language: system\n"
        "        pass_filenames: false\n"
        "        require_serial: true\n"
    )
    (repo / "mod.py").write_text(STALE)  # the change makes `scale`'s doc stale
    git(repo, "add", "-A")
    home = tmp_path / "pre-commit-home"
    failed = pre_commit(repo, "run", home=home)
    assert failed.returncode == 1, failed.stdout
    assert "mod.py:6:9: CA101" in failed.stdout and "old.py" not in failed.stdout
    (repo / "mod.py").write_text(STALE.replace("ratio:", "factor:"))
    git(repo, "add", "-A")
    assert pre_commit(repo, "run", home=home).returncode == 0


def test_commit_msg_hook_rejects_a_placeholder(repo: Path, tmp_path: Path):
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: codeassist-commit-msg\n"
        "        name: codeassist commit message\n"
        f"        entry: {BIN / 'codeassist'} commit-msg\n"
        "        language: system\n"
        "        stages: [commit-msg]\n"
    )
    git(repo, "add", "-A")
    home = tmp_path / "pre-commit-home"
    (tmp_path / "bad").write_text("wip\n")
    (tmp_path / "good").write_text("Add the pre-commit configuration\n")
    bad = pre_commit(repo, "run", "--hook-stage", "commit-msg", "--commit-msg-filename", str(tmp_path / "bad"), home=home)
    assert bad.returncode == 1 and "CA402" in bad.stdout
    good = pre_commit(repo, "run", "--hook-stage", "commit-msg", "--commit-msg-filename", str(tmp_path / "good"), home=home)
    assert good.returncode == 0, good.stdout


def test_only_the_commit_msg_hook_runs_in_the_commit_msg_stage():
    import yaml

    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"codeassist", "codeassist-review", "codeassist-commit-msg"}
    for hook_id in ("codeassist", "codeassist-review"):
        assert hooks[hook_id]["stages"] == ["pre-commit", "pre-push", "manual"]
    assert hooks["codeassist-commit-msg"]["stages"] == ["commit-msg"]
