"""The GitHub Action: action.yml is well formed, and its script reviews a real pull request.

The script runs as the action runs it, in a clone of a repository with a `main` branch and a
`feature` branch whose change leaves a docstring stale; shallow clones are fetched deeper.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import git
from tests.report.test_formats import sarif_validator

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "ci_review.py"
DOCUMENTED = '''def scale(value, factor):
    """Scale a value.

    Args:
        value: The input.
        factor: The multiplier.
    """
    return value * factor
'''
# The feature branch renames the parameter and leaves the docstring behind.
STALE = DOCUMENTED.replace("value, factor)", "value, ratio)").replace("* factor", "* ratio")
# CA101 (documented parameter not in the signature) is an error here; CA102 stays a warning.
PYPROJECT = '[tool.codeassist]\nseverity = { CA101 = "error" }\n'


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with `main` (three commits) and `feature` (one commit that leaves a docstring stale)."""
    repo = tmp_path_factory.mktemp("upstream")
    git(repo, "init", "-q")
    (repo / "pyproject.toml").write_text(PYPROJECT)
    (repo / "mod.py").write_text(DOCUMENTED)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add scale with its documentation")
    for n in (1, 2):
        (repo / "notes.txt").write_text(f"note {n}\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Write note {n} about scaling")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "mod.py").write_text(STALE)
    git(repo, "commit", "-q", "-am", "Rename the factor parameter of scale to ratio")
    git(repo, "checkout", "-q", "main")
    return repo


def clone(upstream: Path, dest: Path, *depth: str) -> Path:
    """Clone the feature branch as actions/checkout does (optionally shallow)."""
    subprocess.run(["git", "clone", "-q", *depth, "--branch", "feature", upstream.as_uri(), str(dest)],
                   check=True, capture_output=True)
    return dest


def ci_review(cwd: Path, *args: str, outputs: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the action's script in `cwd`, with `$GITHUB_OUTPUT` at `outputs` (or unset)."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_OUTPUT"}
    if outputs is not None:
        env["GITHUB_OUTPUT"] = str(outputs)
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True,
                          text=True, env=env, check=False)


def read_outputs(path: Path) -> dict[str, str]:
    """Parse the `name=value` lines the script appended to `$GITHUB_OUTPUT`."""
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


@pytest.fixture(scope="module")
def work(upstream: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full clone of the feature branch, shared by the tests that do not fetch."""
    return clone(upstream, tmp_path_factory.mktemp("work") / "clone")


def test_sarif_validates_and_fails_the_step(work: Path, tmp_path: Path):
    report, outputs = tmp_path / "codeassist.sarif", tmp_path / "outputs"
    done = ci_review(work, "--base", "origin/main", "--format", "sarif", "--output", str(report),
                     outputs=outputs)
    assert done.returncode == 1, done.stderr
    log = json.loads(report.read_text())
    sarif_validator().validate(log)
    results = log["runs"][0]["results"]
    ca101 = [r for r in results if r["ruleId"] == "CA101"]
    assert ca101 and ca101[0]["level"] == "error"
    assert ca101[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "mod.py"
    assert read_outputs(outputs) == {"report": str(report), "findings": str(len(results)),
                                     "failing": str(len(results))}


def test_github_prints_annotations(work: Path, tmp_path: Path):
    outputs = tmp_path / "outputs"
    done = ci_review(work, "--base", "origin/main", "--format", "github", outputs=outputs)
    assert done.returncode == 1, done.stderr
    assert re.search(r"^::error file=mod\.py,line=6,.*title=CA101 ", done.stdout, re.MULTILINE), done.stdout
    assert re.search(r"^::warning file=mod\.py,.*title=CA102 ", done.stdout, re.MULTILINE), done.stdout
    assert read_outputs(outputs)["report"] == ""
    assert not list(work.glob("codeassist.*"))  # annotations only, no report file


def test_rdjsonl_is_one_diagnostic_per_line(work: Path, tmp_path: Path):
    report = tmp_path / "codeassist.rdjsonl"
    done = ci_review(work, "--base", "origin/main", "--format", "rdjsonl", "--output", str(report))
    assert done.returncode == 1, done.stderr
    diagnostics = [json.loads(line) for line in report.read_text().splitlines()]
    assert {"code": {"value": "CA101"}, "severity": "ERROR"}.items() <= next(
        d for d in diagnostics if d["code"]["value"] == "CA101").items()
    assert all(d["source"]["name"] == "codeassist" for d in diagnostics)


@pytest.mark.parametrize(
    ("fail_level", "extra", "code"),
    [
        ("error", "", 1),                    # CA101 is an error
        ("never", "", 0),
        ("error", "--ignore CA101", 0),      # only warnings left
        ("warning", "--ignore CA101", 1),
        ("error", "--ignore=CA101", 0),      # one token that starts with a dash, as `args: --llm`
    ],
)
def test_fail_level_decides_the_exit_code(work: Path, tmp_path: Path, fail_level: str, extra: str,
                                          code: int):
    report = tmp_path / "codeassist.rdjsonl"
    done = ci_review(work, "--base", "origin/main", "--format", "rdjsonl", "--output", str(report),
                     "--fail-level", fail_level, f"--args={extra}")  # as action.yml passes it
    assert done.returncode == code, done.stderr
    assert report.read_text().strip()  # the findings are reported either way
    assert ("CA101" in report.read_text()) == (extra == "")


def test_no_change_passes_at_every_level(work: Path, tmp_path: Path):
    outputs = tmp_path / "outputs"
    done = ci_review(work, "--base", "HEAD", "--format", "sarif", "--output", str(tmp_path / "r.sarif"),
                     "--fail-level", "info", outputs=outputs)
    assert done.returncode == 0, done.stderr
    assert read_outputs(outputs)["findings"] == "0"


@pytest.mark.parametrize("base", ["origin/main", "sha"])
def test_shallow_clone_is_deepened_to_the_merge_base(upstream: Path, tmp_path: Path, base: str):
    shallow = clone(upstream, tmp_path / "shallow", "--depth", "1")
    if base == "sha":  # what the action passes by default: the pull request's base commit
        base = git(upstream, "rev-parse", "main").strip()
    done = ci_review(shallow, "--base", base, "--format", "sarif", "--output", str(tmp_path / "r.sarif"))
    assert done.returncode == 1, done.stderr
    assert "git fetch --no-tags origin --deepen=" in done.stderr
    assert "CA101" in (tmp_path / "r.sarif").read_text()


def test_shallow_clone_without_fetching_says_how_to_fix_it(upstream: Path, tmp_path: Path):
    shallow = clone(upstream, tmp_path / "shallow", "--depth", "1")
    done = ci_review(shallow, "--base", "origin/main", "--no-fetch")
    assert done.returncode == 2
    assert "not in this shallow clone" in done.stderr and "fetch-depth: 0" in done.stderr
    assert "--unshallow" in done.stderr


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("origin/no-such-branch", "couldn't find remote ref"),
        ("", "no base to compare with"),
    ],
)
def test_a_missing_base_is_an_error(work: Path, base: str, message: str):
    done = ci_review(work, "--base", base)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.count("\n") <= 2, done.stderr


def test_a_codeassist_error_is_an_error(work: Path, tmp_path: Path):
    done = ci_review(work, "--base", "origin/main", "--output", str(tmp_path / "r.sarif"),
                     "--args", "--max-files 0")
    assert done.returncode == 2
    assert "codeassist: error: --max-files" in done.stderr


def action() -> dict:
    """Return action.yml, parsed."""
    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_is_a_composite_action_that_runs_the_tested_script():
    spec = action()
    assert spec["runs"]["using"] == "composite"
    steps = spec["runs"]["steps"]
    assert all("shell" in step for step in steps if "run" in step)
    runs = "\n".join(step.get("run", "") for step in steps)
    assert '"$GITHUB_ACTION_PATH/scripts/ci_review.py"' in runs and SCRIPT.is_file()
    uses = {step["uses"].split("@")[0] for step in steps if "uses" in step}
    assert {"actions/setup-python", "actions/cache", "github/codeql-action/upload-sarif"} <= uses
    assert spec["inputs"]["base"]["default"] == "${{ github.event.pull_request.base.sha }}"


def test_every_input_is_used_by_a_step():
    spec = action()
    steps = yaml.safe_dump(spec["runs"]["steps"])
    unused = [name for name in spec["inputs"] if not re.search(rf"inputs\.{re.escape(name)}(?![\w-])", steps)]
    assert not unused
    for name, output in spec["outputs"].items():
        step_id, value = re.fullmatch(r"\$\{\{ steps\.(\w+)\.outputs\.([\w-]+) \}\}", output["value"]).groups()
        assert any(step.get("id") == step_id for step in spec["runs"]["steps"]), name
        assert value in {"report", "findings", "exit-code"}


def test_script_passes_its_own_review():
    done = subprocess.run([sys.executable, "-m", "codeassist", "check", str(SCRIPT)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
