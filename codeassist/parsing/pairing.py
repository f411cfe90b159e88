"""Pair the old and new versions of the units a change touched, and say what changed."""

from __future__ import annotations

from dataclasses import dataclass

from codeassist.records import CodeUnit


@dataclass(frozen=True)
class UnitPair:
    """One unit before and after a change.

    Attributes:
        old: The unit before (None when added).
        new: The unit after (None when removed).
        signature: Parameters or return annotation differ.
        body: The code differs (documentation aside).
        doc: The documentation differs.
    """

    old: CodeUnit | None
    new: CodeUnit | None
    signature: bool
    body: bool
    doc: bool

    @property
    def changed(self) -> bool:
        """Whether anything about the unit changed (added and removed units count)."""
        return self.old is None or self.new is None or self.signature or self.body or self.doc


def pair_units(old: list[CodeUnit], new: list[CodeUnit], touched: frozenset[int]) -> list[UnitPair]:
    """Pair units by qualified name (in order, for repeated names such as overloads).

    A file rename is handled by the caller parsing the old path's text as `old`.

    Args:
        old: Units of the file before the change.
        new: Units of the file after it.
        touched: New-side lines the change added or modified.

    Returns:
        One UnitPair per unit present on either side, new-side order first.
    """
    remaining: dict[str, list[CodeUnit]] = {}
    for unit in old:
        remaining.setdefault(unit.qualname, []).append(unit)
    changes = []
    for unit in new:
        before = remaining.get(unit.qualname, [])
        previous = before.pop(0) if before else None
        changes.append(_compare(previous, unit, touched))
    changes += [
        UnitPair(unit, None, signature=True, body=True, doc=True)
        for units in remaining.values()
        for unit in units
    ]
    return changes


def _compare(old: CodeUnit | None, new: CodeUnit, touched: frozenset[int]) -> UnitPair:
    if old is None:
        return UnitPair(None, new, signature=True, body=True, doc=True)
    signature = (old.params, old.returns) != (new.params, new.returns)
    doc = (old.doc.text if old.doc else None) != (new.doc.text if new.doc else None)
    body = _code(old) != _code(new)
    if not (signature or doc or body) and _overlaps(new, touched):
        body = True  # whitespace-only edits still touch the unit's lines
    return UnitPair(old, new, signature=signature, body=body, doc=doc)


def _code(unit: CodeUnit) -> str:
    body = unit.body.replace(unit.doc.text, "", 1) if unit.doc else unit.body
    return "".join(body.split())


def _overlaps(unit: CodeUnit, lines: frozenset[int]) -> bool:
    start = min(unit.start_line, unit.doc.start_line if unit.doc else unit.start_line)
    return any(start <= line <= unit.end_line for line in lines)
