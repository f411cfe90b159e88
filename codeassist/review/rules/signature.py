"""CA1xx: documentation that contradicts the signature or the body's structure.

These rules compare what the documentation's sections claim (parameters, return value,
exceptions, yields) with what the parser saw in the code. They avoid pydoclint's known
false-positive classes: abstract/stub bodies are not asked to return or raise anything, and
only exceptions raised by the unit's own body count (a callee's exceptions are invisible).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from codeassist.parsing.docstrings import clean_name
from codeassist.languages import LANGUAGES
from codeassist.review.rules.base import INFO, WARNING, Rule, make_finding
from codeassist.records import CLASS, RECEIVER, TYPE_PARAMETER, VAR_KEYWORD, CodeUnit, Doc, Finding

CA101 = Rule(
    id="CA101",
    name="doc-param-not-in-signature",
    severity=WARNING,
    summary="The documentation describes a parameter that the signature does not have.",
    what="Reports a parameter entry in the documentation (Args, Parameters, :param:, @param, "
    "# Arguments) whose name is not a parameter of the function. Names documented under a "
    "keyword-arguments section, or any name when the function takes `**kwargs`, are exempt "
    "because they may describe keys of `**kwargs`.",
    why="A parameter that was renamed or removed while its documentation stayed behind tells "
    "callers to pass something the function no longer accepts.",
    example='def fetch(url, timeout):\n    """Fetch a page.\n\n    Args:\n        url: The '
    "address.\n        retries: How often to retry.\n    \"\"\"",
    instead='def fetch(url, timeout):\n    """Fetch a page.\n\n    Args:\n        url: The '
    "address.\n        timeout: Seconds to wait.\n    \"\"\"",
)
CA102 = Rule(
    id="CA102",
    name="param-missing-from-doc",
    severity=WARNING,
    summary="A parameter is missing from documentation that documents the other parameters.",
    what="When the documentation has a parameter section, reports each parameter of the "
    "signature that it does not list. `self`, `cls` and receivers are ignored; `*args` and "
    "`**kwargs` match whether written with or without stars.",
    why="A partial parameter list reads as complete: readers assume an unlisted parameter "
    "does not exist or does not matter.",
    example='def scale(value, factor):\n    """Scale a value.\n\n    Args:\n        value: '
    'The input.\n    """',
    instead='def scale(value, factor):\n    """Scale a value.\n\n    Args:\n        value: '
    'The input.\n        factor: The multiplier.\n    """',
)
CA103 = Rule(
    id="CA103",
    name="doc-return-without-value",
    severity=WARNING,
    summary="The documentation describes a return value, but the unit never returns one.",
    what="Reports documentation with a Returns section (Returns:, :returns:, @returns, "
    "# Returns) on a function whose body has no `return <value>`, or whose signature "
    "declares no value (`-> None`, `void`, no Rust return type). Abstract methods and stubs "
    "are exempt.",
    why="Callers will use a result that is always None/undefined.",
    example='def save(record) -> None:\n    """Save a record.\n\n    Returns:\n        The new '
    'id.\n    """\n    db.insert(record)',
    instead='def save(record) -> int:\n    """Save a record.\n\n    Returns:\n        The new '
    'id.\n    """\n    return db.insert(record)',
)
CA104 = Rule(
    id="CA104",
    name="raise-missing-from-doc",
    severity=INFO,
    summary="The unit raises an exception that its Raises section does not list.",
    what="When the documentation has a Raises/@throws section, reports exception types that "
    "the unit's own body raises (`raise X(...)`, `throw new X(...)`) but the section does "
    "not mention. Re-raises, variables and `NotImplementedError` in stubs are ignored.",
    why="A Raises section is read as the full list of what callers must handle.",
    example='def parse(text):\n    """Parse.\n\n    Raises:\n        ValueError: On bad '
    'input.\n    """\n    if not text:\n        raise TypeError("empty")',
    instead='def parse(text):\n    """Parse.\n\n    Raises:\n        ValueError: On bad '
    'input.\n        TypeError: When text is empty.\n    """',
    languages=("python", "javascript", "typescript", "tsx", "java"),
)
CA105 = Rule(
    id="CA105",
    name="doc-yield-without-yield",
    severity=WARNING,
    summary="The documentation has a Yields section, but the unit never yields.",
    what="Reports Yields:/:yields:/@yields documentation on a unit whose body has no "
    "`yield`. Stubs are exempt.",
    why="Callers will iterate over something that is not a generator.",
    example='def rows(path):\n    """Read rows.\n\n    Yields:\n        One row.\n    """\n    '
    "return list(open(path))",
    instead='def rows(path):\n    """Read rows.\n\n    Returns:\n        All rows.\n    """\n    '
    "return list(open(path))",
    languages=("python", "javascript", "typescript", "tsx"),
)

RULES = (CA101, CA102, CA103, CA104, CA105)

# Raised to flag a bug or an unfinished stub, not for callers to handle.
_NOT_FOR_CALLERS = {"NotImplementedError", "AssertionError"}
_JS = ("javascript", "typescript", "tsx")
_NO_VALUE = {"None", "void", "()", "undefined", "never", "Promise<void>", "!", "NoReturn", "Never"}


def check(unit: CodeUnit) -> Iterator[Finding]:
    """Yield the CA1xx findings of one unit.

    Args:
        unit: A parsed unit.

    Yields:
        Findings, unfiltered by selection or suppression.
    """
    doc = unit.doc
    if doc is None or not LANGUAGES[unit.language].param_docs:
        return
    yield from _param_rules(unit, doc)
    if unit.kind == CLASS or unit.is_stub:
        return
    parsed = doc.parsed
    if parsed.returns is not None and not unit.yields and not _returns(unit) and not _js_constructor(unit):
        yield make_finding(
            CA103, unit, doc.file_line(parsed.returns.line),
            f"documentation of `{unit.qualname}` describes a return value, "
            f"but it {_why_no_value(unit)}",
        )
    if parsed.yields is not None and not unit.yields and _applies(CA105, unit):
        yield make_finding(
            CA105, unit, doc.file_line(parsed.yields.line),
            f"documentation of `{unit.qualname}` describes yielded values, but it never yields",
        )
    if parsed.raises and _applies(CA104, unit):  # an unreadable Raises section is not judged
        documented = {item.name.rsplit(".", 1)[-1] for item in parsed.raises}
        for raised in unit.raises:
            short = raised.rsplit(".", 1)[-1]
            if short not in documented and short not in _NOT_FOR_CALLERS:
                yield make_finding(
                    CA104, unit, unit.start_line,
                    f"`{unit.qualname}` raises `{raised}`, which its Raises section omits",
                )


def _js_constructor(unit: CodeUnit) -> bool:
    # `function CanceledError(...) { this.name = ... }` is called with `new`: it returns `this`.
    return unit.language in _JS and unit.name[:1].isupper() and "this." in unit.body


def _applies(rule: Rule, unit: CodeUnit) -> bool:
    return not rule.languages or unit.language in rule.languages


def _returns(unit: CodeUnit) -> bool:
    if unit.returns is not None and unit.returns.strip() in _NO_VALUE:
        return False
    return unit.returns_value


def _why_no_value(unit: CodeUnit) -> str:
    if unit.returns is not None and unit.returns.strip() in _NO_VALUE:
        return f"is declared to return `{unit.returns.strip()}`"
    if unit.language == "rust":
        return "declares no return type"
    return "never returns a value"


def _param_rules(unit: CodeUnit, doc: Doc) -> Iterator[Finding]:
    parsed = doc.parsed
    if parsed.params is None and not parsed.keyword_params:
        return
    params = [p for p in unit.params if p.kind not in (RECEIVER, TYPE_PARAMETER)]
    if unit.kind == CLASS and not params:
        return  # no visible constructor: entries may describe fields we cannot see
    if any(not p.name.isidentifier() for p in params):
        return  # destructured parameters cannot be matched by name
    names = {p.name for p in unit.params}  # documenting `self` is odd, but not stale
    documented = {clean_name(item.name).split(".")[0] for item in (parsed.params or ())}
    documented |= {clean_name(item.name).split(".")[0] for item in parsed.keyword_params}
    # Documented names may be keys of **kwargs, even when **kwargs has an entry of its own
    # (unittest's `msg`); precision over the recall this costs.
    takes_kwargs = any(p.kind == VAR_KEYWORD for p in params)
    # JavaScript functions may read undeclared parameters through `arguments` (lodash, axios).
    takes_kwargs = takes_kwargs or (unit.language in _JS and re.search(r"\barguments\b", unit.body) is not None)
    for item in parsed.params or ():
        name = clean_name(item.name)
        if "." in name or name in names or takes_kwargs:
            continue
        yield make_finding(
            CA101, unit, doc.file_line(item.line),
            f"documentation describes parameter `{name}`, which `{unit.qualname}` does not have",
        )
    if not parsed.params:
        return
    for param in params:
        if param.name not in documented and param.name.strip("_"):
            yield make_finding(
                CA102, unit, unit.start_line,
                f"parameter `{param.name}` of `{unit.qualname}` is missing from its documentation",
            )
