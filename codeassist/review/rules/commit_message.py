"""CA4xx: commit messages that do not describe their change.

CA402 catches messages that say nothing at all ("wip", "fix", "update"). Messages git writes
itself (merges, reverts, `fixup!`/`squash!`/`amend!`) are never judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from codeassist.review.context import ChangeContext
from codeassist.review.rules.base import WARNING, Rule, line_finding
from codeassist.units import Finding

CA402 = Rule(
    id="CA402",
    name="placeholder-commit-message",
    severity=WARNING,
    summary="The commit message is empty or a placeholder such as `wip` or `fix`.",
    what="Reports a commit message whose subject, ignoring case and punctuation, is empty or "
    "only a placeholder word (wip, fix, update, changes, misc, tmp, test, asdf, …), optionally "
    "followed by a number. Merge, revert, `fixup!`, `squash!` and `amend!` messages are left "
    "alone. Runs in the commit-msg hook and in `review --commit/--range` for each commit.",
    why="The log is the project's memory. `fix` tells the next reader, and `git bisect`, "
    "nothing about what changed or why.",
    example="wip",
    instead="Retry uploads on HTTP 503 with exponential backoff",
)

RULES = (CA402,)

MESSAGE_PATH = "COMMIT_EDITMSG"
_PLACEHOLDERS = frozenset({
    "wip", "fix", "fixes", "fixed", "fixup", "update", "updates", "updated", "change", "changes",
    "changed", "misc", "stuff", "tmp", "temp", "test", "tests", "testing", "asdf", "commit",
    "minor", "save", "work", "foo", "bar", "x", "xx", "xxx", "todo", "done", "edit", "edits",
    "more", "again", "oops", "small fix", "minor fix", "minor changes", "quick fix", "fix bug",
    "bug fix", "bugfix", "some changes", "various", "various fixes", "cleanup", "wip commit",
})
_GENERATED = re.compile(r"^(Merge |Revert \"|fixup! |squash! |amend! )")


def subject(message: str) -> str:
    """Return a commit message's subject: its first line that is not a git comment.

    Args:
        message: The full message, possibly with `#` comment lines from git.

    Returns:
        The subject, stripped.
    """
    for line in message.splitlines():
        if line.startswith("#"):
            continue
        if line.strip():
            return line.strip()
        if line.startswith("# ------------------------ >8 ------------------------"):
            break
    return ""


def check_change(context: ChangeContext) -> Iterator[Finding]:
    """Yield CA402 findings for the commit messages under review.

    Args:
        context: The reviewed change with its messages.

    Yields:
        Findings, one per placeholder message.
    """
    for sha, message in context.messages:
        first = subject(message)
        if _GENERATED.match(first):
            continue
        words = re.sub(r"[^\w\s]", " ", first.lower()).split()
        while words and words[-1].isdigit():
            words.pop()
        if first and " ".join(words) not in _PLACEHOLDERS:
            continue
        where = f"commit {sha[:12]}: " if sha else ""
        what = f"`{first}` is a placeholder" if first else "the message is empty"
        message_text = f"{where}{what}; say what changed and why"
        path = f"{MESSAGE_PATH}@{sha[:12]}" if sha else MESSAGE_PATH
        yield line_finding(CA402, path, 1, message_text, end_column=max(len(first), 1) + 1, identity=sha)
