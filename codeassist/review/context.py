"""What change-level rules (CA2xx–CA5xx) see: the whole change, not one unit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codeassist.changes.gitdiff import ChangeSet
from codeassist.parsing.pairing import UnitPair

if TYPE_CHECKING:
    from codeassist.heads.llm_review.comments import LineComment


@dataclass
class ChangeContext:
    """A reviewed change with what the per-file pass learned about it.

    Attributes:
        changes: The ChangeSet.
        units: (path, UnitPair) for every unit on either side of the changed files.
        read: Reads a file as it is after the change (None when unreadable).
        paths: Lists every file after the change.
        messages: (commit sha or "", message) for each commit message under review.
        flagged: (path, qualname) of units that per-unit rules already reported.
        changes_of: The change one commit made (for a commit of a range), or None.
        reviewed: Paths of the files the per-file pass reviewed (not excluded, within limits).
        comment: Writes LLM review comments on a ChangeSet (CA501 makes them findings);
            None when not asked for.
        enabled: Whether a rule id is selected, so a family skips the costly work of a rule
            that is off (its findings would be dropped anyway).
    """

    changes: ChangeSet
    units: list[tuple[str, UnitPair]] = field(default_factory=list)
    read: Callable[[str], str | None] = lambda path: None
    paths: Callable[[], list[str]] = lambda: []
    messages: list[tuple[str, str]] = field(default_factory=list)
    flagged: set[tuple[str, str]] = field(default_factory=set)
    changes_of: Callable[[str], ChangeSet | None] = lambda sha: None
    reviewed: set[str] = field(default_factory=set)
    comment: Callable[[ChangeSet], Iterable[LineComment]] | None = None
    enabled: Callable[[str], bool] = lambda rule_id: True

    def commit_changes(self, sha: str) -> ChangeSet | None:
        """Return the change a message describes: the whole change, or one commit's of a range.

        Args:
            sha: The commit ("" for the commit being made, whose change is the staged one).

        Returns:
            The change, or None when it cannot be told.
        """
        if not sha or self.changes.commits == [sha]:
            return self.changes
        return self.changes_of(sha)
