"""The Rust extractor on a realistic fixture, with the real tree-sitter-rust grammar."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeassist.parsing.parse import parse_source
from codeassist.records import CLASS, FUNCTION, METHOD, CodeUnit

FIXTURE = Path(__file__).parent.parent / "fixtures" / "rust" / "sample.rs"


@pytest.fixture(scope="module")
def units() -> dict[str, CodeUnit]:
    result = parse_source(FIXTURE.read_bytes(), "rust", "src/sample.rs")
    assert result.problems == []
    return {unit.qualname: unit for unit in result.units}


def test_finds_exactly_the_key_symbols(units: dict[str, CodeUnit]) -> None:
    # `impl` blocks name methods but are not units themselves; `mod tests` adds no prefix.
    assert sorted(units) == sorted(
        [
            "ConfigError", "ConfigError::fmt", "Config", "Config::parse", "Config::load",
            "Config::get", "Config::set", "Config::port", "Config::first_digit", "Source",
            "Source::lookup", "Source::reload", "Cache", "Cache::get_or_insert", "Cache::clear",
            "exit_code", "merge", "tests::parses_pairs",
        ]
    )


# qualname, kind, start line, params as "name:annotation:kind", returns, returns_value,
# raises, is_stub
SYMBOLS = [
    ("ConfigError", CLASS, 9, [], None, False, (), False),
    # `impl fmt::Display for ConfigError` is named by the implementing type.
    (
        "ConfigError::fmt", METHOD, 17,
        ["self:&Self:receiver", "f:&mut fmt::Formatter<'_>:positional"],
        "fmt::Result", True, (), False,
    ),
    ("Config", CLASS, 37, [], None, False, (), False),
    (
        "Config::parse", METHOD, 51, ["text:&str:positional"],
        "Result<Self, ConfigError>", True, ("Err",), False,
    ),
    # `?` and `return Err(...)`; the closure given to map_err does not count.
    (
        "Config::load", METHOD, 69, ["path:&str:positional", "strict:bool:positional"],
        "Result<Self, ConfigError>", True, ("Err",), False,
    ),
    (
        "Config::get", METHOD, 78, ["self:&Self:receiver", "key:&str:positional"],
        "Option<&str>", True, (), False,
    ),
    # `mut value` is named "value"; no return type means unit.
    (
        "Config::set", METHOD, 83,
        ["self:&mut Self:receiver", "key:impl Into<String>:positional", "value:String:positional"],
        None, False, (), False,
    ),
    ("Config::port", METHOD, 93, ["self:&Self:receiver"], "u16", True, ("panic",), False),
    # `?` on an Option hands back None, not an error.
    (
        "Config::first_digit", METHOD, 100, ["self:&Self:receiver", "key:&str:positional"],
        "Option<u32>", True, (), False,
    ),
    ("Source", CLASS, 107, [], None, False, (), True),
    # A trait method without a body is a stub and returns nothing itself.
    (
        "Source::lookup", METHOD, 109, ["self:&Self:receiver", "key:&str:positional"],
        "Option<String>", False, (), True,
    ),
    (
        "Source::reload", METHOD, 112, ["self:&mut Self:receiver"],
        "Result<(), ConfigError>", True, ("panic",), True,
    ),
    ("Cache", CLASS, 118, [], None, False, (), False),
    (
        "Cache::get_or_insert", METHOD, 124,
        ["self:&mut Self:receiver", "F:None:type_parameter", "key:&str:positional",
         "make:F:positional"],
        "T", True, (), False,
    ),
    ("Cache::clear", METHOD, 136, ["self:&mut Self:receiver"], "()", False, (), False),
    ("exit_code", FUNCTION, 142, ["error:&ConfigError:positional"], "i32", True, ("panic",), False),
    (
        "merge", FUNCTION, 152, ["base:Config:positional", "overrides:&Config:positional"],
        "Config", True, (), False,
    ),
    ("tests::parses_pairs", FUNCTION, 165, [], None, False, (), False),
]


@pytest.mark.parametrize(
    ("qualname", "kind", "line", "params", "returns", "returns_value", "raises", "is_stub"),
    SYMBOLS,
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
    is_stub: bool,
) -> None:
    unit = units[qualname]
    assert unit.kind == kind
    assert unit.start_line == line
    assert [f"{p.name}:{p.annotation}:{p.kind}" for p in unit.params] == params
    assert unit.returns == returns
    assert unit.returns_value is returns_value
    assert unit.raises == raises
    assert unit.is_stub is is_stub
    assert unit.yields is False
    assert unit.language == "rust"


# qualname, first doc line (None: no doc), summary, decorators
DOCS = [
    ("ConfigError", 7, "Errors raised while loading a configuration.", ("derive",)),
    ("ConfigError::fmt", None, None, ()),
    # Two attributes sit between the doc and the struct.
    ("Config", 25, "A parsed configuration.", ("derive", "non_exhaustive")),
    ("Config::parse", 42, "Parses `key = value` lines.", ()),
    ("Config::load", 62, "Reads and parses a file.", ("inline",)),
    ("Source::lookup", 108, "Looks up one value.", ()),
    ("Cache::clear", None, None, ()),
    ("exit_code", None, None, ()),  # a plain `//` comment is not documentation
    ("merge", 149, "Merges two configurations; `overrides` wins.", ()),  # /** */
    ("tests::parses_pairs", None, None, ("test",)),
]


@pytest.mark.parametrize(("qualname", "start_line", "summary", "decorators"), DOCS)
def test_doc_and_attributes(
    units: dict[str, CodeUnit],
    qualname: str,
    start_line: int | None,
    summary: str | None,
    decorators: tuple[str, ...],
) -> None:
    unit = units[qualname]
    assert unit.decorators == decorators
    assert unit.has_doc is (start_line is not None)
    if unit.doc is None:
        return
    assert unit.doc.start_line == start_line
    assert unit.doc.parsed.style == "rustdoc"
    assert unit.doc.parsed.summary == summary
    # One text line per source line, so DocItem.line maps back to the file.
    assert unit.doc.end_line == start_line + unit.doc.text.count("\n")


def test_doc_sections_map_to_file_lines(units: dict[str, CodeUnit]) -> None:
    doc = units["Config::parse"].doc
    assert doc is not None
    parsed = doc.parsed
    assert parsed.params is not None and [p.name for p in parsed.params] == ["text"]
    assert doc.file_line(parsed.params[0].line) == 46
    assert parsed.raises is not None and [r.name for r in parsed.raises] == ["Err"]
    assert doc.file_line(parsed.raises[0].line) == 48

    load = units["Config::load"].doc
    assert load is not None and load.parsed.params is not None
    assert [(p.name, p.description) for p in load.parsed.params] == [
        ("path", "Where the file is."),
        ("strict", "Reject unknown keys."),
    ]
    assert load.parsed.raises is None

    port = units["Config::port"].doc
    assert port is not None and port.parsed.raises is not None
    assert [r.name for r in port.parsed.raises] == ["panic"]


def test_headings_in_doctests_are_code(units: dict[str, CodeUnit]) -> None:
    doc = units["Config"].doc
    assert doc is not None
    assert "# use sample::Config;" in doc.text.splitlines()
    assert doc.parsed.returns is None and doc.parsed.params is None


def test_block_doc_text(units: dict[str, CodeUnit]) -> None:
    doc = units["merge"].doc
    assert doc is not None
    assert doc.text.split("\n") == ["", "Merges two configurations; `overrides` wins.", ""]
    assert (doc.start_line, doc.end_line, doc.end_col) == (149, 151, 4)


def test_doc_spans_attributes_between_doc_lines() -> None:
    source = "/// First.\n#[inline]\n/// Second.\nfn f() {}\n"
    (unit,) = parse_source(source, "rust").units
    assert unit.doc is not None
    assert unit.doc.text.split("\n") == ["First.", "", "Second."]
    assert unit.decorators == ("inline",)


@pytest.mark.parametrize(
    ("source", "qualname"),
    [
        ("impl<T> Wrapper<T> { fn new() {} }", "Wrapper::new"),
        ("impl crate::a::Thing { fn new() {} }", "Thing::new"),
        ("impl<'a> From<&'a str> for &'a Name { fn from(s: &'a str) -> Self { todo!() } }",
         "Name::from"),
        ("impl Summary for [u8] { fn summarize(&self) {} }", "[u8]::summarize"),
        ("fn outer() { fn inner() {} }", "outer::inner"),
    ],
)
def test_impl_scopes(source: str, qualname: str) -> None:
    units = parse_source(source, "rust").units
    assert qualname in [unit.qualname for unit in units]
    assert all(unit.kind != CLASS for unit in units)
