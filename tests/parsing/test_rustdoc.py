"""Rustdoc Markdown sections, as a table of documentation texts and what they yield."""

from __future__ import annotations

import pytest

from codeassist.parsing import rustdoc
from codeassist.parsing.docstrings import RUSTDOC, parse_doc

# text, params as (name, line) or None, returns line or None, raises as (name, line) or None
CASES = [
    pytest.param("Adds one.", None, None, None, id="summary-only"),
    pytest.param(
        "Adds.\n\n# Arguments\n\n* `a` - The first.\n* `b` - The second.",
        [("a", 4), ("b", 5)], None, None, id="arguments-dash",
    ),
    pytest.param(
        "Adds.\n\n## Parameters\n- `a`: The first.\n- `b` \u2014 The second.",
        [("a", 3), ("b", 4)], None, None, id="parameters-colon-emdash",
    ),
    pytest.param(
        "Adds.\n\n### Args\n* a - The first.\n+ b: The second.",
        [("a", 3), ("b", 4)], None, None, id="args-without-backticks",
    ),
    pytest.param(
        "Adds.\n\n# Arguments\n\n* `a` - The first,\n  which spans lines.\n"
        "  * `nested` - not a parameter\n* `b` - The second.",
        [("a", 4), ("b", 7)], None, None, id="continuations-and-nested-lists",
    ),
    pytest.param("Adds.\n\n# Arguments\n\nNone.", [], None, None, id="empty-arguments"),
    pytest.param(
        "Sums.\n\n# Returns\n\nThe total.", None, 2, None, id="returns",
    ),
    pytest.param(
        "Sums.\n\n# Returns\n\n# Panics\n", None, None, [("panic", 4)], id="empty-returns"
    ),
    pytest.param(
        "Opens.\n\n# Errors\n\nWhen the file is missing.", None, None, [("Err", 2)], id="errors",
    ),
    pytest.param(
        "Opens.\n\n# Errors\nMissing file.\n\n# Panics\nOn a bad path.",
        None, None, [("Err", 2), ("panic", 5)], id="errors-and-panics",
    ),
    pytest.param(
        "Parses.\n\n# Examples\n\n```\n# use lib::parse;\n# Arguments\n# Errors\n"
        "parse(\"x\");\n```",
        None, None, None, id="headings-in-code-fence",
    ),
    pytest.param(
        "Parses.\n\n~~~rust\n# Returns\n~~~\n\n# Safety\n\n* `p` - must be valid.",
        None, None, None, id="tilde-fence-and-safety",
    ),
    pytest.param(
        "Parses.\n\n#### Arguments\n* `a` - deep heading",
        None, None, None, id="level-four-ignored",
    ),
]


@pytest.mark.parametrize(("text", "params", "returns", "raises"), CASES)
def test_sections(
    text: str,
    params: list[tuple[str, int]] | None,
    returns: int | None,
    raises: list[tuple[str, int]] | None,
) -> None:
    parsed = rustdoc.parse(text)
    assert parsed.style == "rustdoc"
    if params is None:
        assert parsed.params is None
    else:
        assert parsed.params is not None
        assert [(item.name, item.line) for item in parsed.params] == params
    assert (parsed.returns.line if parsed.returns else None) == returns
    if raises is None:
        assert parsed.raises is None
    else:
        assert parsed.raises is not None
        assert [(item.name, item.line) for item in parsed.raises] == raises


@pytest.mark.parametrize(
    ("line", "name", "type_", "description"),
    [
        ("* `count` - How many.", "count", None, "How many."),
        ("* `count: usize` - How many.", "count", "usize", "How many."),
        ("* `mut buf` - Scratch space.", "buf", None, "Scratch space."),
        ("- `path` \u2013 Where.", "path", None, "Where."),
        ("* `name` the name", "name", None, "the name"),
    ],
)
def test_argument_items(line: str, name: str, type_: str | None, description: str) -> None:
    parsed = rustdoc.parse(f"# Arguments\n{line}")
    assert parsed.params is not None
    (item,) = parsed.params
    assert (item.name, item.type, item.description, item.line) == (name, type_, description, 1)


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("Adds one.\nTo a number.\n\nMore.", "Adds one. To a number."),
        ("Adds one.\n# Arguments\n* `x` - x", "Adds one."),
        ("# Arguments\n* `x` - x", ""),
    ],
)
def test_summary(text: str, summary: str) -> None:
    assert rustdoc.parse(text).summary == summary


def test_dispatch_and_descriptions() -> None:
    text = "Reads.\n\n# Returns\n\nThe bytes\nread.\n\n# Errors\n\nOn I/O failure."
    parsed = parse_doc(text, RUSTDOC)
    assert parsed.returns is not None and parsed.returns.description == "The bytes read."
    assert parsed.raises is not None and parsed.raises[0].description == "On I/O failure."
