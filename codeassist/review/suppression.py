"""Inline suppressions: `# codeassist: ignore[CA101]` and `# noqa: CA101`.

A directive applies to findings on its own line, and to every finding of a unit when it
sits on the unit's declaration line or on the first line of its documentation. The comment
marker is not checked, so `//` and `#` comments both work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_IGNORE = re.compile(r"codeassist:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)
_NOQA = re.compile(r"noqa:\s*((?:CA\d+(?:[\s,]+|$))+)", re.IGNORECASE)
_CODE = re.compile(r"CA\d+", re.IGNORECASE)


@dataclass
class Directive:
    """One suppression comment.

    Attributes:
        line: Its 1-based line.
        column: The 1-based column where it starts.
        codes: The rule ids or prefixes it names; empty means every rule.
        used: The codes that suppressed something in this run ("*" for a bare directive).
    """

    line: int
    column: int
    codes: tuple[str, ...]
    used: set[str] = field(default_factory=set)

    def match(self, rule_id: str) -> str | None:
        """Return the code of this directive that covers `rule_id`, if any.

        Args:
            rule_id: A rule id such as "CA101".

        Returns:
            The matching code, "*" for a bare directive, or None.
        """
        if not self.codes:
            return "*"
        return next((code for code in self.codes if rule_id.startswith(code)), None)


def scan(text: str) -> dict[int, Directive]:
    """Find text that looks like a suppression directive, line by line.

    The caller keeps only those inside comments or on a docstring's first line, so an
    example in a string literal does not count.

    Args:
        text: The file content.

    Returns:
        Directives keyed by their 1-based line.
    """
    directives: dict[int, Directive] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "codeassist" not in line and "noqa" not in line.lower():
            continue
        codes: list[str] = []
        found = None
        for match in _IGNORE.finditer(line):
            found = found or match
            if match.group(1) is None:
                codes = []
                break
            codes += [code.upper() for code in _CODE.findall(match.group(1))]
        else:
            for match in _NOQA.finditer(line):
                found = found or match
                codes += [code.upper() for code in _CODE.findall(match.group(1))]
        if found:
            column = len(line[: found.start()].encode("utf-8")) + 1
            directives[number] = Directive(number, column, tuple(dict.fromkeys(codes)))
    return directives
