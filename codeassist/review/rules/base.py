"""The Rule record: identity, default severity and documentation page of one rule."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Rule:
    """One rule: a stable id, a kebab-case name, a default severity and its doc page.

    Attributes:
        id: The stable id, e.g. "CA101".
        name: The kebab-case name, e.g. "doc-param-not-in-signature".
        severity: The default severity: "error", "warning" or "info".
        summary: One sentence: what the rule reports.
        what: "What it does" section of the doc page.
        why: "Why it matters" section.
        example: Code that triggers the rule.
        instead: The same code, fixed.
        languages: Languages the rule applies to; empty means all.
    """

    id: str
    name: str
    severity: str
    summary: str
    what: str
    why: str
    example: str
    instead: str
    languages: tuple[str, ...] = ()

    def page(self) -> str:
        """Return the rule's documentation page as Markdown.

        Returns:
            The page, with the same sections for every rule.
        """
        return (
            f"# {self.id} {self.name}\n\n"
            f"Default severity: {self.severity}\n\n"
            f"## What it does\n{self.what.strip()}\n\n"
            f"## Why it matters\n{self.why.strip()}\n\n"
            f"## Example\n```\n{self.example.strip()}\n```\n\n"
            f"## Use instead\n```\n{self.instead.strip()}\n```\n"
        )
