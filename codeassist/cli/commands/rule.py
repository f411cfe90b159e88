"""`codeassist rule [ID]`: a rule's documentation page, or the list of every rule."""

from __future__ import annotations

from codeassist.errors import EXIT_CLEAN, CodeassistError


def rule(*, rule_id: str | None = None) -> int:
    """Print one rule's documentation page, or list every rule.

    Args:
        rule_id: A rule id such as CA101 (any case), or None to list the rules.

    Returns:
        0.

    Raises:
        CodeassistError: For an unknown rule id.
    """
    from codeassist.review.rules import all_rules
    rules = all_rules()
    if rule_id is None:
        for known in rules.values():
            print(f"{known.id}  {known.name:<30} {known.severity:<8} {known.summary}")
        return EXIT_CLEAN
    found = rules.get(rule_id.upper())
    if found is None:
        raise CodeassistError(f"unknown rule: {rule_id}", "run `codeassist rule` to list the rules")
    print(found.page(), end="")
    return EXIT_CLEAN
