"""`codeassist check` end to end: the real CLI as a process, asserting exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git

STALE = '''def scale(value, factor):
    """Scale a value.

    Args:
        value: The input.
        ratio: The multiplier.
    """
    return value * factor
'''
FIXED = STALE.replace("ratio: The multiplier.", "factor: The multiplier.")


def test_clean_file_exits_0(repo: Path, cli):
    (repo / "ok.py").write_text(FIXED)
    done = cli("check", "ok.py", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "No findings" in done.stdout


def test_stale_doc_exits_1_with_canonical_lines(repo: Path, cli):
    (repo / "pkg").mkdir()
    (repo / "pkg" / "mod.py").write_text(STALE)
    done = cli("check", ".", cwd=repo)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "pkg/mod.py:1:1: CA102 parameter `factor` of `scale` is missing from its documentation" in lines
    assert "pkg/mod.py:6:9: CA101 documentation describes parameter `ratio`, which `scale` does not have" in lines


def test_paths_are_relative_to_the_repo_root_from_a_subdirectory(repo: Path, cli):
    (repo / "pkg").mkdir()
    (repo / "pkg" / "mod.py").write_text(STALE)
    done = cli("check", "mod.py", "--format", "json", cwd=repo / "pkg")
    paths = {f["path"] for f in json.loads(done.stdout)["findings"]}
    assert paths == {"pkg/mod.py"}


def test_json_shape(repo: Path, cli):
    (repo / "mod.py").write_text(STALE)
    done = cli("check", ".", "--format", "json", cwd=repo)
    document = json.loads(done.stdout)
    assert set(document) >= {"findings", "skipped"}
    finding = document["findings"][0]
    assert set(finding) >= {"rule", "name", "severity", "path", "line", "column", "end_line",
                            "message", "fingerprint"}


@pytest.mark.parametrize("format_name", ["text", "json", "sarif", "github", "rdjsonl"])
def test_every_format_runs(repo: Path, cli, format_name):
    (repo / "mod.py").write_text(STALE)
    done = cli("check", ".", "--format", format_name, cwd=repo)
    assert done.returncode == 1, done.stderr
    assert "CA101" in done.stdout


def test_output_file(repo: Path, cli):
    (repo / "mod.py").write_text(STALE)
    done = cli("check", ".", "--format", "sarif", "--output", "out.sarif", cwd=repo)
    assert done.returncode == 1 and done.stdout == ""
    assert json.loads((repo / "out.sarif").read_text())["version"] == "2.1.0"


def test_select_and_ignore_longest_prefix_wins(repo: Path, cli):
    (repo / "mod.py").write_text(STALE)
    only_101 = cli("check", ".", "--select", "CA1", "--ignore", "CA10", "--format", "json", cwd=repo)
    assert json.loads(only_101.stdout)["findings"] == []
    both = cli("check", ".", "--ignore", "CA10", "--select", "CA101", "--format", "json", cwd=repo)
    assert [f["rule"] for f in json.loads(both.stdout)["findings"]] == ["CA101"]


def test_pyproject_config_per_file_ignores_severity_and_format(repo: Path, cli):
    (repo / "mod.py").write_text(STALE)
    (repo / "legacy").mkdir()
    (repo / "legacy" / "old.py").write_text(STALE)
    (repo / "pyproject.toml").write_text(
        '[tool.codeassist]\nformat = "json"\nper-file-ignores = { "legacy/**" = ["CA1"] }\n'
        'severity = { CA101 = "error" }\nunknown-key = 1\n'
    )
    done = cli("check", ".", cwd=repo)
    findings = json.loads(done.stdout)["findings"]
    assert {f["path"] for f in findings} == {"mod.py"}
    assert {f["severity"] for f in findings if f["rule"] == "CA101"} == {"error"}
    assert "unknown key `unknown-key`" in done.stderr


def test_bad_config_reports_every_problem_at_once(repo: Path, cli):
    (repo / "mod.py").write_text(FIXED)
    (repo / "pyproject.toml").write_text('[tool.codeassist]\nformat = "xml"\nselect = [1]\n')
    done = cli("check", ".", cwd=repo)
    assert done.returncode == 2
    assert "`format`" in done.stderr and "`select`" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_gitignore_and_exclude_apply_even_to_named_files(repo: Path, cli):
    (repo / ".gitignore").write_text("generated/\n")
    (repo / "generated").mkdir()
    (repo / "generated" / "g.py").write_text(STALE)
    (repo / "vendored.py").write_text(STALE)
    (repo / "pyproject.toml").write_text('[tool.codeassist]\nexclude = ["vendored.py"]\n')
    done = cli("check", "generated/g.py", "vendored.py", ".", "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["skipped"] == [{"path": "generated/g.py", "reason": "ignored by git (.gitignore)"}]


def test_a_package_named_venv_is_checked_but_a_virtualenv_is_not(repo: Path, cli):
    (repo / "venv").mkdir()
    (repo / "venv" / "__init__.py").write_text(STALE)
    (repo / "env").mkdir()
    (repo / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (repo / "env" / "lib.py").write_text(STALE)
    done = cli("check", ".", "--format", "json", cwd=repo)
    assert {f["path"] for f in json.loads(done.stdout)["findings"]} == {"venv/__init__.py"}


def test_suppression_and_unused_suppression(repo: Path, cli):
    suppressed = STALE.replace("def scale(value, factor):", "def scale(value, factor):  # codeassist: ignore[CA10]")
    (repo / "mod.py").write_text(suppressed)
    (repo / "other.py").write_text(FIXED.replace("factor):", "factor):  # noqa: CA102"))
    done = cli("check", ".", "--format", "json", cwd=repo)
    findings = json.loads(done.stdout)["findings"]
    assert [(f["path"], f["rule"]) for f in findings] == [("other.py", "CA001")]
    assert done.returncode == 1


def test_baseline_survives_moved_lines(repo: Path, cli):
    (repo / "mod.py").write_text(STALE)
    generated = cli("check", ".", "--generate-baseline", "baseline.json", cwd=repo)
    assert generated.returncode == 0
    (repo / "mod.py").write_text("import os\n\n\n" + STALE)
    assert cli("check", ".", "--baseline", "baseline.json", cwd=repo).returncode == 0
    (repo / "new.py").write_text(STALE.replace("scale", "grow"))
    done = cli("check", ".", "--baseline", "baseline.json", "--format", "json", cwd=repo)
    assert done.returncode == 1
    assert {f["path"] for f in json.loads(done.stdout)["findings"]} == {"new.py"}


def test_bad_baseline_is_a_clear_error(repo: Path, cli):
    (repo / "mod.py").write_text(STALE)
    (repo / "baseline.json").write_text("not json")
    done = cli("check", ".", "--baseline", "baseline.json", cwd=repo)
    assert done.returncode == 2
    assert "not a codeassist baseline" in done.stderr and "--generate-baseline" in done.stderr


class TestBadInput:
    def test_binary_file_with_source_suffix(self, repo: Path, cli):
        (repo / "blob.py").write_bytes(b"\x00\x01\x02def f(): pass\n")
        (repo / "mod.py").write_text(STALE)
        done = cli("check", ".", "--format", "json", cwd=repo)
        document = json.loads(done.stdout)
        assert {"path": "blob.py", "reason": "binary file"} in document["skipped"]
        assert document["findings"]  # the other file was still checked

    def test_invalid_utf8(self, repo: Path, cli):
        (repo / "latin.py").write_bytes(b"# caf\xe9\ndef f(a):\n    return a\n")
        done = cli("check", ".", "--format", "json", cwd=repo)
        assert done.returncode == 0
        [skip] = json.loads(done.stdout)["skipped"]
        assert skip["path"] == "latin.py" and "UTF-8" in skip["reason"]

    def test_syntax_error_keeps_the_rest(self, repo: Path, cli):
        (repo / "mod.py").write_text("def broken(:\n    pass\n\n" + STALE)
        done = cli("check", ".", "--format", "json", cwd=repo)
        document = json.loads(done.stdout)
        assert done.returncode == 1
        assert {f["rule"] for f in document["findings"]} == {"CA101", "CA102"}
        assert any("syntax error" in s["reason"] for s in document["skipped"])

    def test_huge_file_is_skipped(self, repo: Path, cli):
        line = "x = 1  # padding padding padding padding padding padding padding padding\n"
        (repo / "huge.py").write_text(line * (10_000_000 // len(line) + 1))
        done = cli("check", ".", cwd=repo)
        assert done.returncode == 0
        assert "huge.py: skipped (larger than 1000000 bytes" in done.stdout

    def test_missing_path_exits_2(self, repo: Path, cli):
        done = cli("check", "nope.py", cwd=repo)
        assert done.returncode == 2
        assert done.stderr.startswith("codeassist: error: no such file or directory: nope.py")
        assert "Traceback" not in done.stderr

    def test_nothing_to_check_exits_0(self, repo: Path, cli):
        (repo / "notes.txt").write_text("hello\n")
        done = cli("check", ".", cwd=repo)
        assert done.returncode == 0
        assert "No findings; 0 files checked." in done.stdout

    def test_outside_a_git_repository(self, tmp_path: Path, cli):
        (tmp_path / "mod.py").write_text(STALE)
        done = cli("check", ".", cwd=tmp_path)
        assert done.returncode == 1 and "mod.py:6:9: CA101" in done.stdout


def test_git_repo_with_nested_gitignore(repo: Path, cli):
    (repo / "sub").mkdir()
    (repo / "sub" / ".gitignore").write_text("skip_me.py\n")
    (repo / "sub" / "skip_me.py").write_text(STALE)
    git(repo, "add", "-A")
    assert cli("check", ".", cwd=repo).returncode == 0
