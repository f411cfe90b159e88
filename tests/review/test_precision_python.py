"""CA102/CA103/CA105 false positives found on real Python and TypeScript (attrs, click, rich, rxjs)."""

from __future__ import annotations

import textwrap

import pytest

from codeassist.review.engine import check_text
from codeassist.review.selection import Selection

SUFFIX = {"python": "py", "typescript": "ts"}

CASES = [
    # (id, language, source, expected messages' parameter names or rules)
    ("refer elsewhere for the rest", "python", '''
        def attrs(these=None, repr_ns=None, slots=False):
            """A class decorator.

            Args:
                these: Extra attributes.

            Refer to `attrs.define` for the rest of the parameters.
            """
        ''', []),
    ("see X for the meaning of the rest", "python", '''
        def setup(a, b, c):
            """Set up.

            :param a: The first.

            See `configure` for the meaning of the rest of the arguments.
            """
        ''', []),
    ("same as X with additional", "python", '''
        def _deserialize(self, value, attr, data, partial=None, **kwargs):
            """Same as :meth:`Field._deserialize` with additional ``partial`` argument.

            :param partial: For nested schemas.
            """
        ''', []),
    ("keyword arguments forwarded", "python", '''
        def command(name=None, cls=None, **attrs):
            """Create a command.

            All keyword arguments are forwarded to the underlying command class.

            :param name: The name.
            :param cls: The class.
            """
        ''', []),
    ("args only forwarded to super", "python", '''
        class IP(Field):
            def __init__(self, *args, exploded=False, **kwargs):
                """A field.

                :param exploded: Long form.
                """
                super().__init__(*args, **kwargs)
                self.exploded = exploded
        ''', []),
    ("forwarded args renamed away from the documented *args", "python", '''
        def reconfigure(*values, **kwargs):
            """Reconfigure.

            Args:
                *args: Positional arguments for the console.
                **kwargs: Keyword arguments for the console.
            """
            return Console(*values, **kwargs)
        ''', ["values"]),
    ("kwargs filled in, then passed to the parent", "python", '''
        class Method(Field):
            def __init__(self, serialize=None, deserialize=None, **kwargs):
                """A method field.

                :param serialize: The serializer.
                :param deserialize: The deserializer.
                """
                kwargs["dump_only"] = bool(serialize) and not bool(deserialize)
                super().__init__(**kwargs)
        ''', []),
    ("kwargs documented by its keys", "python", '''
        class Schema:
            def handle_error(self, error, data, *, many, **kwargs):
                """Handle an error.

                :param error: The error.
                :param data: The data.
                :param many: Many.
                :param partial: Partial loading, passed as a keyword argument.
                """
        ''', []),
    ("args read in the body are still asked for", "python", '''
        def call(fn, *args):
            """Call.

            Args:
                fn: The function.
            """
            if args:
                return fn(*args)
        ''', ["args"]),
    ("ts spread args forwarded", "typescript", """
        /**
         * Log.
         * @param level The level.
         */
        function log(level: string, ...parts: unknown[]): void { console.log(level, ...parts); }
        """, []),
    ("other parameters passed onwards", "python", '''
        class Option(Parameter):
            def __init__(self, param_decls=None, show_default=None, **attrs):
                """An option.

                All other parameters are passed onwards to the parameter constructor.

                :param show_default: Show the default.
                """
                super().__init__(param_decls, **attrs)
        ''', []),
    ("named parameter forwarded to the parent with documented kwargs", "python", '''
        class Nested(Field):
            def __init__(self, nested, *, dump_default=None, only=None, **kwargs):
                """A nested field.

                :param nested: The schema.
                :param only: Fields to keep.
                :param kwargs: The same keyword arguments that :class:`Field` receives.
                """
                self.nested = nested
                super().__init__(dump_default=dump_default, **kwargs)
        ''', []),
    ("args unpacked into a documented name", "python", '''
        def evolve(*args, **changes):
            """Create a new instance.

            Args:
                inst: Instance of a class with attrs attributes; positional only.
                changes: Keyword changes.
            """
            (inst,) = args
            return inst
        ''', []),
    ("deprecated alias named in a version note", "python", '''
        class Field:
            def __init__(self, *, load_default=None, missing=None):
                """A field.

                :param load_default: Value when missing.

                .. versionchanged:: 2.0.0
                    Added `missing` parameter, which indicates the value for a field.
                """
        ''', []),
    ("class slot of a dual-use decorator", "python", '''
        def define(maybe_cls=None, *, slots=True):
            """A class decorator.

            Args:
                slots: Create a slotted class.
            """
            def wrap(cls):
                return cls

            if maybe_cls is None:
                return wrap

            return wrap(maybe_cls)
        ''', []),
    ("parameter documented by the parent class it goes to", "python", '''
        class UsageError(Exception):
            """An error.

            :param message: The message.
            :param ctx: The context.
            """
            def __init__(self, message, ctx=None):
                self.ctx = ctx


        class BadParameter(UsageError):
            """A bad parameter.

            :param param: The parameter.
            """
            def __init__(self, message, ctx=None, param=None, hint=None):
                super().__init__(message, ctx)
                self.param = param
        ''', ["hint"]),
    ("private underscore parameter", "python", '''
        def cell_len(text, _cell_len=cached_cell_len):
            """Get the number of cells.

            Args:
                text: Text to measure.
            """
            return _cell_len(text)
        ''', []),
    ("a plain missing parameter is reported", "python", '''
        def scale(value, factor):
            """Scale.

            Args:
                value: The input.
            """
            return value * factor
        ''', ["factor"]),
    ("property setter not judged", "python", '''
        class A:
            @x.setter
            def x(self, value):
                """The x.

                Args:
                    other: Unrelated.
                """
                self._x = value
        ''', []),
]


@pytest.mark.parametrize(("case", "language", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_param_rules(case, language, source, expected):
    findings, _, problems = check_text(
        textwrap.dedent(source), language, f"x.{SUFFIX[language]}", Selection(["CA101", "CA102"])
    )
    assert problems == []
    assert sorted(f.message.split("`")[1] for f in findings) == expected


YIELDS = [
    ("returns a generator built elsewhere", '''
        def walk(self, root):
            """Walk.

            Yields:
                Each node.
            """
            return self._walk(root)
        ''', []),
    ("returns a generator expression", '''
        def names(items):
            """Names.

            Yields:
                Each name.
            """
            return (item.name for item in items)
        ''', []),
    ("returns a list", '''
        def rows(path):
            """Rows.

            Yields:
                One row.
            """
            return list(open(path))
        ''', ["CA105"]),
]


@pytest.mark.parametrize(("case", "source", "expected"), YIELDS, ids=[c[0] for c in YIELDS])
def test_yields(case, source, expected):
    findings, _, problems = check_text(textwrap.dedent(source), "python", "x.py", Selection(["CA105"]))
    assert problems == []
    assert [f.rule for f in findings] == expected


def test_promise_void_is_a_value():
    source = """
        /**
         * Subscribe and wait.
         * @returns A promise that resolves when the source completes.
         */
        function forEach(next: (v: number) => void): Promise<void> { return new Promise(() => {}); }
        """
    findings, _, _ = check_text(textwrap.dedent(source), "typescript", "x.ts", Selection(["CA103"]))
    assert findings == []
