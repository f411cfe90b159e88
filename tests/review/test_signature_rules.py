"""CA1xx rules as a table: source, language, and the rule ids expected to fire."""

from __future__ import annotations

import textwrap

import pytest

from codeassist.review.engine import check_text
from codeassist.review.selection import Selection

ALL = Selection(["CA1"])


def fired(source: str, language: str = "python", path: str = "x.py") -> list[str]:
    findings, _, problems = check_text(textwrap.dedent(source), language, path, ALL)
    assert problems == []
    return sorted(f.rule for f in findings)


PYTHON_CASES = {
    "clean": ('''
        def f(a, b):
            """Doc.

            Args:
                a: A.
                b: B.

            Returns:
                The sum.
            """
            return a + b
        ''', []),
    "renamed param": ('''
        def f(a, count):
            """Doc.

            Args:
                a: A.
                amount: B.
            """
        ''', ["CA101", "CA102"]),
    "removed param": ('''
        def f(a):
            """Doc.

            :param a: A.
            :param b: B.
            """
        ''', ["CA101"]),
    "added param": ('''
        def f(a, b):
            """Doc.

            Parameters
            ----------
            a : int
            """
        ''', ["CA102"]),
    "no param section: nothing to compare": ('''
        def f(a, b):
            """Add a to b."""
        ''', []),
    "self and cls ignored, stars either way": ('''
        class C:
            def m(self, *args, **kwargs):
                """Doc.

                Args:
                    args: Positional.
                    \\\\*\\\\*kwargs: Keywords.
                """
        ''', []),
    "kwargs keys may be documented": ('''
        def f(a, **options):
            """Doc.

            Args:
                a: A.
                timeout: Read from options.
            """
        ''', []),  # its keys document `options` (marshmallow's `partial`), `timeout` is not CA101
    "kwargs documented itself: other names may still be its keys": ('''
        def assert_raises(expected, *args, **kwargs):
            """Doc.

            Args:
                expected: A.
                args: More.
                kwargs: Passed on.
                msg: Read from kwargs when used as a context manager.
            """
        ''', []),
    "AssertionError marks a bug, not a documented raise": ('''
        def f(x):
            """Doc.

            Raises:
                ValueError: bad.
            """
            if x is None:
                raise AssertionError("unreachable")
            raise ValueError(x)
        ''', []),
    "return documented, none returned": ('''
        def f(a):
            """Doc.

            Returns:
                Something.
            """
            print(a)
        ''', ["CA103"]),
    "return documented, annotated None": ('''
        def f(a) -> None:
            """Doc.

            :returns: the id
            """
            return a
        ''', ["CA103"]),
    "return value only in nested function": ('''
        def f():
            """Doc.

            Returns:
                A callback.
            """
            def g():
                return 1
        ''', ["CA103"]),
    "abstract method need not return": ('''
        import abc
        class C(abc.ABC):
            @abc.abstractmethod
            def f(self):
                """Doc.

                Returns:
                    Something.
                """
        ''', []),
    "stub raising NotImplementedError": ('''
        def f(self):
            """Doc.

            Returns:
                Something.

            Raises:
                ValueError: never here.
            """
            raise NotImplementedError
        ''', []),
    "generator documented with Returns is not CA103": ('''
        def f():
            """Doc.

            Returns:
                An iterator.
            """
            yield 1
        ''', []),
    "undocumented raise": ('''
        def f(x):
            """Doc.

            Raises:
                ValueError: bad.
            """
            if x:
                raise ValueError(x)
            raise errors.Timeout()
        ''', ["CA104"]),
    "raise from a callee is invisible, re-raise ignored": ('''
        def f(x):
            """Doc.

            Raises:
                ValueError: bad.
            """
            try:
                g(x)
            except OSError as err:
                raise
        ''', []),
    "yields documented, never yields": ('''
        def f():
            """Doc.

            Yields:
                Rows.
            """
            return []
        ''', ["CA105"]),
    "class docstring documents constructor": ('''
        class C:
            """Doc.

            Args:
                name: The name.
                size: Gone.
            """
            def __init__(self, name, colour):
                pass
        ''', ["CA101", "CA102"]),
    "dataclass without __init__: fields not judged": ('''
        @dataclass
        class C:
            """Doc.

            Args:
                name: The name.
            """
            name: str
        ''', []),
}


@pytest.mark.parametrize("case", PYTHON_CASES, ids=list(PYTHON_CASES))
def test_python(case):
    source, expected = PYTHON_CASES[case]
    assert fired(source) == expected


def test_finding_points_at_the_stale_doc_line():
    source = 'def f(a):\n    """Doc.\n\n    Args:\n        a: A.\n        b: B.\n    """\n'
    findings, _, _ = check_text(source, "python", "x.py", ALL)
    assert [(f.rule, f.line) for f in findings] == [("CA101", 6)]
    assert "`b`" in findings[0].message and "`f`" in findings[0].message
