"""CA1xx: documentation that contradicts the signature or the body's structure.

These rules compare what the documentation's sections claim (parameters, return value,
exceptions, yields) with what the parser saw in the code. They avoid pydoclint's known
false-positive classes: abstract/stub bodies are not asked to return or raise anything, and
only exceptions raised by the unit's own body count (a callee's exceptions are invisible).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from codeassist.parsing.docstrings import clean_name
from codeassist.languages import LANGUAGES
from codeassist.review.rules.base import INFO, WARNING, Rule, make_finding
from codeassist.review.rules.defaults import CA106, check_defaults
from codeassist.review.rules.exceptions import ancestors, short_name
from codeassist.records import (
    CLASS, RECEIVER, TYPE_PARAMETER, VAR_KEYWORD, VAR_POSITIONAL, CodeUnit, Doc, DocItem, Finding, Param,
)

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
    "`**kwargs` match whether written with or without stars, and are not asked for when the "
    "body only passes them on (`super().__init__(*args, **kwargs)`). Python parameters with a "
    "leading underscore are private; a parameter passed on to a parent class of the same file "
    "that documents it, or named in a versionchanged/deprecated note, counts as documented; "
    "properties are not judged; nor is documentation that "
    "sends the reader elsewhere for the rest (\"Refer to `define` for the rest of the "
    "parameters\", \"Same as `Field.load` with additional …\", \"All keyword arguments are "
    "forwarded to …\").",
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
    "are exempt. In Java only `void` methods are reported: the compiler makes every path of "
    "any other method return or throw.",
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
    "not mention. A documented class covers its subclasses (standard hierarchies and classes "
    "of the same file), and a class named in the prose counts as documented. Re-raises, "
    "variables, `NotImplementedError`/`AssertionError`, and in Java `Error`s and "
    "`NullPointerException`/`ConcurrentModificationException` are ignored, as are Javadoc "
    "comments that are `{@inheritDoc}`, exceptions the method's `throws` clause declares, and "
    "private Java methods (no callers outside the class).",
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
    "`yield`. Stubs are exempt, as is a Python function that returns a generator built "
    "elsewhere (`return self._walk(root)`, a generator expression); returning a list, tuple "
    "or other container is reported.",
    why="Callers will iterate over something that is not a generator.",
    example='def rows(path):\n    """Read rows.\n\n    Yields:\n        One row.\n    """\n    '
    "return list(open(path))",
    instead='def rows(path):\n    """Read rows.\n\n    Returns:\n        All rows.\n    """\n    '
    "return list(open(path))",
    languages=("python", "javascript", "typescript", "tsx"),
)

RULES = (CA101, CA102, CA103, CA104, CA105, CA106)

_JS = ("javascript", "typescript", "tsx")
# Raised to flag a bug or an unfinished stub, not for callers to handle. Java's Errors (any
# subclass of `Error`) are not either, and the JDK documents null-argument NPEs once per
# package or class rather than per method.
_NOT_FOR_CALLERS = {
    # Fail-fast ConcurrentModificationException is best effort, "only to detect bugs" (JDK).
    "java": frozenset({"Error", "NullPointerException", "ConcurrentModificationException"}),
    **dict.fromkeys(("python", *_JS), frozenset({"NotImplementedError", "AssertionError"})),
}
# Too broad to cover a subclass: "Exception: If fn raises" says nothing of a ValueError.
_ROOTS = frozenset({"BaseException", "Exception", "Throwable"})
_INHERIT_DOC = "{@inheritDoc}"
_THROWS_CLAUSE = re.compile(r"\)\s*throws\s+([\w.,\s]+?)\s*[{;]")
# `Promise<void>` is not here: the promise itself is a value callers await.
_NO_VALUE = {"None", "void", "()", "undefined", "never", "!", "NoReturn", "Never"}
# Documentation that sends the reader elsewhere for the parameters it does not list.
_DELEGATES = re.compile(
    r"\b(?:(?:refer|see)\b.{0,80}?\b(?:rest|other|remaining|meaning|description)\b.{0,40}?"
    r"\b(?:param(?:eter)?s?|arg(?:ument)?s?)\b"
    r"|same\s+as\s+(?::\w+:)?`?~?[\w.]+`?(?:\(\))?\s*,?\s*(?:with|but|except|plus)\b"
    r"|(?:keyword\s+)?(?:param(?:eter)?s?|arg(?:ument)?s?)\s+(?:are|is)\s+(?:passed|forwarded|handed)"
    r"\s+(?:on(?:wards)?\s+)?to\b"
    r"|(?:passed|forwarded)\s+(?:on\s+)?(?:as\s+is\s+)?to\s+(?:the\s+)?(?:underlying|parent|base|super)\b)",
    re.IGNORECASE | re.DOTALL,
)
# Builders of concrete containers: `return list(...)` under a Yields section is a real mismatch.
_CONTAINERS = frozenset({"list", "tuple", "dict", "set", "frozenset", "sorted", "str", "bytes"})
_RETURNED_CALL = re.compile(r"^\s*return\s+(?:\(|([\w.]+)\()", re.MULTILINE)
_VERSION_NOTE = re.compile(
    r"^[ \t]*\.\.[ \t]+(?:versionchanged|versionadded|deprecated)::.*\n(?:[ \t]*\n)?(?:[ \t]+\S.*(?:\n|$))*",
    re.MULTILINE,
)
_PROPERTIES = frozenset({"property", "cached_property", "setter", "getter", "deleter"})


def check(unit: CodeUnit, units: Sequence[CodeUnit] = ()) -> Iterator[Finding]:
    """Yield the CA1xx findings of one unit.

    Args:
        unit: A parsed unit.
        units: All units of its file; its classes' bases extend the exception hierarchy.

    Yields:
        Findings, unfiltered by selection or suppression.
    """
    doc = unit.doc
    if doc is None or not LANGUAGES[unit.language].param_docs:
        return
    yield from _param_rules(unit, doc, units)
    yield from check_defaults(unit, doc)
    if unit.kind == CLASS or unit.is_stub:
        return
    parsed = doc.parsed
    if parsed.returns is not None and _returns_nothing(unit):
        yield make_finding(
            CA103, unit, doc.file_line(parsed.returns.line),
            f"documentation of `{unit.qualname}` describes a return value, "
            f"but it {_why_no_value(unit)}",
        )
    if parsed.yields is not None and not unit.yields and not _returns_generator(unit) and _applies(CA105, unit):
        yield make_finding(
            CA105, unit, doc.file_line(parsed.yields.line),
            f"documentation of `{unit.qualname}` describes yielded values, but it never yields",
        )
    # An unreadable Raises section is not judged, nor one that Javadoc inherits whole.
    # A private method has no callers outside its class to warn (nor published Javadoc).
    if parsed.raises and _applies(CA104, unit) and _summary(doc) != _INHERIT_DOC and not _java_private(unit):
        for raised in _undocumented(unit, doc, units):
            yield make_finding(
                CA104, unit, unit.start_line,
                f"`{unit.qualname}` raises `{raised}`, which its Raises section omits",
            )


def _undocumented(unit: CodeUnit, doc: Doc, units: Sequence[CodeUnit]) -> Iterator[str]:
    """Yield the raised exceptions that neither the Raises section nor the prose covers."""
    documented = {short_name(item.name) for item in doc.parsed.raises or ()}
    # Prose counts: "The default implementation throws UnsupportedOperationException".
    mentioned = set(re.findall(r"[A-Za-z_]\w*", doc.text))
    # The `throws` clause is part of the signature callers read, and Javadoc copies an
    # overridden method's @throws for it; a checked exception declared there is not hidden.
    if unit.language == "java":
        clause = _THROWS_CLAUSE.search(unit.body)
        documented |= {short_name(n) for n in clause.group(1).split(",")} if clause else set()
    named = documented | mentioned
    # A documented parent covers a subclass, but not a root; an ignored class covers its own.
    covering = (documented - _ROOTS) | _NOT_FOR_CALLERS.get(unit.language, frozenset())
    local: dict[str, tuple[str, ...]] | None = None
    for raised in unit.raises:
        if short_name(raised) in named:
            continue
        if local is None:  # built only when needed: most raises are documented by name
            local = {u.name: u.bases for u in units if u.kind == CLASS and u.bases}
        if not ancestors(raised, unit.language, local) & covering:
            yield raised


def _summary(doc: Doc) -> str:
    """Return the documentation's text before its first Javadoc block tag, stripped."""
    return re.split(r"^\s*@", doc.text, maxsplit=1, flags=re.MULTILINE)[0].strip()


def _returns_nothing(unit: CodeUnit) -> bool:
    if unit.yields or _js_constructor(unit):
        return False
    if unit.language == "java":
        # javac makes every path of a non-void method return or throw: a body that only
        # throws (a default or unsupported implementation) still has the declared type.
        return unit.returns is not None and unit.returns.strip() == "void"
    if unit.language == "rust" and re.search(r"\basync\s+(?:unsafe\s+)?fn\b", unit.body.split("{", 1)[0]):
        return False  # an `async fn` returns a Future, whatever its output type
    return not _returns(unit)


def _returns_generator(unit: CodeUnit) -> bool:
    """Tell whether a Python body returns a call or expression that may well be a generator."""
    if unit.language != "python":
        return False
    for match in _RETURNED_CALL.finditer(unit.body):
        callee = match.group(1)
        if callee is None or callee.rsplit(".", 1)[-1] not in _CONTAINERS:
            return True
    return False


def _forwarded(param: Param, body: str) -> bool:
    """Tell whether a `*args`/`**kwargs`/`...args` parameter is only ever passed on, spread."""
    if param.kind not in (VAR_POSITIONAL, VAR_KEYWORD):
        return False
    name = re.escape(param.name)
    # Every use of the name, `...args` included, but not an attribute `self.args`.
    uses = len(re.findall(rf"(?:(?<=\.\.\.)|(?<![\w.])){name}\b", body))
    starred = len(re.findall(rf"(?:\*{{1,2}}|\.\.\.)\s*{name}\b", body))
    # Setting keys before passing the rest on (`kwargs["dump_only"] = True`) is still passing on.
    filled = len(re.findall(rf"(?<![\w.]){name}(?:\[[^\]]+\]\s*=(?!=)|\.(?:setdefault|update)\()", body))
    return starred > 1 and uses == starred + filled  # the signature is one of the starred uses


def _unpacked_documented(param: Param, body: str, documented: set[str]) -> bool:
    """Tell whether `*args` is unpacked into names the doc documents: `(inst,) = args`."""
    if param.kind != VAR_POSITIONAL:
        return False
    match = re.search(rf"^\s*\(?([\w\s,]+?)\)?\s*=\s*{re.escape(param.name)}\s*$", body, re.MULTILINE)
    return match is not None and any(n.strip() in documented for n in match.group(1).split(","))


def _java_private(unit: CodeUnit) -> bool:
    # The header up to the name: an annotation before it may hold parentheses of its own.
    header = re.split(rf"\b{re.escape(unit.name)}\s*\(", unit.body, maxsplit=1)[0]
    return unit.language == "java" and re.search(r"\bprivate\b", header) is not None


def _parent_documented(unit: CodeUnit, units: Sequence[CodeUnit]) -> set[str]:
    """Return the parameter names the documentation of a class's parents in the file lists.

    For a class, or its `__init__`, whose base class is defined in the same file.
    """
    owner = unit
    if unit.kind != CLASS:
        prefix = unit.qualname.rpartition(".")[0]
        owner = next((u for u in units if u.kind == CLASS and u.qualname == prefix), None)
        if owner is None or unit.name != "__init__":
            return set()
    bases = {short_name(base) for base in owner.bases}
    names: set[str] = set()
    for parent in units:
        if parent.kind == CLASS and parent.name in bases and parent.doc is not None:
            names |= {clean_name(item.name) for item in parent.doc.parsed.params or ()}
            names |= {clean_name(item.name) for item in _init_params_doc(parent, units)}
    return names


def _init_params_doc(parent: CodeUnit, units: Sequence[CodeUnit]) -> list[DocItem]:
    init = next((u for u in units if u.qualname == f"{parent.qualname}.__init__" and u.doc is not None), None)
    return list(init.doc.parsed.params or ()) if init is not None else []


def _version_note_names(text: str) -> set[str]:
    """Return the names in code markup inside `.. versionchanged::`-style notes.

    A parameter kept for compatibility is usually documented only there ("Added `missing`
    parameter", "``default`` is deprecated").
    """
    names: set[str] = set()
    for block in _VERSION_NOTE.finditer(text):
        names |= set(re.findall(r"`{1,2}(\w+)`{1,2}", block.group(0)))
    return names


def _decorated_slot(name: str, body: str) -> bool:
    """Tell whether `name` is the class slot of a decorator usable bare or called.

    `def define(maybe_cls=None, *, ...)` ... `if maybe_cls is None: return wrap` ...
    `return wrap(maybe_cls)`: `@define` fills it, `@define(...)` leaves it None; callers never
    pass it by name, and "A class decorator" documents it.
    """
    bare = re.search(rf"if\s+{re.escape(name)}\s+is\s+None\s*:\s*return\s+(\w+)\s*$", body, re.MULTILINE)
    return bare is not None and re.search(rf"return\s+{bare.group(1)}\(\s*{re.escape(name)}\s*\)", body) is not None


def _passed_to_parent(name: str, body: str) -> bool:
    """Tell whether a parameter goes, unchanged, to the parent's constructor."""
    call = re.search(r"super\(\)\.__init__\((.*?)\)\s*$", body, re.MULTILINE | re.DOTALL)
    if call is None:
        return False
    return re.search(rf"(?<![\w.]){re.escape(name)}\s*=\s*{re.escape(name)}\b|(?<![\w.=])\b{re.escape(name)}\s*[,)]",
                     call.group(1) + ")") is not None


def _is_property(unit: CodeUnit) -> bool:
    # A property's documentation describes the attribute, not a call.
    return unit.language == "python" and any(d.rsplit(".", 1)[-1] in _PROPERTIES for d in unit.decorators)


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


def _param_rules(unit: CodeUnit, doc: Doc, units: Sequence[CodeUnit]) -> Iterator[Finding]:
    parsed = doc.parsed
    if (parsed.params is None and not parsed.keyword_params) or _is_property(unit):
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
    var_keyword = {p.name for p in params if p.kind == VAR_KEYWORD}
    takes_kwargs = bool(var_keyword)
    # JavaScript functions may read undeclared parameters through `arguments` (lodash, axios).
    takes_kwargs = takes_kwargs or (unit.language in _JS and re.search(r"\barguments\b", unit.body) is not None)
    aliases = _ts_doc_names(unit) if unit.language in _JS else {}
    # An overloaded `f(...args)` reads its overloads' parameters out of `args`; a doc may name
    # them as any overload or none does (rxjs `combineLatest`).
    takes_kwargs = takes_kwargs or (bool(unit.overloads) and any(p.kind == VAR_POSITIONAL for p in params))
    for item in parsed.params or ():
        name = clean_name(item.name)
        if "." in name or name in names or name in aliases or takes_kwargs:
            continue
        yield make_finding(
            CA101, unit, doc.file_line(item.line),
            f"documentation describes parameter `{name}`, which `{unit.qualname}` does not have",
        )
    # An overloaded implementation's own parameters (`...args`) are hidden from callers; its
    # doc describes the overloads.
    if not parsed.params or unit.overloads or _DELEGATES.search(doc.text):
        return
    documented |= {aliases[name] for name in documented if name in aliases}
    documented |= _version_note_names(doc.text)
    unmatched = {clean_name(item.name) for item in parsed.params} - names
    # Entries for names the signature lacks, beside a **kwargs, document its keys.
    if var_keyword and unmatched:
        documented |= var_keyword
    # A documented **kwargs that goes to the parent class covers what the parent documents.
    parent_kwargs = bool(var_keyword & documented)
    # `*args` documented while the signature says `*values`: a rename, not a pass-through.
    stale_stars = bool(unmatched & {"args", "kwargs"})
    inherited: set[str] | None = None  # built only when needed: it reads the file's other units
    for param in params:
        if param.name in documented or not param.name.strip("_"):
            continue
        if unit.language == "python" and param.name.startswith("_"):
            continue  # private: an injected default (`_cell_len=cached_len`), not for callers
        if _forwarded(param, unit.body) and not stale_stars:
            continue
        if _unpacked_documented(param, unit.body, documented) or _decorated_slot(param.name, unit.body):
            continue
        if _passed_to_parent(param.name, unit.body):
            if inherited is None:
                inherited = _parent_documented(unit, units)
            # `:param kwargs: The same keyword arguments that Field receives`, or documented by
            # the parent class it goes to (click's `BadParameter(UsageError)`).
            if parent_kwargs or param.name in inherited:
                continue
        yield make_finding(
            CA102, unit, unit.start_line,
            f"parameter `{param.name}` of `{unit.qualname}` is missing from its documentation",
        )


def _ts_doc_names(unit: CodeUnit) -> dict[str, str]:
    """Map the other names a JavaScript/TypeScript doc may give a parameter to its own name.

    TypeScript overload signatures name the parameters that callers see, and a parameter
    property (`private _bufferSize = 1`) is documented by its public name (`bufferSize`).
    """
    found = {p.name: p.name for overload in unit.overloads for p in overload}
    for param in unit.params:
        bare = param.name.lstrip("_")
        modifier = rf"\b(?:public|private|protected|readonly)\s+(?:readonly\s+)?{re.escape(param.name)}\b"
        if bare and bare != param.name and re.search(modifier, unit.body):
            found[bare] = param.name
    return found
