"""The collector the docstring conventions fill while they walk a docstring's sections."""

from __future__ import annotations

import re

from codeassist.parsing.docstyles.common import summary_of
from codeassist.records import DocItem, ParsedDoc

_NONE = re.compile(r"^(?:always\s+)?`*None`*\.?$", re.IGNORECASE)


def _is_none(text: str | None) -> bool:
    # "Returns: None." documents that nothing is returned.
    return bool(_NONE.match((text or "").strip()))


class Sections:
    """Collects entries while a parser walks the sections."""

    def __init__(self) -> None:
        self.params: list[DocItem] | None = None
        self.keyword: list[DocItem] = []
        self.returns: DocItem | None = None
        self.yields: DocItem | None = None
        self.raises: list[DocItem] | None = None

    def add(self, section: str, item: DocItem) -> None:
        """Record one entry; a second Returns or Yields entry, or one saying None, is ignored.

        Args:
            section: "params", "keyword", "returns", "yields" or "raises".
            item: The entry.
        """
        if section == "params":
            self.params = (self.params or []) + [item]
        elif section == "keyword":
            self.keyword.append(item)
        elif section == "raises":
            self.raises = (self.raises or []) + [item]
        elif section == "returns" and self.returns is None and not _is_none(item.type or item.description):
            self.returns = item
        elif section == "yields" and self.yields is None and not _is_none(item.type or item.description):
            self.yields = item

    def open(self, section: str) -> None:
        """Note that a section is present, so an empty one still documents "none".

        Args:
            section: The section's kind.
        """
        if section == "params" and self.params is None:
            self.params = []
        elif section == "raises" and self.raises is None:
            self.raises = []

    def result(self, style: str, text: str) -> ParsedDoc:
        """Return the collected sections.

        Args:
            style: The convention's name.
            text: The docstring, for its summary.

        Returns:
            The parsed documentation.
        """
        return ParsedDoc(
            style=style,
            summary=summary_of(text),
            params=tuple(self.params) if self.params is not None else None,
            keyword_params=tuple(self.keyword),
            returns=self.returns,
            yields=self.yields,
            raises=tuple(self.raises) if self.raises is not None else None,
        )
