"""The Go extractor on a realistic fixture, with the real tree-sitter-go grammar."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeassist.parsing.parse import parse_source
from codeassist.records import CLASS, FUNCTION, METHOD, CodeUnit

FIXTURE = Path(__file__).parent.parent / "fixtures" / "go" / "sample.go"


@pytest.fixture(scope="module")
def units() -> dict[str, CodeUnit]:
    result = parse_source(FIXTURE.read_bytes(), "go", "sample.go")
    assert result.problems == []
    return {unit.qualname: unit for unit in result.units}


def test_finds_exactly_the_key_symbols(units: dict[str, CodeUnit]) -> None:
    # `Option func(*Server)` and `var`s are not units; interface methods are left out.
    assert sorted(units) == sorted(
        [
            "Store", "Getter", "Server", "stats", "NewServer", "Store.Get", "Store.Put",
            "Store.Len", "Server.handler", "Server.Start", "MustGet", "fail", "Keys", "Watch",
        ]
    )


# qualname, kind, start line, params as "name:annotation:kind", returns, returns_value, raises
SYMBOLS = [
    ("Store", CLASS, 16, [], None, False, ()),
    ("Getter", CLASS, 22, [], None, False, ()),
    ("Server", CLASS, 31, [], None, False, ()),
    (
        "NewServer", FUNCTION, 42,
        ["addr:string:positional", "store:*Store:positional", "opts:...Option:var_positional"],
        "*Server", True, (),
    ),
    (
        "Store.Get", METHOD, 51, ["s:*Store:receiver", "key:string:positional"],
        "([]byte, error)", True, (),
    ),
    (
        "Store.Put", METHOD, 63,
        ["s:*Store:receiver", "key:string:positional", "value:[]byte:positional"],
        None, False, (),
    ),
    # Named result with a bare `return` still returns a value.
    ("Store.Len", METHOD, 70, ["s:Store:receiver"], "(n int)", True, ()),
    # The func literal's bare `return` is its own, not handler's.
    ("Server.handler", METHOD, 77, ["srv:*Server:receiver"], "http.Handler", True, ()),
    ("Server.Start", METHOD, 91, ["srv:*Server:receiver"], "error", True, ()),
    (
        "MustGet", FUNCTION, 96, ["g:Getter:positional", "key:string:positional"],
        "[]byte", True, ("panic",),
    ),
    # A result type but no `return`: the body only panics.
    (
        "fail", FUNCTION, 105, ["format:string:positional", "args:...any:var_positional"],
        "int", False, ("panic",),
    ),
    (
        "Keys", FUNCTION, 110,
        ["K:comparable:type_parameter", "V:any:type_parameter", "m:map[K]V:positional"],
        "[]K", True, (),
    ),
    # The panic inside the goroutine's func literal is not Watch's.
    (
        "Watch", FUNCTION, 119,
        ["stop:<-chan struct{}:positional", "fn:func(key string):positional"], None, False, (),
    ),
]


@pytest.mark.parametrize(
    ("qualname", "kind", "line", "params", "returns", "returns_value", "raises"), SYMBOLS
)
def test_symbol(
    units: dict[str, CodeUnit],
    qualname: str,
    kind: str,
    line: int,
    params: list[str],
    returns: str | None,
    returns_value: bool,
    raises: tuple[str, ...],
) -> None:
    unit = units[qualname]
    assert unit.kind == kind
    assert unit.start_line == line
    assert [f"{p.name}:{p.annotation}:{p.kind}" for p in unit.params] == params
    assert unit.returns == returns
    assert unit.returns_value is returns_value
    assert unit.raises == raises
    assert unit.language == "go"
    assert unit.path == "sample.go"


# qualname, first doc line (None: no doc), doc summary
DOCS = [
    ("Store", 14, "Store holds values by key. It is safe for concurrent use."),
    ("Getter", 21, "Getter reads values."),
    ("Server", 30, "Server serves a Store over HTTP."),  # doc of a spec inside `type ( )`
    ("stats", None, None),
    ("NewServer", 39, "NewServer returns a server for addr."),
    ("Store.Get", 50, "Get returns the value stored under key."),
    ("Store.Put", 61, "Put stores value under key, replacing any previous value."),  # /* */
    ("Server.handler", None, None),  # a blank line separates the comment
    ("Server.Start", 88, "Start listens on the server's address."),
    ("fail", None, None),  # the comment above trails the `var` line
    ("Keys", 109, "Keys returns the keys of m, in no particular order."),
]


@pytest.mark.parametrize(("qualname", "start_line", "summary"), DOCS)
def test_doc(
    units: dict[str, CodeUnit], qualname: str, start_line: int | None, summary: str | None
) -> None:
    unit = units[qualname]
    assert unit.has_doc is (start_line is not None)
    if unit.doc is None:
        return
    assert unit.doc.start_line == start_line
    assert unit.doc.parsed.summary == summary
    # The text keeps one line per comment line, ending right above the declaration.
    assert unit.doc.end_line == start_line + unit.doc.text.count("\n")
    assert unit.doc.end_line == unit.start_line - 1


def test_doc_text_strips_markers_and_directives(units: dict[str, CodeUnit]) -> None:
    doc = units["NewServer"].doc
    assert doc is not None
    assert doc.text.splitlines() == [
        "NewServer returns a server for addr.",
        "",
        "Options are applied in order.",
    ]
    start = units["Server.Start"].doc
    assert start is not None
    assert start.text.split("\n") == ["Start listens on the server's address.", "", ""]
    assert start.file_line(2) == 90


def test_kinds_stubs_and_spans(units: dict[str, CodeUnit]) -> None:
    assert units["Getter"].is_stub and not units["Store"].is_stub
    store = units["Store"]
    assert (store.start_line, store.start_col, store.end_line) == (16, 1, 19)
    assert store.body.startswith("type Store struct")
    server = units["Server"]  # inside a group: the spec itself
    assert (server.start_col, server.body.split()[:2]) == (2, ["Server", "struct"])


def test_syntax_error_skips_only_the_broken_function() -> None:
    source = "package p\n\nfunc ok() int { return 1 }\n\nfunc broken( { \n"
    result = parse_source(source, "go", "broken.go")
    assert [unit.qualname for unit in result.units] == ["ok"]
    assert result.problems
