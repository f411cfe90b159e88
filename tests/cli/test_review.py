"""`codeassist review` on real repositories built commit by commit in tmp_path (no git mocks)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git

DOCUMENTED = '''def scale(value, factor):
    """Scale a value.

    Args:
        value: The input.
        factor: The multiplier.
    """
    return value * factor
'''
RENAMED = DOCUMENTED.replace("def scale(value, factor):", "def scale(value, ratio):").replace(
    "value * factor", "value * ratio"
)
UNTOUCHED_STALE = '''def legacy(a):
    """Old.

    Args:
        a: Current.
        b: Stale for years.
    """
    return a
'''


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def rules(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    assert done.returncode in (0, 1), done.stderr
    return [(f["path"], f["rule"]) for f in json.loads(done.stdout)["findings"]]


@pytest.fixture
def history(repo: Path) -> Path:
    """A repository whose first commit has a documented function and an old stale one."""
    (repo / "pkg").mkdir()
    (repo / "pkg" / "mod.py").write_text(UNTOUCHED_STALE + "\n\n" + DOCUMENTED)
    commit_all(repo, "first")
    return repo


def test_staged_vs_unstaged(history: Path, cli):
    (history / "pkg" / "mod.py").write_text(UNTOUCHED_STALE + "\n\n" + RENAMED)
    assert rules(cli("review", "--staged", "--format", "json", cwd=history)) == []
    working = rules(cli("review", "--working", "--format", "json", cwd=history))
    assert working == [("pkg/mod.py", "CA102"), ("pkg/mod.py", "CA101")]
    git(history, "add", "-A")
    staged = cli("review", "--format", "json", cwd=history)  # --staged is the default
    assert staged.returncode == 1 and rules(staged) == working


def test_untouched_stale_doc_is_not_this_changes_finding(history: Path, cli):
    (history / "pkg" / "mod.py").write_text(UNTOUCHED_STALE + "\n\n" + RENAMED)
    git(history, "add", "-A")
    added = rules(cli("review", "--format", "json", cwd=history))
    assert all("legacy" not in rule for rule in added) and len(added) == 2
    whole_file = rules(cli("review", "--filter-mode", "file", "--format", "json", cwd=history))
    assert len(whole_file) == 3
    assert rules(cli("review", "--filter-mode", "nofilter", "--format", "json", cwd=history)) == whole_file


def test_diff_context_keeps_findings_next_to_the_change(history: Path, cli):
    # A comment just below `legacy` puts its stale entry in the diff context, not the change.
    text = UNTOUCHED_STALE + "# a note\n\n" + DOCUMENTED
    (history / "pkg" / "mod.py").write_text(text)
    git(history, "add", "-A")
    assert rules(cli("review", "--format", "json", cwd=history)) == []
    context = rules(cli("review", "--filter-mode", "diff_context", "--format", "json", cwd=history))
    assert ("pkg/mod.py", "CA101") in context


def test_commit_range_and_base(history: Path, cli):
    first = git(history, "rev-parse", "HEAD").strip()
    git(history, "checkout", "-q", "-b", "feature")
    (history / "pkg" / "mod.py").write_text(UNTOUCHED_STALE + "\n\n" + RENAMED)
    commit_all(history, "rename factor")
    (history / "pkg" / "other.py").write_text("def f(x):\n    return x\n")
    commit_all(history, "add other")
    expected = [("pkg/mod.py", "CA102"), ("pkg/mod.py", "CA101")]
    assert rules(cli("review", "--commit", "HEAD~1", "--format", "json", cwd=history)) == expected
    assert rules(cli("review", "--commit", "HEAD", "--format", "json", cwd=history)) == []
    assert rules(cli("review", "--range", f"{first}..HEAD", "--format", "json", cwd=history)) == expected
    assert rules(cli("review", "--base", "main", "--format", "json", cwd=history)) == expected


def test_root_commit_is_compared_with_the_empty_tree(repo: Path, cli):
    (repo / "mod.py").write_text(UNTOUCHED_STALE)
    commit_all(repo, "root")
    assert rules(cli("review", "--commit", "HEAD", "--format", "json", cwd=repo)) == [("mod.py", "CA101")]


def test_merge_commit_diffs_against_first_parent(history: Path, cli):
    git(history, "checkout", "-q", "-b", "side")
    (history / "pkg" / "side.py").write_text(UNTOUCHED_STALE)
    commit_all(history, "side")
    git(history, "checkout", "-q", "main")
    (history / "pkg" / "main_only.py").write_text("def g():\n    pass\n")
    commit_all(history, "main work")
    git(history, "merge", "-q", "--no-ff", "--no-edit", "side")
    assert rules(cli("review", "--commit", "HEAD", "--format", "json", cwd=history)) == [("pkg/side.py", "CA101")]


def test_rename_with_edit_pairs_units_across_paths(history: Path, cli):
    git(history, "mv", "pkg/mod.py", "pkg/renamed.py")
    (history / "pkg" / "renamed.py").write_text(UNTOUCHED_STALE + "\n\n" + RENAMED)
    git(history, "add", "-A")
    found = rules(cli("review", "--format", "json", cwd=history))
    # `legacy` moved unchanged: its old stale doc is not blamed on the rename.
    assert found == [("pkg/renamed.py", "CA102"), ("pkg/renamed.py", "CA101")]


def test_detached_head(history: Path, cli):
    (history / "pkg" / "mod.py").write_text(UNTOUCHED_STALE + "\n\n" + RENAMED)
    commit_all(history, "rename")
    git(history, "checkout", "-q", "--detach", "HEAD")
    assert len(rules(cli("review", "--commit", "HEAD", "--format", "json", cwd=history))) == 2
    assert rules(cli("review", "--format", "json", cwd=history)) == []


def test_shallow_clone_without_the_base(history: Path, tmp_path: Path, cli):
    git(history, "checkout", "-q", "-b", "feature")
    for number in range(3):
        (history / "pkg" / f"f{number}.py").write_text("x = 1\n")
        commit_all(history, f"feature {number}")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{history}", str(clone))
    done = cli("review", "--base", "origin/main", cwd=clone)
    assert done.returncode == 2
    assert "shallow clone" in done.stderr and "fetch-depth: 0" in done.stderr
    missing = cli("review", "--commit", "HEAD~2", cwd=clone)
    assert missing.returncode == 2 and "shallow clone" in missing.stderr


def test_empty_repository(repo: Path, cli):
    done = cli("review", cwd=repo)
    assert done.returncode == 0 and "No findings" in done.stdout
    (repo / "mod.py").write_text(UNTOUCHED_STALE)
    git(repo, "add", "-A")
    assert rules(cli("review", "--format", "json", cwd=repo)) == [("mod.py", "CA101")]
    unknown = cli("review", "--commit", "HEAD", cwd=repo)
    assert unknown.returncode == 2 and "no commits yet" in unknown.stderr


def test_not_a_repository_and_unknown_ref(tmp_path_factory: pytest.TempPathFactory, history: Path, cli):
    outside = tmp_path_factory.mktemp("plain")
    done = cli("review", cwd=outside)
    assert done.returncode == 2
    assert done.stderr.strip() == f"codeassist: error: not a git repository: .: run inside one or pass --repo DIR"
    bad = cli("review", "--range", "nope..HEAD", cwd=history)
    assert bad.returncode == 2 and "unknown revision: nope" in bad.stderr
    assert cli("review", "--repo", str(history), "--commit", "HEAD", cwd=outside).returncode == 1


def test_binary_and_deleted_files(history: Path, cli):
    (history / "pkg" / "blob.py").write_bytes(b"\x00\x01binary")
    (history / "pkg" / "mod.py").unlink()
    git(history, "add", "-A")
    document = json.loads(cli("review", "--format", "json", cwd=history).stdout)
    assert document["findings"] == []
    assert document["skipped"] == [{"path": "pkg/blob.py", "reason": "binary file"}]


def test_pre_commit_push_refs(history: Path, cli):
    first = git(history, "rev-parse", "HEAD").strip()
    (history / "pkg" / "mod.py").write_text(UNTOUCHED_STALE + "\n\n" + RENAMED)
    last = commit_all(history, "rename")
    env = {"PRE_COMMIT_FROM_REF": first, "PRE_COMMIT_TO_REF": last}
    assert len(rules(cli("review", "--format", "json", cwd=history, env=env))) == 2


def test_max_files_and_max_diff_lines_are_explicit(history: Path, cli):
    for number in range(3):
        (history / "pkg" / f"n{number}.py").write_text(UNTOUCHED_STALE)
    git(history, "add", "-A")
    document = json.loads(cli("review", "--max-files", "2", "--format", "json", cwd=history).stdout)
    assert len(document["findings"]) == 2 and {f["path"] for f in document["findings"]} == {"pkg/n0.py", "pkg/n1.py"}
    assert document["skipped"] == [{"path": "pkg/n2.py", "reason": "over the limit of 2 files (raise --max-files)"}]
    text = cli("review", "--max-diff-lines", "3", cwd=history).stdout
    assert "pkg/n0.py: skipped (diff has 8 changed lines, over 3" in text
    assert "3 skipped" in text


def test_paths_relative_to_root_from_a_subdirectory(history: Path, cli):
    (history / "pkg" / "mod.py").write_text(UNTOUCHED_STALE + "\n\n" + RENAMED)
    git(history, "add", "-A")
    assert {p for p, _ in rules(cli("review", "--format", "json", cwd=history / "pkg"))} == {"pkg/mod.py"}


def test_submodules_are_skipped(history: Path, tmp_path: Path, cli):
    inner = tmp_path / "inner"
    inner.mkdir()
    git(inner, "init", "-q")
    (inner / "x.py").write_text(UNTOUCHED_STALE)
    commit_all(inner, "inner")
    git(history, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "vendor/inner.py")
    document = json.loads(cli("review", "--format", "json", cwd=history).stdout)
    assert document["findings"] == []
    assert {"path": "vendor/inner.py", "reason": "submodule"} in document["skipped"]


def test_corrupt_parse_cache_is_rebuilt_with_a_warning(history: Path, tmp_path: Path, cli):
    cache = tmp_path / "cache"
    (history / "pkg" / "mod.py").write_text(UNTOUCHED_STALE + "\n\n" + RENAMED)
    git(history, "add", "-A")
    env = {"CODEASSIST_CACHE_DIR": str(cache)}
    first = cli("review", "--format", "json", cwd=history, env=env)
    for entry in cache.rglob("*.json.z"):
        entry.write_bytes(b"garbage")
    again = cli("review", "--format", "json", cwd=history, env=env)
    assert "corrupt parse cache entry" in again.stderr
    assert rules(again) == rules(first)
    assert "corrupt" not in cli("review", "--format", "json", cwd=history, env=env).stderr
