"""The records every stage shares: code units, their documentation, findings and skips.

Lines are 1-based and columns 1-based everywhere outside the parsers, as editors, SARIF and
reviewdog count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FUNCTION = "function"
METHOD = "method"
CLASS = "class"
UNIT_KINDS = (FUNCTION, METHOD, CLASS)

# Parameter kinds. A receiver is `self`/`cls` in Python, `self` in Rust, a Go receiver.
POSITIONAL = "positional"
KEYWORD_ONLY = "keyword_only"
VAR_POSITIONAL = "var_positional"
VAR_KEYWORD = "var_keyword"
RECEIVER = "receiver"
TYPE_PARAMETER = "type_parameter"


@dataclass(frozen=True)
class Param:
    """One parameter of a signature.

    Attributes:
        name: The bare name, without `*`, `**`, `...` or `&`.
        annotation: The type as written, if any.
        default: The default value as written, if any.
        kind: One of the parameter kinds above.
    """

    name: str
    annotation: str | None = None
    default: str | None = None
    kind: str = POSITIONAL


@dataclass(frozen=True)
class DocItem:
    """One entry of a documentation section (a parameter, the return value, an exception).

    Attributes:
        name: The documented name: a parameter, an exception type, or "" for returns/yields.
        type: The type written in the documentation, if any.
        description: The entry's text.
        line: The 0-based line of the entry inside the documentation text.
        default: A default the documentation's syntax states (JSDoc's `[name=5]`), if any.
    """

    name: str
    type: str | None = None
    description: str = ""
    line: int = 0
    default: str | None = None


@dataclass(frozen=True)
class ParsedDoc:
    """The structured sections found in one piece of documentation.

    `params` is None when the documentation has no parameter section at all, and an empty
    tuple when it has one that lists nothing; rules treat the two differently.
    `keyword_params` holds entries of keyword-argument sections (Google "Keyword Args",
    NumPy "Other Parameters", Sphinx `:key:`), which may name keys of `**kwargs`.
    """

    style: str
    summary: str
    params: tuple[DocItem, ...] | None = None
    keyword_params: tuple[DocItem, ...] = ()
    returns: DocItem | None = None
    yields: DocItem | None = None
    raises: tuple[DocItem, ...] | None = None


@dataclass(frozen=True)
class Doc:
    """Documentation attached to a unit, with the comment or string syntax removed.

    `text` keeps the line structure of the source: its line 0 is `start_line` in the file.
    """

    text: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    parsed: ParsedDoc

    def file_line(self, doc_line: int) -> int:
        """Return the file line of a 0-based line of `text`.

        Args:
            doc_line: A 0-based line index into `text`.

        Returns:
            The 1-based line in the file.
        """
        return self.start_line + doc_line


@dataclass(frozen=True)
class CodeUnit:
    """A function, method or class found by the parser.

    Attributes:
        path: The file, relative to the repository root, `/`-separated.
        language: The language registry name.
        name: The unit's own name.
        qualname: The dotted (or `::` for Rust) name through enclosing classes and functions.
        kind: "function", "method" or "class".
        start_line: 1-based line of the declaration (after decorators/annotations).
        start_col: 1-based column of the declaration.
        end_line: 1-based last line.
        end_col: 1-based column just past the end.
        params: The parameters; for a class, those of its constructor where one is visible.
        returns: The return annotation as written, if any.
        returns_value: Whether the body returns a value (nested functions excluded).
        yields: Whether the body yields.
        raises: Exception names raised directly by the body, in order, without duplicates.
        doc: The attached documentation, if any.
        body: The unit's source text.
        is_stub: The body has no implementation (abstract, interface, overload, `...`).
        decorators: Decorator/annotation names, without `@`.
        bases: For a class, its base classes and interfaces as written (`extends`,
            `implements`, Python's bases); empty otherwise.
        overloads: The parameters of each overload signature written before a TypeScript
            implementation, in order; empty when it has none.
    """

    path: str
    language: str
    name: str
    qualname: str
    kind: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    params: tuple[Param, ...] = ()
    returns: str | None = None
    returns_value: bool = False
    yields: bool = False
    raises: tuple[str, ...] = ()
    doc: Doc | None = None
    body: str = ""
    is_stub: bool = False
    decorators: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    overloads: tuple[tuple[Param, ...], ...] = ()

    @property
    def has_doc(self) -> bool:
        """Whether documentation is attached."""
        return self.doc is not None

    def code_without_doc(self) -> str:
        """Return the unit's source without its documentation, dedented as a whole.

        Returns:
            The code; documentation that precedes the unit (a comment) is not in it anyway.
        """
        import textwrap

        lines = (" " * (self.start_col - 1) + self.body).split("\n")
        if self.doc is not None and self.doc.start_line >= self.start_line:
            first = self.doc.start_line - self.start_line
            last = self.doc.end_line - self.start_line
            lines = lines[:first] + lines[last + 1 :]
        return textwrap.dedent("\n".join(line for line in lines if line.strip()))


@dataclass(frozen=True)
class Finding:
    """One reported problem, in the canonical `path:line:col: RULE message` form.

    `fingerprint` identifies the finding across runs without using line numbers, so a
    baseline survives code moving around.
    """

    rule: str
    name: str
    severity: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    symbol: str = ""
    fingerprint: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.rule} {self.message}"


@dataclass(frozen=True)
class Skipped:
    """A file, or part of one, that was not checked, and why."""

    path: str
    reason: str


@dataclass
class CheckResult:
    """Everything one run produced, handed to the report formatters."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    suppressed: int = 0
    files_checked: int = 0
    # Rule id -> why it could not run ("cause: fix"): its model is not installed.
    rules_skipped: dict[str, str] = field(default_factory=dict)
