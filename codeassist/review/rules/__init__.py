"""The rule families, listed explicitly and keyed by rule-id prefix."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from types import ModuleType

from codeassist.review.rules import commit_message, doc_mentions, doc_drift, llm_review, meta, signature
from codeassist.review.rules.base import Rule
from codeassist.records import CodeUnit, Finding

# Families whose rules look at one unit at a time (`check(unit, units)`); `check` and `review` run them.
FAMILIES: dict[str, ModuleType] = {
    "CA0": meta,
    "CA1": signature,
}

# Families whose rules look at a whole change (`check_change(context)`); only `review` runs them.
CHANGE_FAMILIES: dict[str, ModuleType] = {
    "CA2": doc_drift,
    "CA3": doc_mentions,
    "CA4": commit_message,
    "CA5": llm_review,
}


def all_rules() -> dict[str, Rule]:
    """Return every known rule by id, in id order.

    Returns:
        Rules keyed by id.
    """
    families = [*FAMILIES.values(), *CHANGE_FAMILIES.values()]
    rules = [rule for family in families for rule in family.RULES]
    return {rule.id: rule for rule in sorted(rules, key=lambda r: r.id)}


def unit_checks() -> list[Callable[[CodeUnit, Sequence[CodeUnit]], Iterator[Finding]]]:
    """Return each family's per-unit check function, called with a unit and its file's units.

    Returns:
        The check functions, in family order.
    """
    return [family.check for family in FAMILIES.values()]
