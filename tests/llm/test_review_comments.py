"""CA501: model answers are validated; only well-formed comments on added lines survive."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeassist.llm.review_comments import parse_answer
from tests.conftest import git


@pytest.mark.parametrize(("answer", "expected"), [
    ('{"line": 12, "comment": "off by one in the bound", "suggestion": "for i in range(n):"}',
     (12, "Off by one in the bound.", "for i in range(n):")),
    ('{"line": 12, "comment": "compares with = instead of ==", "suggestion": null}',
     (12, "Compares with = instead of ==.", "")),
    ('{"line": 13, "comment": "not a changed line at all"}', None),
    ('{"line": null}', None),
    ('{"line": "12", "comment": "line is a string here"}', None),
    ('{"line": 12, "comment": "ok"}', None),
    ('{"line": 12, "comment": ', None),
    ("I think the code is fine.", None),
    ('{"line": 12, "comment": "\\"\\"\\" breaks out ``` of quotes"}', (12, "Breaks out of quotes.", "")),
])
def test_parse_answer(answer: str, expected):
    assert parse_answer(answer, {12}) == expected


@pytest.mark.slow
def test_review_comments_on_a_real_change(repo: Path):
    from codeassist import gitdiff
    from codeassist.llm.review_comments import review_comments

    (repo / "m.py").write_text("def last(items):\n    return items[len(items) - 1]\n")
    git(repo, "add", "m.py")
    git(repo, "commit", "-qm", "first")
    (repo / "m.py").write_text("def last(items):\n    return items[len(items)]\n")
    git(repo, "add", "m.py")
    changes = gitdiff.staged(gitdiff.open_repo(repo))
    findings = review_comments(changes, device="cpu", max_per_file=1)
    assert len(findings) <= 1
    assert all(f.rule == "CA501" and f.line == 2 and f.path == "m.py" for f in findings)
