"""CA501: model answers are validated; only well-formed comments on added lines survive, as records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codeassist.changes import gitdiff
from codeassist.heads.llm_review.comments import LineComment, parse_answer, plausible_fix, review_hunks
from codeassist.review.rules.llm_review import comment_finding
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
    from codeassist.changes import gitdiff
    from codeassist.heads.llm_review.comments import review_comments
    (repo / "m.py").write_text("def last(items):\n    return items[len(items) - 1]\n")
    git(repo, "add", "m.py")
    git(repo, "commit", "-qm", "first")
    (repo / "m.py").write_text("def last(items):\n    return items[len(items)]\n")
    git(repo, "add", "m.py")
    changes = gitdiff.staged(gitdiff.open_repo(repo))
    comments = review_comments(changes, device="cpu", max_per_file=1)
    assert len(comments) <= 1
    assert all(isinstance(c, LineComment) and c.line == 2 and c.path == "m.py" for c in comments)


def _staged(repo: Path, before: str, after: str) -> gitdiff.ChangeSet:
    (repo / "m.py").write_text(before)
    git(repo, "add", "m.py")
    git(repo, "commit", "-qm", "first")
    (repo / "m.py").write_text(after)
    git(repo, "add", "m.py")
    return gitdiff.staged(gitdiff.open_repo(repo))


def test_review_hunks_keeps_comments_on_added_lines(repo: Path):
    before = "".join(f"def f{i}(x):\n    return x\n\n\n" for i in range(5))
    after = before.replace("return x", "return x + 1")
    changes = _staged(repo, before, after)
    assert [h.new_start for h in changes.files[0].hunks] == [2, 6, 10, 14, 18]
    views: list[tuple[str, str, set[int]]] = []
    reviews = iter([
        (2, "Adds one where x was meant.", "return x"),
        (3, "Context line, not an added one.", ""),  # off the change: dropped
        None,                                         # nothing wrong
        None,
        (18, "Also adds one here.", ""),
    ])

    def review(path: str, view: str, added: set[int]) -> tuple[int, str, str] | None:
        views.append((path, view, added))
        return next(reviews)

    comments = review_hunks(changes, review, max_per_file=3)
    assert comments == [LineComment("m.py", 2, "Adds one where x was meant.", "return x"),
                        LineComment("m.py", 18, "Also adds one here.", "")]
    findings = [comment_finding(c) for c in comments]  # the rule, not the head, makes findings
    assert [(f.rule, f.path, f.line) for f in findings] == [("CA501", "m.py", 2), ("CA501", "m.py", 18)]
    assert findings[0].message == "Adds one where x was meant. Suggestion: `return x`"
    assert findings[1].message == "Also adds one here."
    path, view, added = views[0]
    assert path == "m.py" and added == {2}
    assert "    2 +     return x + 1" in view and "    1   def f0(x):" in view


def test_review_hunks_caps_comments_and_hunks_per_file(repo: Path):
    before = "".join(f"def f{i}(x):\n    return x\n\n\n" for i in range(5))
    changes = _staged(repo, before, before.replace("return x", "return -x"))
    asked = []

    def review(path: str, view: str, added: set[int]) -> tuple[int, str, str]:
        line = int(re.search(r"(\d+) \+", view).group(1))
        asked.append(line)
        return line, "Negates the value for no reason.", ""

    assert [c.line for c in review_hunks(changes, review, max_per_file=2)] == [2, 6]
    asked.clear()
    assert len(review_hunks(changes, review, max_per_file=9, max_hunks_per_file=3)) == 3 and len(asked) == 3


@pytest.mark.parametrize(("line", "comment", "suggestion", "expected"), [
    ("if not done:", "Condition is negated: remove the `not`.", "if done:", True),
    ("x = f(a, b)", "Arguments swapped.", "x = f(b, a)", True),
    ("while i <= n:", "Off by one: `<=` should be `<`.", "while i < n:", True),
    ("if x is None:", "Wrong operator: `not` should be `not`.", "if not x is not None:", False),  # same token twice
    ("return a + b", "Wrong with the code?", "return a + b", False),  # no change
    ("return a + b", "Wrong with the code?", "the corrected line", False),  # not an edit of the line
    ("return a + b", "Rewrite it.", "return sum(values) / len(values) if values else 0", False),
    ("return a + b", "No fix given.", "", False),
])
def test_plausible_fix(line: str, comment: str, suggestion: str, expected: bool):
    assert plausible_fix(line, comment, suggestion) is expected


def test_review_hunks_skips_views_too_wide_to_read(repo: Path):
    before = "def f(x):\n    return x\n"
    wide = "def f(x):\n    return [" + ", ".join(map(str, range(3000))) + "]\n"
    changes = _staged(repo, before, wide)
    asked = []
    assert review_hunks(changes, lambda *args: asked.append(args)) == [] and asked == []
