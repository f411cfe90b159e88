"""The rule families, listed explicitly and keyed by rule-id prefix."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType

from codeassist.review.rules import meta, signature
from codeassist.review.rules.base import Rule
from codeassist.units import CodeUnit, Finding

# Families whose rules need only the parse tree; the static `check` path runs these.
FAMILIES: dict[str, ModuleType] = {
    "CA0": meta,
    "CA1": signature,
}


def all_rules() -> dict[str, Rule]:
    """Return every known rule by id, in id order.

    Returns:
        Rules keyed by id.
    """
    rules = [rule for family in FAMILIES.values() for rule in family.RULES]
    return {rule.id: rule for rule in sorted(rules, key=lambda r: r.id)}


def unit_checks() -> list[Callable[[CodeUnit], Iterator[Finding]]]:
    """Return each family's per-unit check function.

    Returns:
        The check functions, in family order.
    """
    return [family.check for family in FAMILIES.values()]
