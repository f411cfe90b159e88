"""CA401 (message describes another change) through the real CLI, with the shipped head."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git

DATES = '''"""Date helpers."""

from datetime import datetime


def parse_date(text):
    """Parse a date written as YYYY-MM-DD."""
    if not text:
        return None
    return datetime.strptime(text, "%Y-%m-%d")


def format_date(value):
    """Format a date as YYYY-MM-DD."""
    return value.strftime("%Y-%m-%d")
'''

WEEK_DATES = DATES.replace(
    '''    return datetime.strptime(text, "%Y-%m-%d")''',
    '''    if "-W" in text:
        return datetime.strptime(text, "%G-W%V-%u")
    return datetime.strptime(text, "%Y-%m-%d")''',
)
MATCHING = "Parse ISO week dates in parse_date\n\nWeek dates such as 2020-W13-4 used to raise ValueError.\n"
UNRELATED = "Retry uploads on HTTP 503 with exponential backoff\n\nThe upload client gave up on the first 503.\n"


def rules_of(done) -> list[str]:
    assert done.returncode in (0, 1), done.stderr
    return [f["rule"] for f in json.loads(done.stdout)["findings"]]


@pytest.fixture
def dates(repo: Path) -> Path:
    (repo / "dates.py").write_text(DATES)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add date helpers")
    (repo / "dates.py").write_text(WEEK_DATES)
    git(repo, "add", "-A")
    return repo


@pytest.mark.parametrize(("message", "expected"), [(MATCHING, []), (UNRELATED, ["CA401"])])
def test_commit_msg_hook_judges_the_staged_change(dates: Path, cli, message, expected):
    (dates / "msg.txt").write_text(message)
    done = cli("commit-msg", "msg.txt", "--format", "json", cwd=dates)
    assert rules_of(done) == expected
    if expected:
        text = json.loads(done.stdout)["findings"][0]["message"]
        assert "`parse_date`" in text and "mismatch probability" in text


def test_each_commit_of_a_range_against_its_own_change(dates: Path, cli):
    git(dates, "commit", "-q", "-m", UNRELATED)
    (dates / "upload.py").write_text('def upload(data, retries=3):\n    """Send data."""\n    return data, retries\n')
    git(dates, "add", "-A")
    git(dates, "commit", "-q", "-m", "Add upload with retries\n\nupload() sends data and retries it.\n")
    found = json.loads(cli("review", "--range", "HEAD~2..HEAD", "--format", "json", "--select", "CA4", cwd=dates).stdout)
    first = git(dates, "rev-parse", "HEAD~1").strip()[:12]
    assert [(f["rule"], f["path"]) for f in found["findings"]] == [("CA401", f"COMMIT_EDITMSG@{first}")]


def test_not_judged_without_source_changes_or_when_ignored(dates: Path, cli):
    git(dates, "commit", "-q", "-m", MATCHING)
    (dates / "notes.txt").write_text("Release notes.\n")
    git(dates, "add", "-A")
    (dates / "msg.txt").write_text(UNRELATED)
    assert rules_of(cli("commit-msg", "msg.txt", "--format", "json", cwd=dates)) == []
    (dates / "dates.py").write_text(DATES)
    git(dates, "add", "-A")
    assert rules_of(cli("commit-msg", "msg.txt", "--format", "json", "--ignore", "CA401", cwd=dates)) == []


def test_generated_messages_are_never_judged(dates: Path, cli):
    (dates / "msg.txt").write_text('Revert "Retry uploads on HTTP 503"\n\nThis reverts commit 1234567.\n')
    assert rules_of(cli("commit-msg", "msg.txt", "--format", "json", cwd=dates)) == []
