"""Which rules run on which file: select/ignore by prefix, longest prefix wins (like ruff)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pathspec


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
        """
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
