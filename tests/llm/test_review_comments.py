"""CA501: model answers are validated; only well-formed comments on added lines survive."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codeassist import gitdiff
from codeassist.llm.review_comments import parse_answer, review_hunks
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
    ('{"line": 12, "comment": "builds a set, not a dict", "suggestion": "seen = {}"} trailing words',
     (12, "Builds a set, not a dict.", "seen = {}")),
    ('{"line": true, "comment": "a boolean is not a line"}', None),
    ('{"line": 0}', None),
    ('[12, "a list is not an answer"]', None),
    ('{"line": 12, "comment": ["not", "a", "string"], "suggestion": 5}', None),
    ('{"line": 99999999999999999999, "comment": "far beyond any line"}', None),
    ("{" * 5000, None),
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


def _staged(repo: Path, before: str, after: str) -> gitdiff.ChangeSet:
    (repo / "m.py").write_text(before)
    git(repo, "add", "m.py")
    git(repo, "commit", "-qm", "first")
    (repo / "m.py").write_text(after)
    git(repo, "add", "m.py")
    return gitdiff.staged(gitdiff.open_repo(repo))


def test_review_hunks_keeps_valid_confident_comments_on_added_lines(repo: Path):
    before = "".join(f"def f{i}(x):\n    return x\n\n\n" for i in range(5))
    after = before.replace("return x", "return x + 1")
    changes = _staged(repo, before, after)
    assert [h.new_start for h in changes.files[0].hunks] == [2, 6, 10, 14, 18]
    prompts: list[str] = []
    answers = iter([
        ('{"line": 2, "comment": "adds one where x was meant", "suggestion": "return x"}', -0.3),
        ('{"line": 3, "comment": "context line, not an added one"}', -0.1),   # off the change
        ('{"line": 10, "comment": "a guess the model is unsure of"}', -3.0),  # below the floor
        ('{"line": null}', -0.05),                                             # nothing wrong
        ('{"line": 18, "comment": "also adds one here", "suggestion": "return x"}', -0.2),
    ])

    def answer(prompt: str) -> tuple[str, float]:
        prompts.append(prompt)
        return next(answers)

    findings = review_hunks(changes, answer, max_per_file=3)
    assert [(f.rule, f.path, f.line) for f in findings] == [("CA501", "m.py", 2), ("CA501", "m.py", 18)]
    assert findings[0].message == "Adds one where x was meant. Suggestion: `return x`"
    assert "    2 +     return x + 1" in prompts[0] and "    1   def f0(x):" in prompts[0]


def test_review_hunks_caps_comments_and_hunks_per_file(repo: Path):
    before = "".join(f"def f{i}(x):\n    return x\n\n\n" for i in range(5))
    changes = _staged(repo, before, before.replace("return x", "return -x"))
    asked = []

    def answer(prompt: str) -> tuple[str, float]:
        line = int(re.search(r"(\d+) \+", prompt).group(1))
        asked.append(line)
        return f'{{"line": {line}, "comment": "negates the value for no reason"}}', -0.1

    assert [f.line for f in review_hunks(changes, answer, max_per_file=2)] == [2, 6]
    asked.clear()
    assert len(review_hunks(changes, answer, max_per_file=9, max_hunks_per_file=3)) == 3 and len(asked) == 3
