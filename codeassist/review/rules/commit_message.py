"""CA4xx: commit messages that do not describe their change.

CA401 compares a message with the change it is committed with (codeassist/heads/commit_message/: a
head trained on real messages and diffs) and reports a message that describes some other
change. CA402 catches messages that say nothing at all ("wip", "fix", "update"). Messages git
writes itself (merges, reverts, `fixup!`/`squash!`/`amend!`) are never judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from codeassist.changes.gitdiff import ChangeSet
from codeassist.errors import ModelMissing
from codeassist.review.context import ChangeContext
from codeassist.review.rules.base import WARNING, Rule, line_finding
from codeassist.records import Finding

CA401 = Rule(
    id="CA401",
    name="commit-message-mismatch",
    severity=WARNING,
    summary="The commit message describes none of the changed files or units.",
    what="Compares the message's subject and first paragraph with the change it is committed "
    "with: the changed paths, the functions and classes around each hunk, and the changed lines, "
    "by shared words and by the documentation encoder's similarity. A logistic head trained on "
    "real messages and their diffs (Debian's patches) gives the probability that the message "
    "belongs to another change; at or above the shipped threshold (set to flag 3% of the real "
    "messages of the dev packages; 4.9% on the held-out test packages) the message is reported. Changes with no source "
    "file in a language codeassist parses are not judged. Runs in the commit-msg hook and in "
    "`review --commit/--range` for each commit.",
    why="A message that describes another change — a commit made with the wrong message, a "
    "message copied from the previous commit, the wrong files staged — misleads every later "
    "reader of the log and `git blame`.",
    example="Retry uploads on HTTP 503   (committed with a change to the date parser only)",
    instead="Parse ISO week dates in parse_date",
)

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

RULES = (CA401, CA402)

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
    """Yield CA401 and CA402 findings for the commit messages under review.

    Args:
        context: The reviewed change with its messages.

    Yields:
        Findings, one per placeholder message or message that describes another change.

    Raises:
        ModelMissing: After the last message, when CA401 could not run for want of the
            encoder (CA402 still judged every message).
    """
    missing: ModelMissing | None = None
    for sha, message in context.messages:
        first = subject(message)
        if is_generated(first):
            continue
        where = f"commit {sha[:12]}: " if sha else ""
        path = f"{MESSAGE_PATH}@{sha[:12]}" if sha else MESSAGE_PATH
        end = max(len(first), 1) + 1
        if is_placeholder(first):
            what = f"`{first}` is a placeholder" if first else "the message is empty"
            yield line_finding(CA402, path, 1, f"{where}{what}; say what changed and why", end_column=end, identity=sha)
            continue
        if missing is not None or not context.enabled(CA401.id):
            continue
        try:
            mismatch = _mismatch(message, context.commit_changes(sha))
        except ModelMissing as exc:
            missing = ModelMissing(exc.cause, exc.fix, rules=(CA401.id,))
            continue
        if mismatch is not None:
            yield line_finding(CA401, path, 1, where + mismatch, end_column=end, identity=sha)
    if missing is not None:
        raise missing


def is_generated(first: str) -> bool:
    """Tell whether a subject is one git writes itself (merge, revert, fixup/squash/amend).

    Args:
        first: The message's subject.

    Returns:
        True for messages no rule judges.
    """
    return bool(_GENERATED.match(first))


def is_placeholder(first: str) -> bool:
    """Tell whether a subject is empty or only a placeholder word (and maybe a number).

    Args:
        first: The message's subject.

    Returns:
        True for "", "wip", "fix 2", "Update." and the like.
    """
    words = re.sub(r"[^\w\s]", " ", first.lower()).split()
    while words and words[-1].isdigit():
        words.pop()
    return not first or " ".join(words) in _PLACEHOLDERS


def _mismatch(message: str, changes: ChangeSet | None) -> str | None:
    """Explain why a message seems to describe another change, or return None."""
    if changes is None:
        return None
    from codeassist.encoders.text import encode_docs
    from codeassist.heads.commit_message.head import shipped_head
    from codeassist.heads.commit_message.score import mismatch_probability
    from codeassist.heads.commit_message.summary import changed_names, summary_from_changeset

    summary = summary_from_changeset(changes)
    if not summary.paths or not (summary.added or summary.removed):
        return None
    probability = mismatch_probability(message, summary, encode_docs)
    if probability < shipped_head().threshold:
        return None
    names = changed_names(summary)[:3] or list(summary.paths[:3])
    shown = ", ".join(f"`{name}`" for name in names)
    return (f"the message does not seem to describe this change (it changes {shown}; "
            f"mismatch probability {probability:.2f}); describe what this commit changes")
