"""JSDoc/TSDoc/Javadoc block tags, as a table of cases."""

from __future__ import annotations

import pytest

from codeassist.parsing.docstrings import JAVADOC, JSDOC, parse_doc
from codeassist.parsing.doctags import comment_text, parse
from codeassist.records import DocItem


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("Sum.\n@param {number} a The first.\n@param {number} b The second.", [("a", "number", "The first.", 1), ("b", "number", "The second.", 2)]),
        ("@param a first\n@arg b second\n@argument c third", [("a", None, "first", 0), ("b", None, "second", 1), ("c", None, "third", 2)]),
        ("@param {string} name - TSDoc hyphen", [("name", "string", "TSDoc hyphen", 0)]),
        ("@param name - TSDoc without a type", [("name", None, "TSDoc without a type", 0)]),
        ("@param {number} [retries=3] Optional with default", [("retries", "number", "Optional with default", 0)]),
        ("@param {object} [opts={ a: [1, 2] }] Nested default", [("opts", "object", "Nested default", 0)]),
        ("@param {string} [label] Optional", [("label", "string", "Optional", 0)]),
        ("@param {{a: number, b: {c: string}}} shape Nested braces", [("shape", "{a: number, b: {c: string}}", "Nested braces", 0)]),
        ("@param {object} options The options.\n@param {number} options.timeout In ms.", [("options", "object", "The options.", 0), ("options.timeout", "number", "In ms.", 1)]),
        ("@param {...number} nums The numbers.", [("nums", "...number", "The numbers.", 0)]),
        ("@param\ttabbed\tdescription", [("tabbed", None, "description", 0)]),
        ("@param <T> the element type\n@param items the items", [("items", None, "the items", 1)]),
        ("@param a first line\n  continues here\n\n  and here\n@returns x", [("a", None, "first line continues here and here", 0)]),
        ("@param {string}", []),  # no name: the section exists but lists nothing
        ("Only prose.", None),
        ("@param <T> a type parameter alone", None),
        ("@returns {number} the value", None),
    ],
)
def test_params(text, params):
    parsed = parse(text)
    if params is None:
        assert parsed.params is None
    else:
        assert [(p.name, p.type, p.description, p.line) for p in parsed.params] == params


@pytest.mark.parametrize(
    ("text", "returns"),
    [
        ("@returns {number} The sum.", DocItem("", "number", "The sum.", 0)),
        ("@return the value", DocItem("", None, "the value", 0)),
        ("Doc.\n\n@returns {Promise<void>} when done", DocItem("", "Promise<void>", "when done", 2)),
        ("@returns {void}", None),
        ("@returns {undefined} nothing useful", None),
        ("@returns", None),
        ("@returns {number} first\n@returns {string} second", DocItem("", "number", "first", 0)),
        ("No tags at all.", None),
    ],
)
def test_returns(text, returns):
    assert parse(text).returns == returns


@pytest.mark.parametrize(
    ("text", "yields"),
    [
        ("@yields {number} The next value.", DocItem("", "number", "The next value.", 0)),
        ("@yield each item", DocItem("", None, "each item", 0)),
        ("@yields {void}", None),
        ("Plain.", None),
    ],
)
def test_yields(text, yields):
    assert parse(text).yields == yields


@pytest.mark.parametrize(
    ("text", "style", "raises"),
    [
        ("@throws {TypeError} When not JSON.", "jsdoc", [("TypeError", "When not JSON.", 0)]),
        ("@throws {RangeError|TypeError} Bad input.", "jsdoc", [("RangeError", "Bad input.", 0), ("TypeError", "Bad input.", 0)]),
        ("@exception {errors.HttpError} On failure.", "jsdoc", [("errors.HttpError", "On failure.", 0)]),
        ("@throws IOException if reading fails", "javadoc", [("IOException", "if reading fails", 0)]),
        ("@throws IOException if reading fails", "jsdoc", [("IOException", "if reading fails", 0)]),
        ("@exception Fault when the server says so", "javadoc", [("Fault", "when the server says so", 0)]),
        ("@throws Will throw if the argument is null.", "jsdoc", []),  # prose: section, no entry
        ("Doc.\n@param a x", "jsdoc", None),
    ],
)
def test_raises(text, style, raises):
    parsed = parse(text, style=style)
    assert parsed.style == style
    if raises is None:
        assert parsed.raises is None
    else:
        assert [(r.name, r.description, r.line) for r in parsed.raises] == raises


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("Fetch a URL.\n\nMore detail.\n@param url x", "Fetch a URL."),
        ("Spans\ntwo lines.\n@returns x", "Spans two lines."),
        ("\nStarts on the second line.", "Starts on the second line."),
        ("See {@link Other} for details.", "See {@link Other} for details."),
        ("@param a only tags", ""),
    ],
)
def test_summary(text, summary):
    assert parse(text).summary == summary


def test_inline_tags_and_fenced_code_are_not_block_tags():
    text = "Uses {@link Map}.\n```ts\n@Component()\n@param fake in code\n```\n@param real - The real one."
    parsed = parse(text)
    assert [p.name for p in parsed.params] == ["real"]
    assert parsed.params[0].line == 5


def test_unknown_tags_end_the_previous_description():
    parsed = parse("@param a first\n@example\nfoo(a)\n@since 1.2")
    assert parsed.params[0].description == "first"


def test_dispatch_through_parse_doc():
    for convention in (JSDOC, JAVADOC):
        parsed = parse_doc("Doc.\n@param x the x", convention)
        assert [p.name for p in parsed.params] == ["x"]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("/** One line. */", "One line."),
        ("/**\n * Summary.\n *\n * @param a x\n */", "\nSummary.\n\n@param a x\n"),
        ("/** Summary.\n *   indented code\n */", "Summary.\n  indented code\n"),
        ("/**\n   Javadoc without stars\n */", "\nJavadoc without stars\n"),
        ("/**\r\n * Windows.\r\n */", "\nWindows.\n"),
    ],
)
def test_comment_text_keeps_lines(raw, text):
    assert comment_text(raw) == text
    assert len(comment_text(raw).split("\n")) == len(raw.split("\n"))


def test_lodash_hidden_param_tag_is_a_param():
    from codeassist.parsing.doctags import parse
    parsed = parse("Some.\n@param {Array} collection The collection.\n@param- {Object} [guard] Enables use as an iteratee.\n")
    assert [item.name for item in parsed.params] == ["collection", "guard"]
