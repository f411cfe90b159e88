"""Inline suppressions: `# codeassist: ignore[CA101]` and `# noqa: CA101`.

A directive applies to findings on its own line, and to every finding of a unit when it
sits on the unit's declaration line or on the first line of its documentation. The comment
marker is not checked, so `//` and `#` comments both work.

A `# noqa` that names a peer tool's code for the same check (`# noqa: D417`, written for
pydocstyle or ruff) suppresses our rule too, as `PEER_CODES` maps them. Such borrowed codes
are never reported as unused (CA001): they are there for the other tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_IGNORE = re.compile(r"codeassist:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)
_NOQA = re.compile(r"noqa:\s*((?:[A-Z]+\d+(?:[\s,]+|$))+)", re.IGNORECASE)
_CODE = re.compile(r"CA\d+", re.IGNORECASE)
_ANY_CODE = re.compile(r"[A-Z]+\d+", re.IGNORECASE)

# Codes of pydocstyle/ruff (D, DOC), pydoclint (DOC) and darglint (DAR) whose check is one of
# ours, mapped to it. Only exact matches of meaning: pydoclint's "no Returns section" (DOC201)
# is the opposite of CA103 and is not here.
PEER_CODES: dict[str, tuple[str, ...]] = {
    "D417": ("CA102",),            # pydocstyle/ruff: missing argument descriptions
    "DOC101": ("CA102",),          # pydoclint: fewer arguments in the docstring than in the signature
    "DOC102": ("CA101",),          # pydoclint: more arguments in the docstring than in the signature
    "DOC103": ("CA101", "CA102"),  # pydoclint: docstring arguments differ from the signature's
    "DOC202": ("CA103",),          # pydoclint/ruff: a Returns section, but nothing is returned
    "DOC403": ("CA105",),          # pydoclint/ruff: a Yields section, but nothing is yielded
    "DOC501": ("CA104",),          # ruff: a raised exception is missing from the docstring
    "DOC503": ("CA104",),          # pydoclint: the Raises section differs from what the body raises
    "DAR101": ("CA102",),          # darglint: missing parameter
    "DAR102": ("CA101",),          # darglint: excess parameter
    "DAR202": ("CA103",),          # darglint: excess Returns
    "DAR302": ("CA105",),          # darglint: excess Yields
    "DAR401": ("CA104",),          # darglint: missing exception
}


@dataclass
class Directive:
    """One suppression comment.

    Attributes:
        line: Its 1-based line.
        column: The 1-based column where it starts.
        codes: The rule ids or prefixes it names; empty (and nothing borrowed) means every rule.
        used: The codes that suppressed something in this run ("*" for a bare directive).
        borrowed: Our rule ids that peer tools' codes in it stand for (`D417` → CA102).
    """

    line: int
    column: int
    codes: tuple[str, ...]
    used: set[str] = field(default_factory=set)
    borrowed: tuple[str, ...] = ()

    def match(self, rule_id: str) -> str | None:
        """Return the code of this directive that covers `rule_id`, if any.

        Args:
            rule_id: A rule id such as "CA101".

        Returns:
            The matching code, "*" for a bare directive, or None.
        """
        if not self.codes and not self.borrowed:
            return "*"
        return next((code for code in self.codes + self.borrowed if rule_id.startswith(code)), None)


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
        borrowed: list[str] = []
        found = None
        for match in _IGNORE.finditer(line):
            found = found or match
            if match.group(1) is None:
                codes = []
                break
            codes += [code.upper() for code in _CODE.findall(match.group(1))]
        else:
            for match in _NOQA.finditer(line):
                named = [code.upper() for code in _ANY_CODE.findall(match.group(1))]
                mine = [code for code in named if _CODE.fullmatch(code)]
                peers = [rule for code in named for rule in PEER_CODES.get(code, ())]
                if mine or peers:  # `# noqa: E501` alone is not ours
                    found = found or match
                    codes += mine
                    borrowed += peers
        if found:
            column = len(line[: found.start()].encode("utf-8")) + 1
            directives[number] = Directive(number, column, tuple(dict.fromkeys(codes)),
                                           borrowed=tuple(dict.fromkeys(borrowed)))
    return directives
