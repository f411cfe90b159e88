"""What a diff shows of a change: paths, git-style function contexts, removed and added lines.

CA401 compares a commit message with this summary, built the same way from a mined patch
(`summary_from_files`) as from a ChangeSet under review (`summary_from_changeset`, which
recomputes the function context git prints after `@@`: the nearest line above the hunk that
starts at column 0 — a `def`, `class`, `function` or `func` line for most code).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from codeassist.changes.gitdiff import CONTEXT_LINES, ChangeSet
from codeassist.encoders.lexical import lexical_tokens
from codeassist.languages import language_for_path
MAX_SUMMARY_LINES = 40
_FUNCNAME = re.compile(r"^[A-Za-z_$]")
_DEFINITION = re.compile(r"\b(?:def|class|function|func|fn|struct|interface|enum|impl|type)\s+"
                         r"(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)")


@dataclass(frozen=True)
class DiffSummary:
    """What a diff shows of a change.

    Attributes:
        paths: The changed source files.
        contexts: Each hunk's function context, as git prints it after `@@`.
        removed: Removed lines.
        added: Added lines.
    """

    paths: tuple[str, ...]
    contexts: tuple[str, ...]
    removed: tuple[str, ...]
    added: tuple[str, ...]


def summary_from_files(files: Iterable[dict]) -> DiffSummary:
    """Build a summary from mined diff rows (training/data/mine_commits.py's FileDiff dicts).

    Args:
        files: Dicts with path, contexts, removed, added.

    Returns:
        The summary of the source files among them.
    """
    files = [f for f in files if language_for_path(f["path"]) is not None]
    return DiffSummary(
        tuple(f["path"] for f in files),
        tuple(c for f in files for c in f["contexts"]),
        tuple(line for f in files for line in f["removed"]),
        tuple(line for f in files for line in f["added"]),
    )


def summary_from_changeset(changes: ChangeSet) -> DiffSummary:
    """Build a summary from a ChangeSet, with git's default function context per hunk.

    Args:
        changes: The change.

    Returns:
        The summary of its source files in languages codeassist parses.
    """
    paths: list[str] = []
    contexts: list[str] = []
    removed: list[str] = []
    added: list[str] = []
    for change in changes.files:
        if language_for_path(change.path) is None or change.unreadable:
            continue
        old = (change.old_text or "").splitlines()
        new = (change.new_text or "").splitlines()
        paths.append(change.path)
        last_old = -2 * CONTEXT_LINES - 1  # old-side line where the previous git hunk's changes end
        for hunk in change.hunks:
            first = hunk.old_start if hunk.old_count else hunk.old_start + 1
            if first - last_old - 1 > 2 * CONTEXT_LINES:  # git joins hunks whose contexts touch
                context = _function_context(old, first - CONTEXT_LINES)
                if context:
                    contexts.append(context)
            last_old = first + hunk.old_count - 1
            removed += old[hunk.old_start - 1: hunk.old_start - 1 + hunk.old_count]
            added += new[hunk.new_start - 1: hunk.new_start - 1 + hunk.new_count]
    return DiffSummary(tuple(paths), tuple(contexts), tuple(removed), tuple(added))


def _function_context(lines: list[str], hunk_start: int) -> str:
    """Git's default funcname: the nearest line above the hunk that starts with a letter, _ or $.

    The hunk starts CONTEXT_LINES above its first change, as in the 3-line diffs of training.
    """
    for index in range(min(hunk_start - 1, len(lines)) - 1, -1, -1):
        if _FUNCNAME.match(lines[index]):
            return lines[index].strip()[:80]
    return ""


def summary_text(summary: DiffSummary) -> str:
    """Render a summary for the text encoder: paths, contexts, then changed lines.

    Args:
        summary: The change.

    Returns:
        A short text, at most MAX_SUMMARY_LINES changed lines.
    """
    lines = [line.strip() for line in (*summary.removed, *summary.added) if line.strip()]
    return "\n".join([" ".join(summary.paths), *dict.fromkeys(summary.contexts), *lines[:MAX_SUMMARY_LINES]])


def names_text(summary: DiffSummary) -> str:
    """Render the change's names as words: path parts and function contexts, split into words.

    Args:
        summary: The change.

    Returns:
        Space-separated sub-words.
    """
    return " ".join(dict.fromkeys(lexical_tokens(" ".join((*summary.paths, *summary.contexts)))))


def context_names(summary: DiffSummary) -> list[str]:
    """Return the names of the definitions around the hunks (`def parse(` → `parse`).

    Args:
        summary: The change.

    Returns:
        Names in hunk order, repeats included.
    """
    return [m.group(1) for context in summary.contexts if (m := _DEFINITION.search(context))]


def changed_names(summary: DiffSummary) -> list[str]:
    """Return the names a reader would say the change touched, most direct first.

    Definitions on added or removed lines come before the definitions around the hunks (git's
    context of an insertion is the function above it, not the one inserted).

    Args:
        summary: The change.

    Returns:
        Distinct names.
    """
    defined = [m.group(1) for line in (*summary.added, *summary.removed) if (m := _DEFINITION.search(line))]
    return list(dict.fromkeys(defined + context_names(summary)))
