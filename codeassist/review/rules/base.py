"""The Rule record: identity, default severity and documentation page of one rule."""

from __future__ import annotations

from dataclasses import dataclass

from codeassist.records import CodeUnit, Finding

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


def fingerprint(rule_id: str, path: str, symbol: str, message: str) -> str:
    """Return a finding's identity across runs: no line numbers, so moved code keeps it.

    Args:
        rule_id: The rule's id.
        path: The file, relative to the repository root.
        symbol: The qualified name of the unit the finding is about.
        message: The finding's message.

    Returns:
        32 hex digits.
    """
    import hashlib

    key = "\0".join((rule_id, path, symbol, message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def line_finding(
    rule: Rule, path: str, line: int, message: str, *, end_column: int = 1, identity: str = ""
) -> Finding:
    """Build a finding of `rule` anchored to a line rather than to a code unit.

    Args:
        rule: The rule that fired.
        path: The file (or message pseudo-path) it is about.
        line: The 1-based line.
        message: What is wrong.
        end_column: Where the highlighted range ends.
        identity: Extra fingerprint input (a commit sha); never the line, so baselines
            survive code moving.

    Returns:
        The finding, with its fingerprint.
    """
    return Finding(
        rule=rule.id, name=rule.name, severity=rule.severity, path=path, line=line, column=1,
        end_line=line, end_column=end_column, message=message,
        fingerprint=fingerprint(rule.id, path, identity, message),
    )


def make_finding(rule: Rule, unit: CodeUnit, line: int, message: str) -> Finding:
    """Build a finding of `rule` about `unit`, located on `line`.

    Args:
        rule: The rule that fired.
        unit: The unit it is about.
        line: The 1-based line to report on.
        message: What is wrong, naming the symbol.

    Returns:
        The finding, with its fingerprint.
    """
    column = unit.start_col if line == unit.start_line else 1
    if unit.doc is not None and line == unit.doc.start_line:
        column = unit.doc.start_col
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=rule.severity,
        path=unit.path,
        line=line,
        column=column,
        end_line=line,
        end_column=column,
        message=message,
        symbol=unit.qualname,
        fingerprint=fingerprint(rule.id, unit.path, unit.qualname, message),
    )
