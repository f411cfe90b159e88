"""CA1xx on JavaScript/TypeScript shapes that real packages use (rxjs, express, commander)."""

from __future__ import annotations

import textwrap

import pytest

from codeassist.parsing.parse import parse_source
from codeassist.review.engine import check_text
from codeassist.review.selection import Selection

SUFFIX = {"javascript": "js", "typescript": "ts"}

CASES = [
    # (id, language, source, expected (rule, name-in-message) pairs)
    ("overload doc written on a signature", "typescript", """
        class Notification {
          /**
           * Runs the next handler.
           * @param next The next handler
           */
          do(next: (value: T) => void): void;
          do(nextHandler: (value: T) => void, errorHandler?: (err: any) => void): void {}
        }
        """, []),
    ("implementation doc names an overload's parameter", "typescript", """
        export function of<T>(value: T): Observable<T>;
        export function of<A extends unknown[]>(...values: A): Observable<A>;
        /**
         * Emits its arguments.
         * @param values The values to emit.
         */
        export function of<T>(...args: Array<T | SchedulerLike>): Observable<T> {
          return from(args);
        }
        """, []),
    ("implementation param only in deprecated overloads", "typescript", """
        export function switchMap<T, O>(project: (value: T) => O): OperatorFunction<T, O>;
        /** @deprecated Use an inner `map` instead. */
        export function switchMap<T, R, O>(project: (value: T) => O, resultSelector: R): OperatorFunction<T, R>;
        /**
         * Switches.
         * @param project A function that returns an Observable.
         */
        export function switchMap<T, R, O>(project: (value: T) => O, resultSelector?: R): OperatorFunction<T, R> {
          return operate(project, resultSelector);
        }
        """, []),
    ("overloaded: a name of no signature is still stale", "typescript", """
        export function repeat<T>(count: number): MonoTypeOperatorFunction<T>;
        /**
         * Repeats.
         * @param times How often.
         */
        export function repeat<T>(countOrConfig?: number): MonoTypeOperatorFunction<T> {
          return operate(countOrConfig);
        }
        """, [("CA101", "times")]),
    ("not overloaded: true findings stay", "typescript", """
        /**
         * Repeats.
         * @param count How often.
         */
        export function repeat<T>(countOrConfig?: number): MonoTypeOperatorFunction<T> {
          return operate(countOrConfig);
        }
        """, [("CA101", "count"), ("CA102", "countOrConfig")]),
    ("parameter properties documented by their public name", "typescript", """
        export class ReplaySubject<T> {
          /**
           * @param bufferSize The size of the buffer.
           * @param windowTime How long items stay buffered.
           */
          constructor(private _bufferSize = Infinity, private readonly _windowTime = Infinity) {}
        }
        """, []),
    ("an underscore without a modifier is another name", "typescript", """
        /**
         * @param bufferSize The size of the buffer.
         */
        function make(_bufferSize = Infinity) {}
        """, [("CA101", "bufferSize"), ("CA102", "_bufferSize")]),
    ("@return never documents a call that exits", "javascript", """
        class Command {
          /**
           * Exits.
           * @param {number} exitCode
           * @return never
           */
          _exit(exitCode) {
            process.exit(exitCode);
          }
        }
        """, []),
    ("@returns {never} too", "typescript", """
        /**
         * Fails.
         * @returns {never}
         */
        function fail(): void {
          throw new Error("x");
        }
        """, []),
    ("property assignment of a function expression", "javascript", """
        /**
         * Set status `code`.
         * @param {Number} code
         * @param {String} reason
         */
        res.status = function status(code) {
          this.statusCode = code;
        };
        """, [("CA101", "reason")]),
    ("prototype assignment", "javascript", """
        /**
         * Bars.
         * @param a First.
         */
        Foo.prototype.bar = function (a, b) {};
        """, [("CA102", "b")]),
    ("exports assignment of an arrow function", "javascript", """
        /**
         * Does x.
         * @param y Why.
         */
        module.exports.x = (y) => y;
        """, []),
]


@pytest.mark.parametrize(("case", "language", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rules(case, language, source, expected):
    findings, _, problems = check_text(
        textwrap.dedent(source), language, f"x.{SUFFIX[language]}", Selection(["CA1"])
    )
    assert problems == []
    got = sorted((f.rule, f.message.split("`")[1]) for f in findings)
    assert got == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("res.status = function status(code) {};", [("method", "status", "res.status")]),
        ("Foo.prototype.bar = function (a) {};", [("method", "bar", "Foo.bar")]),
        ("exports.x = function (a) {};", [("function", "x", "x")]),
        ("module.exports.y = (a) => a;", [("function", "y", "y")]),
        ("module.exports = function (a) {};", []),  # names no function
        ("a.b = 1;", []),
    ],
)
def test_property_assignments_are_units(source, expected):
    units = parse_source(source, "javascript").units
    assert [(u.kind, u.name, u.qualname) for u in units] == expected


def test_assigned_function_keeps_its_doc_and_params():
    source = "/**\n * Set.\n * @param code The code.\n */\nres.status = function (code) {};\n"
    (unit,) = parse_source(source, "javascript").units
    assert [p.name for p in unit.params] == ["code"]
    assert unit.doc is not None and [i.name for i in unit.doc.parsed.params] == ["code"]
    assert unit.start_line == 5


def test_overload_parameters_are_recorded():
    source = "function f(a: string): void;\nfunction f(a: number, b: number): void;\nfunction f(...x: any[]) {}\n"
    (unit,) = parse_source(source, "typescript").units
    assert [[p.name for p in o] for o in unit.overloads] == [["a"], ["a", "b"]]
