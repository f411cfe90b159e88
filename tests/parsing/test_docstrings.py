"""Docstring section parsing for the three Python conventions."""

from __future__ import annotations

import pytest

from codeassist.parsing.docstrings import PYTHON, clean_name, parse_doc

GOOGLE = """Do it.

    Args:
        path (str): Where.
        *args: More.
        mode: How; continues
            on this line.

    Keyword Args:
        verbose: Talk.

    Returns:
        bool: Whether it worked.

    Raises:
        OSError: When the disk is full.
    """

NUMPY = """Do it.

    Parameters
    ----------
    x, y : float
        Coordinates.
    **kwargs
        Extra.

    Returns
    -------
    float
        The distance.

    Yields
    ------
    int
    """

SPHINX = """Do it.

    :param str path: Where.
    :param mode: How.
    :type mode: int
    :returns: Nothing useful.
    :raises ValueError: bad mode
    """


@pytest.mark.parametrize(
    ("text", "style", "params", "keyword", "returns", "yields", "raises"),
    [
        (GOOGLE, "google", ["path", "args", "mode"], ["verbose"], True, False, ["OSError"]),
        (NUMPY, "numpy", ["x", "y", "kwargs"], [], True, True, None),
        (SPHINX, "sphinx", ["path", "mode"], [], True, False, ["ValueError"]),
        ("Just prose.\n\n    Returns nothing in particular.", "plain", None, [], False, False, None),
        ("Do it.\n\n    Returns:\n        None\n", "google", None, [], False, False, None),
        ("Get it.\n\n    Returns: the thing.\n", "google", None, [], True, False, None),
        ("Args:\n    Nothing here:\n", "google", [], [], False, False, None),
    ],
)
def test_sections(text, style, params, keyword, returns, yields, raises):
    parsed = parse_doc(text, PYTHON)
    assert parsed.style == style
    assert (None if parsed.params is None else [i.name for i in parsed.params]) == params
    assert [i.name for i in parsed.keyword_params] == keyword
    assert (parsed.returns is not None) is returns
    assert (parsed.yields is not None) is yields
    assert (None if parsed.raises is None else [i.name for i in parsed.raises]) == raises


def test_entry_lines_are_relative_to_the_text():
    parsed = parse_doc(GOOGLE, PYTHON)
    assert [item.line for item in parsed.params] == [3, 4, 5]
    assert parsed.returns.line == 12
    assert parsed.params[0].type == "str"


@pytest.mark.parametrize(
    ("written", "bare"), [("*args", "args"), ("\\*\\*kwargs", "kwargs"), ("[name=1]", "name"), ("x", "x")]
)
def test_clean_name(written, bare):
    assert clean_name(written) == bare


@pytest.mark.parametrize(
    ("entry", "names"),
    [
        ("stdin, stdout and stderr: The streams.", ["stdin", "stdout", "stderr"]),
        ("user (POSIX only)", ["user"]),
        ("startupinfo and creationflags (Windows only)", ["startupinfo", "creationflags"]),
        ("_htest - bool; whether this is a test.", ["_htest"]),
        ("name -- the name", ["name"]),
        ("The following options are supported", []),
        ("a, b, and c: three", ["a", "b", "c"]),
    ],
)
def test_google_entry_forms(entry, names):
    parsed = parse_doc(f"Doc.\n\n    Args:\n        first: The first.\n        {entry}\n", PYTHON)
    assert [i.name for i in parsed.params] == ["first", *names]


@pytest.mark.parametrize(
    ("entry", "names"),
    [
        ("ValueError if the object is invalid", ["ValueError"]),
        ("KeyError, IndexError: lookups", ["KeyError", "IndexError"]),
        ("os.error: on failure", ["os.error"]),
    ],
)
def test_google_raises_forms(entry, names):
    parsed = parse_doc(f"Doc.\n\n    Raises:\n        {entry}\n", PYTHON)
    assert [i.name for i in parsed.raises] == names


def test_unindented_sections_of_older_docstrings():
    text = (
        "Return a file descriptor from a file object.\n\n    Parameters:\n    fileobj -- file object\n\n"
        "    Returns:\n    corresponding file descriptor\n\n    Raises:\n    ValueError if the object is invalid\n    "
    )
    parsed = parse_doc(text, PYTHON)
    assert [i.name for i in parsed.params] == ["fileobj"]
    assert parsed.returns is not None
    assert [i.name for i in parsed.raises] == ["ValueError"]
