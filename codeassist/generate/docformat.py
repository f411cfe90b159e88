"""Docstrings whose structure comes from the code and whose prose comes from the model.

The sections (Args/Returns/Yields/Raises) and the parameter names are taken from the unit's
parsed facts, never from the model, so a generated docstring cannot contradict the
signature (CA101–CA103). The model only writes the summary and one short description per
entry; that text is data: it is sanitised, capped and replaced by a plain fallback when it
is empty or unusable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codeassist.errors import CodeassistError
from codeassist.llm.answers import sanitize
from codeassist.records import CLASS, RECEIVER, TYPE_PARAMETER, VAR_KEYWORD, VAR_POSITIONAL, CodeUnit

STYLES = ("google", "numpy", "sphinx")
SUMMARY_CHARS = 160
ENTRY_CHARS = 100
MAX_DESCRIBED = 8  # entries beyond this get the fallback text: each one costs a generation
_NO_VALUE = {"None", "NoReturn", "Never"}


@dataclass(frozen=True)
class Entry:
    """One documented item: a parameter, an exception, or the return/yield value.

    Attributes:
        name: The parameter name as written in the docstring (`*args`), the exception, or "".
        type: The annotation, if any.
    """

    name: str
    type: str | None = None


@dataclass(frozen=True)
class Facts:
    """What the docstring must document, read from the parsed unit.

    Attributes:
        params: Parameters to list (receivers and `_` placeholders left out).
        returns: The return entry, when the unit returns a value.
        yields: The yield entry, when the unit is a generator.
        raises: Exceptions the body raises.
    """

    params: tuple[Entry, ...] = ()
    returns: Entry | None = None
    yields: Entry | None = None
    raises: tuple[Entry, ...] = ()


@dataclass
class Prose:
    """The model's text for each part; missing parts fall back to plain phrases."""

    summary: str = ""
    params: dict[str, str] = field(default_factory=dict)
    returns: str = ""
    yields: str = ""
    raises: dict[str, str] = field(default_factory=dict)


def facts_of(unit: CodeUnit) -> Facts:
    """Read the documentable facts of a unit.

    Args:
        unit: A parsed unit.

    Returns:
        The entries its docstring must have.
    """
    params = []
    for param in unit.params:
        if param.kind in (RECEIVER, TYPE_PARAMETER) or not param.name.strip("_"):
            continue
        stars = "*" if param.kind == VAR_POSITIONAL else "**" if param.kind == VAR_KEYWORD else ""
        params.append(Entry(stars + param.name, param.annotation))
    if unit.kind == CLASS:
        return Facts(params=tuple(params))
    annotation = unit.returns.strip() if unit.returns else None
    declared_none = annotation in _NO_VALUE
    returns = None
    yields = None
    if unit.yields:
        yields = Entry("", None)
    elif not declared_none and (unit.returns_value or (unit.is_stub and annotation)):
        returns = Entry("", annotation)
    raises = tuple(Entry(name) for name in unit.raises)
    return Facts(params=tuple(params), returns=returns, yields=yields, raises=raises)


def _fallback_summary(unit: CodeUnit) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", unit.name).replace("_", " ").strip().lower()
    return f"{'Represent' if unit.kind == CLASS else 'Run'} {words or unit.name}."


def _plain(name: str) -> str:
    return "The " + (name.lstrip("*").replace("_", " ").strip() or "value") + "."


def render(facts: Facts, prose: Prose, style: str, *, unit: CodeUnit) -> str:
    """Write the docstring text (without quotes or indentation) in a style.

    Args:
        facts: The structure, from the code.
        prose: The model's text; empty parts get a fallback.
        style: "google", "numpy" or "sphinx".
        unit: The unit, for the fallback summary.

    Returns:
        The docstring's lines joined by newlines.

    Raises:
        CodeassistError: For an unknown style.
    """
    if style not in STYLES:
        raise CodeassistError(f"unknown docstring style: {style}", f"pass one of {', '.join(STYLES)} or auto")
    summary = sanitize(prose.summary, SUMMARY_CHARS, sentence=True) or _fallback_summary(unit)
    params = [(e, sanitize(prose.params.get(e.name, ""), ENTRY_CHARS) or _plain(e.name)) for e in facts.params]
    raises = [(e, sanitize(prose.raises.get(e.name, ""), ENTRY_CHARS) or "If the input is invalid.")
              for e in facts.raises]
    result = [(facts.returns, sanitize(prose.returns, ENTRY_CHARS) or "The result.")] if facts.returns else []
    yielded = [(facts.yields, sanitize(prose.yields, ENTRY_CHARS) or "The next item.")] if facts.yields else []
    lines = [summary]
    if style == "google":
        for title, items in (("Args", params), ("Returns", result), ("Yields", yielded), ("Raises", raises)):
            if items:
                lines += ["", f"{title}:"]
                lines += [f"    {e.name}: {text}" if e.name else f"    {text}" for e, text in items]
    elif style == "numpy":
        for title, items in (("Parameters", params), ("Returns", result), ("Yields", yielded), ("Raises", raises)):
            if items:
                lines += ["", title, "-" * len(title)]
                for e, text in items:
                    head = f"{e.name} : {e.type}" if e.name and e.type else e.name or e.type
                    lines += [head, f"    {text}"] if head else [text]
    else:
        lines.append("")
        lines += [f":param {e.name.lstrip('*')}: {text}" for e, text in params]
        lines += [f":returns: {text}" for _, text in result]
        lines += [f":yields: {text}" for _, text in yielded]
        lines += [f":raises {e.name}: {text}" for e, text in raises]
        if lines[-1] == "":
            lines.pop()
    return "\n".join(lines)
