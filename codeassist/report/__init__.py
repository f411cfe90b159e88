"""Output formats: a registry of small formatter modules keyed by name.

Each module has `render(result, rules) -> str`; the registry imports it only when asked,
so a run pays for the one format it prints.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeassist.review.rules.base import Rule
    from codeassist.records import CheckResult

FORMATS: dict[str, str] = {
    "text": "codeassist.report.text",
    "json": "codeassist.report.jsonfmt",
    "sarif": "codeassist.report.sarif",
    "github": "codeassist.report.github",
    "rdjsonl": "codeassist.report.rdjsonl",
}


def render(format_name: str, result: CheckResult, rules: Mapping[str, Rule]) -> str:
    """Render a run's result in one of the registered formats.

    Args:
        format_name: A key of FORMATS.
        result: The findings and skips of the run.
        rules: Every known rule by id, for the metadata some formats carry.

    Returns:
        The whole report text.
    """
    module = importlib.import_module(FORMATS[format_name])
    return module.render(result, rules)
