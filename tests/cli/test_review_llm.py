"""`codeassist review --llm`: CA501 wiring on real repositories; the real model behind `slow`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codeassist.changes import gitdiff
from codeassist.heads.llm_review.comments import LineComment
from codeassist.review.diffreview import review_changeset
from codeassist.review.selection import Selection
from tests.conftest import git

BEFORE = "def last(items):\n    return items[len(items) - 1]\n\n\ndef first(items):\n    return items[0]\n"
AFTER = "def last(items):\n    return items[len(items)]\n\n\ndef first(items):\n    return items[1]  # codeassist: ignore[CA501]\n"


@pytest.fixture
def change(repo: Path) -> Path:
    """A repository whose staged change adds two buggy lines to m.py and touches notes.txt and gen/x.py."""
    (repo / "gen").mkdir()
    for name, text in {"m.py": BEFORE, "notes.txt": "a\n", "gen/x.py": "X = 1\n"}.items():
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    for name, text in {"m.py": AFTER, "notes.txt": "b\n", "gen/x.py": "X = 2\n"}.items():
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    return repo


class Commenter:
    """Stands in for the model: comments on every added line of every file it is given."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, changes: gitdiff.ChangeSet) -> list[LineComment]:
        found = []
        for change in changes.files:
            self.paths.append(change.path)
            found += [LineComment(change.path, line, "Looks off by one.") for line in sorted(change.added_lines)]
        return found


def _review(repo: Path, selection: Selection, commenter: Commenter | None, **kwargs):
    changes = gitdiff.staged(gitdiff.open_repo(repo))
    return review_changeset(changes, selection, read=lambda path: (repo / path).read_text(), comment=commenter,
                            **kwargs)


def test_comments_go_through_selection_suppression_and_exclusion(change: Path):
    commenter = Commenter()
    result = _review(change, Selection(("CA",), ()), commenter, exclude=("gen/",))
    assert commenter.paths == ["m.py"]  # not the excluded file, not a non-source file
    assert [(f.rule, f.path, f.line) for f in result.findings] == [("CA501", "m.py", 2)]
    assert result.suppressed == 1  # line 6 carries `# codeassist: ignore[CA501]`


@pytest.mark.parametrize("selection", [Selection(("CA",), ("CA5",)), Selection(("CA1",), ())])
def test_unselected_ca501_never_asks_the_model(change: Path, selection: Selection):
    commenter = Commenter()
    assert not any(f.rule == "CA501" for f in _review(change, selection, commenter).findings)
    assert commenter.paths == []


def test_without_a_commenter_there_are_no_ca501_findings(change: Path):
    assert not any(f.rule == "CA501" for f in _review(change, Selection(("CA",), ()), None).findings)


def test_missing_model_is_one_line_with_the_fix(cli, change: Path):
    done = cli("review", "--llm", "--model", "./no/model", cwd=change)
    assert done.returncode == 2
    assert "no such model directory" in done.stderr and done.stderr.count("\n") == 1


def test_llm_config_key_is_validated(cli, change: Path):
    (change / "pyproject.toml").write_text('[tool.codeassist]\nllm = "yes"\n')
    done = cli("review", cwd=change)
    assert done.returncode == 2 and "`llm` must be true or false" in done.stderr


def test_llm_config_key_turns_comments_on(cli, change: Path):
    (change / "pyproject.toml").write_text("[tool.codeassist]\nllm = true\n")
    done = cli("review", "--model", "./no/model", cwd=change)  # on, so the model is needed
    assert done.returncode == 2 and "no such model directory" in done.stderr
    assert cli("review", "--model", "./no/model", "--ignore", "CA5", cwd=change).returncode in (0, 1)
    # ...but not in the pre-commit hook, unless the hook's args say --llm.
    assert cli("review", "--model", "./no/model", cwd=change, env={"PRE_COMMIT": "1"}).returncode in (0, 1)
    assert cli("review", "--llm", "--model", "./no/model", cwd=change, env={"PRE_COMMIT": "1"}).returncode == 2


def test_rule_page(cli, tmp_path: Path):
    done = cli("rule", "CA501", cwd=tmp_path)
    assert done.returncode == 0
    assert "# CA501 llm-review-comment" in done.stdout and "## Use instead" in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_review_llm_with_the_real_model(cli, change: Path, fmt: str):
    done = cli("review", "--llm", "--device", "cpu", "--format", fmt, cwd=change, env={"HF_HUB_OFFLINE": "1"})
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    if fmt == "json":
        ca501 = [f for f in report["findings"] if f["rule"] == "CA501"]
        assert all(f["path"] == "m.py" and f["line"] == 2 for f in ca501)  # line 6 is suppressed
    else:
        assert report["runs"][0]["tool"]["driver"]["name"] == "codeassist"
