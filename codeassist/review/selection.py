"""Which rules run on which file: select/ignore by prefix, longest prefix wins (like ruff).

A code that is no rule id and no prefix of one is refused: `--select CA999` would otherwise
turn every rule off and pass silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pathspec

from codeassist.errors import CodeassistError


def unknown_codes(codes: Iterable[str]) -> list[str]:
    """Return the codes that are neither a rule id nor a prefix of one, in order.

    Args:
        codes: Rule ids or prefixes, as written by the user.

    Returns:
        The unknown ones, each once.
    """
    from codeassist.review.rules import all_rules

    ids = list(all_rules())
    unknown = [code for code in codes if not any(rule_id.startswith(code) for rule_id in ids)]
    return list(dict.fromkeys(unknown))


def known_prefixes() -> list[str]:
    """Return the rule families' id prefixes, e.g. CA0 and CA1.

    Returns:
        The prefixes in id order.
    """
    from codeassist.review.rules import CHANGE_FAMILIES, FAMILIES

    return sorted([*FAMILIES, *CHANGE_FAMILIES])


class Selection:
    """Decides whether a rule is enabled, globally and for one file."""

    def __init__(
        self,
        select: Sequence[str],
        ignore: Sequence[str] = (),
        per_file_ignores: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """Keep the prefixes and compile the per-file patterns.

        Args:
            select: Enabled rule-id prefixes.
            ignore: Disabled rule-id prefixes.
            per_file_ignores: Gitignore-style pattern → prefixes disabled in matching files.

        Raises:
            CodeassistError: Naming every code that is no rule id or prefix of one.
        """
        written = [*select, *ignore, *(c for codes in (per_file_ignores or {}).values() for c in codes)]
        unknown = unknown_codes(written)
        if unknown:
            raise CodeassistError(
                f"unknown rule code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}",
                f"use a rule id or a prefix of one: {', '.join(known_prefixes())} "
                "(`codeassist rule` lists the rules)",
            )
        self.select = tuple(select)
        self.ignore = tuple(ignore)
        self.per_file = [
            (pathspec.GitIgnoreSpec.from_lines([pattern]), tuple(codes))
            for pattern, codes in (per_file_ignores or {}).items()
        ]

    def enabled(self, rule_id: str, path: str | None = None) -> bool:
        """Tell whether `rule_id` is on, optionally in the file `path`.

        The longest matching prefix decides; on a tie, ignore wins.

        Args:
            rule_id: A rule id.
            path: A repository-relative path, to apply per-file ignores.

        Returns:
            True when the rule should report.
        """
        ignore = list(self.ignore)
        if path is not None:
            for spec, codes in self.per_file:
                if spec.match_file(path):
                    ignore.extend(codes)
        selected = max((len(p) for p in self.select if rule_id.startswith(p)), default=-1)
        ignored = max((len(p) for p in ignore if rule_id.startswith(p)), default=-1)
        return selected > ignored
