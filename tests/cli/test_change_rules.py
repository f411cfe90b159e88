"""CA301 (docs mention changed code) and CA402 (placeholder messages) through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git

CLIENT = '''import argparse


def fetch(url, timeout=10):
    """Fetch a page."""
    return url, timeout


def legacy_get(url):
    """Old entry point."""
    return fetch(url)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true")
    return parser
'''
README = """# client

Fetch a page:

```python
from client import fetch
fetch("https://example.org", timeout=3)
```

The old `legacy_get(url)` still works. Run `client --verbose` to see requests.
Words like timeout in prose are not code.
"""


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def findings(done) -> list[tuple[str, int, str, str]]:
    assert done.returncode in (0, 1), done.stderr
    return [(f["path"], f["line"], f["rule"], f["message"]) for f in json.loads(done.stdout)["findings"]]


@pytest.fixture
def project(repo: Path) -> Path:
    (repo / "client.py").write_text(CLIENT)
    (repo / "README.md").write_text(README)
    commit_all(repo, "Add the client")
    return repo


def test_renamed_parameter_removed_function_and_flag(project: Path, cli):
    changed = (
        CLIENT.replace("def fetch(url, timeout=10):", "def fetch(url, deadline=10):")
        .replace("return url, timeout", "return url, deadline")
        .replace('def legacy_get(url):\n    """Old entry point."""\n    return fetch(url)\n\n\n', "")
        .replace('"--verbose"', '"--debug"')
    )
    (project / "client.py").write_text(changed)
    git(project, "add", "-A")
    found = findings(cli("review", "--format", "json", cwd=project))
    assert [(path, line, rule) for path, line, rule, _ in found] == [
        ("README.md", 7, "CA301"), ("README.md", 10, "CA301"), ("README.md", 10, "CA301"),
    ]
    messages = " ".join(message for *_, message in found)
    assert "it is now `deadline`" in messages and "`legacy_get`" in messages and "`--verbose`" in messages


def test_docs_updated_in_the_same_change_are_quiet(project: Path, cli):
    (project / "client.py").write_text(CLIENT.replace("timeout", "deadline"))
    (project / "README.md").write_text(README.replace("timeout=3", "deadline=3"))
    git(project, "add", "-A")
    assert findings(cli("review", "--format", "json", cwd=project)) == []


def test_suppressed_on_the_doc_line_and_checked_per_commit(project: Path, cli):
    (project / "client.py").write_text(CLIENT.replace("timeout", "deadline"))
    (project / "README.md").write_text(
        README.replace('timeout=3)', 'timeout=3)  # codeassist: ignore[CA301]')
    )
    commit_all(project, "Rename timeout to deadline")
    assert findings(cli("review", "--commit", "HEAD", "--format", "json", cwd=project)) == []


@pytest.mark.parametrize(
    ("message", "flagged"),
    [
        ("wip", True),
        ("Fix.", True),
        ("update 2", True),
        ("", True),
        ("Rename fetch's timeout to deadline", False),
        ("Merge branch 'feature'", False),
        ('Revert "Add the client"', False),
        ("fixup! Add the client", False),
        ("# Please enter the commit message\nFix typo in fetch docstring\n", False),
    ],
)
def test_commit_msg_hook_command(project: Path, cli, message, flagged):
    (project / "msg.txt").write_text(message)
    done = cli("commit-msg", "msg.txt", "--format", "json", cwd=project)
    rules = [rule for _, _, rule, _ in findings(done)]
    assert rules == (["CA402"] if flagged else [])
    assert done.returncode == (1 if flagged else 0)


def test_placeholder_commits_in_a_range(project: Path, cli):
    (project / "other.py").write_text("x = 1\n")
    commit_all(project, "wip")
    found = findings(cli("review", "--range", "HEAD~1..HEAD", "--format", "json", cwd=project))
    assert [(rule, message.split(":")[0]) for _, _, rule, message in found] == [
        ("CA402", f"commit {git(project, 'rev-parse', 'HEAD').strip()[:12]}")
    ]
    quiet = cli("review", "--range", "HEAD~1..HEAD", "--ignore", "CA4", "--format", "json", cwd=project)
    assert findings(quiet) == []
