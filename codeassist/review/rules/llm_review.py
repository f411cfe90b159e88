"""CA5xx: review comments from the local LLM on the lines a change added (opt-in).

The family runs only when the review was asked for them (`codeassist review --llm`, or
`llm = true` under [tool.codeassist]): generation costs seconds per hunk, too slow for every
commit's hook. The CLI hands the commenting function in through the ChangeContext, so this
module never imports torch; without it the family yields nothing. The function returns plain
`LineComment` records (codeassist/heads/llm_review/comments.py); this module makes them
findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from codeassist.languages import language_for_path
from codeassist.records import Finding
from codeassist.review.context import ChangeContext
from codeassist.review.rules.base import INFO, Rule, line_finding

if TYPE_CHECKING:
    from codeassist.heads.llm_review.comments import LineComment

CA501 = Rule(
    id="CA501",
    name="llm-review-comment",
    severity=INFO,
    summary="The local language model thinks an added line has a bug, and says how to fix it.",
    what="With `codeassist review --llm` (or `llm = true` in [tool.codeassist]), each hunk of a "
    "changed Python file is read once by the local LLM (SmolLM2-135M-Instruct); a line head on "
    "its hidden states and token surprisal (codeassist/assets/llm-review-head) gives each added "
    "line the probability that it is a bug. Only a hunk's best line is reported, and only when "
    "it clears the head's threshold; the shipped `review` LoRA adapter then says what is wrong "
    "and suggests the fixed line, and the message ends with the head's score. At most three "
    "comments per file. Trained on one-token bugs injected into real code: wrong comparison or "
    "binary operator, off-by-one, swapped arguments, wrong variable, negated condition, wrong "
    "literal. With `--model`, the model is asked for the line itself instead.",
    why="One-token slips pass the type checker and the tests that were not written yet, and a "
    "second reader on every changed line catches some of them. On held-out packages the head "
    "finds 19 % of injected bugs at precision 0.82 (half the hunks buggy) and comments on 1-7 % "
    "of real hunks, nearly always wrongly; on 145 real Debian bug fixes it found 5 (recall "
    "0.03) at precision 0.42, no better than chance at telling the code before a fix from the "
    "code after it (benchmarks/README.md, CA501 and ca501_fixes.py), so it reports at `info` "
    "and is off unless asked for.",
    example="def last(items):\n    return items[len(items)]",
    instead="def last(items):\n    return items[len(items) - 1]",
    languages=("python",),
)

RULES = (CA501,)


def in_scope(path: str) -> bool:
    """Whether CA501 reviews a file at `path` (one of its languages).

    Args:
        path: A repository-relative path.

    Returns:
        True for the languages the rule was trained on.
    """
    return getattr(language_for_path(path), "name", None) in CA501.languages


def check_change(context: ChangeContext) -> Iterator[Finding]:
    """Yield the LLM's CA501 comments on the reviewed Python files of a change.

    Args:
        context: The reviewed change; `context.comment` is the commenting function, or None
            when LLM comments were not asked for.

    Yields:
        Findings on added lines.
    """
    if context.comment is None:
        return
    files = [c for c in context.changes.files if c.path in context.reviewed and in_scope(c.path)]
    if not files:
        return
    for comment in context.comment(replace(context.changes, files=files)):
        yield comment_finding(comment)


def comment_finding(comment: LineComment) -> Finding:
    """Turn the LLM's comment on an added line into a CA501 finding.

    Args:
        comment: The comment.

    Returns:
        The finding on its line; the message ends with the suggested line, when there is one.
    """
    message = comment.comment + (f" Suggestion: `{comment.suggestion}`" if comment.suggestion else "")
    return line_finding(CA501, comment.path, comment.line, message)
