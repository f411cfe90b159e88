"""Docstring forms from real packages that the section parsers used to misread."""

from __future__ import annotations

import pytest

from codeassist.parsing.docstrings import PYTHON, parse_doc


def names(items):
    return None if items is None else [item.name for item in items]


# rich/filesize.py `decimal()` writes the type first and the name in the parentheses.
TYPE_FIRST = """Convert a filesize in to a string (powers of 1000, SI prefixes).

    Arguments:
        int (size): A file size.
        int (precision): The number of decimal places to include (default = 1).
        str (separator): The string to separate the value from the units (default = " ").

    Returns:
        `str`: A string containing a abbreviated file size and units.
    """


def test_google_type_first_entries_name_the_parameter_in_parentheses():
    parsed = parse_doc(TYPE_FIRST, PYTHON)
    assert names(parsed.params) == ["size", "precision", "separator"]
    assert [item.type for item in parsed.params] == ["int", "int", "str"]


@pytest.mark.parametrize(
    ("entry", "name", "kind"),
    [
        ("size (int): The size.", "size", "int"),
        ("Layout (Sequence): Children.", "Layout", "Sequence"),
        ("type (str): The kind.", "type", "str"),
        ("X (ndarray): The samples.", "X", "ndarray"),
        ("Console (optional): The console.", "Console", "optional"),
        ("Sequence (children): The children.", "children", "Sequence"),
    ],
)
def test_google_name_first_entries_are_kept(entry, name, kind):
    parsed = parse_doc(f"Doc.\n\n    Args:\n        {entry}\n", PYTHON)
    assert [(item.name, item.type) for item in parsed.params] == [(name, kind)]


def test_google_types_may_nest_parentheses():
    text = """Divide a region amongst several child layouts.

        Args:
            children (Sequence(Layout)): A number of child layouts.
            region (Region): A rectangular region to divide.
        """
    parsed = parse_doc(text, PYTHON)
    assert names(parsed.params) == ["children", "region"]
    assert parsed.params[0].type == "Sequence(Layout)"


def test_numpy_sections_may_be_underlined_with_equals_signs():
    text = """Resample the series.

    Parameters
    ==========
    rule : str
        The offset.
    axis : int

    Returns
    =======
    Series
    """
    parsed = parse_doc(text, PYTHON)
    assert parsed.style == "numpy"
    assert names(parsed.params) == ["rule", "axis"]
    assert parsed.returns is not None


def test_a_rest_title_underlined_with_equals_is_not_a_numpy_section():
    text = """Tools for requests.

    Overview
    ========

    Args:
        url: Where to go.
    """
    parsed = parse_doc(text, PYTHON)
    assert parsed.style == "google"
    assert names(parsed.params) == ["url"]


@pytest.mark.parametrize(
    "items",
    [
        "      - `name`: the name\n      - `value`: the value\n",
        "      `name` : str\n          the name\n      `value`\n          the value\n",
        "      name : str\n          the name\n\n      value : int\n          the value\n",
        "      - name -- the name, which may\n        run on\n      - value -- the value\n",
    ],
)
def test_rest_consolidated_parameter_fields(items):
    text = f"Set a value.\n\n    :Parameters:\n{items}    :Returns: the old value\n    "
    parsed = parse_doc(text, PYTHON)
    assert parsed.style == "sphinx"
    assert names(parsed.params) == ["name", "value"]
    assert parsed.returns is not None


def test_rest_consolidated_raises_and_keywords():
    text = """Open it.

    :Keywords:
      - `mode`: how to open
    :Raises:
      - `IOError`: when the file is missing
      - :exc:`ValueError`: when the mode is bad
    :Returns:
      the file
    """
    parsed = parse_doc(text, PYTHON)
    assert names(parsed.keyword_params) == ["mode"]
    assert names(parsed.raises) == ["IOError", "ValueError"]
    assert parsed.returns is not None


@pytest.mark.parametrize(
    ("entry", "raised"),
    [
        (":exc:`ValueError`: If the value is bad.", ["ValueError"]),
        (":class:`~pkg.errors.Error`: On failure.", ["pkg.errors.Error"]),
        (":py:exc:`KeyError` if missing", ["KeyError"]),
        ("`TypeError`: when the type is wrong", ["TypeError"]),
    ],
)
def test_google_raises_roles_are_stripped(entry, raised):
    parsed = parse_doc(f"Doc.\n\n    Raises:\n        {entry}\n", PYTHON)
    assert names(parsed.raises) == raised


def test_numpy_raises_roles_are_stripped():
    text = """Check it.

    Raises
    ------
    :exc:`ValueError`
        If the value is bad.
    :class:`~marshmallow.exceptions.ValidationError`
        If invalid.
    """
    parsed = parse_doc(text, PYTHON)
    assert names(parsed.raises) == ["ValueError", "marshmallow.exceptions.ValidationError"]


GOOGLE_DIRECTIVES = """Load a file.

    Args:
        .. versionchanged:: 2.0
            All arguments are keyword-only.

        path: Where.

        .. deprecated:: 3.1
            mode: Use ``flags``.

        flags: How.

    Raises:
        .. versionadded:: 2.1
        OSError: When the file is missing.
    """

NUMPY_DIRECTIVES = """Load a file.

    Parameters
    ----------
    path : str
        Where.

        .. versionchanged:: 2.0
    .. deprecated:: 3.1
       ``mode`` is ignored.
    flags : int
        How.

    Returns
    -------
    bytes
    """


@pytest.mark.parametrize(
    ("text", "params", "raises"),
    [(GOOGLE_DIRECTIVES, ["path", "flags"], ["OSError"]), (NUMPY_DIRECTIVES, ["path", "flags"], None)],
)
def test_directives_inside_sections_are_skipped(text, params, raises):
    parsed = parse_doc(text, PYTHON)
    assert names(parsed.params) == params
    assert names(parsed.raises) == raises
    assert parsed.returns is not None or raises


def test_a_bare_sphinx_return_field_still_documents_the_return():
    parsed = parse_doc("Build it.\n\n    :param text: the text\n    :return:\n    ", PYTHON)
    assert names(parsed.params) == ["text"]
    assert parsed.returns is not None


def test_numpy_entries_that_only_list_types_or_notes_are_not_parameters():
    text = """Find the distance.

    Parameters
    ==========

    Point3D, Line3D, Plane, tuple, list
    Note: Only 3D entities are accepted.

    Returns
    =======

    distance
    """
    parsed = parse_doc(text, PYTHON)
    assert names(parsed.params) == []
    assert parsed.returns is not None


def test_numpy_capitalised_parameter_names_are_kept():
    text = "Solve it.\n\n    Parameters\n    ----------\n    LU_real, LU_complex\n        Decompositions.\n    X\n    "
    assert names(parse_doc(text, PYTHON).params) == ["LU_real", "LU_complex", "X"]
