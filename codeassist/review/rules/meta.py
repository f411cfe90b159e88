"""CA0xx: findings about codeassist's own directives, produced by the engine."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from codeassist.review.rules.base import WARNING, Rule
from codeassist.records import CodeUnit, Finding

CA001 = Rule(
    id="CA001",
    name="unused-suppression",
    severity=WARNING,
    summary="A suppression comment no longer suppresses anything.",
    what="Reports `# codeassist: ignore[...]` and `# noqa: CA...` comments whose codes "
    "matched no finding in this run. Only codes of rules that ran are judged, so a "
    "suppression for a rule that was not selected is left alone.",
    why="Stale suppressions hide the next real problem on that line and mislead readers "
    "into thinking something there is wrong.",
    example='def area(width, height):  # codeassist: ignore[CA102]\n    """Area.\n\n    Args:\n'
    '        width: Width.\n        height: Height.\n    """',
    instead='def area(width, height):\n    """Area.\n\n    Args:\n        width: Width.\n'
    '        height: Height.\n    """',
)

RULES = (CA001,)


def check(unit: CodeUnit, units: Sequence[CodeUnit] = ()) -> Iterator[Finding]:
    """Yield nothing: unused suppressions are found by the engine after all rules ran.

    Args:
        unit: A parsed unit (unused).
        units: All units of its file (unused).

    Yields:
        Nothing.
    """
    yield from ()
