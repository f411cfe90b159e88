"""CA1xx rules in the other languages that have parameter documentation, and none for Go."""

from __future__ import annotations

import textwrap

import pytest

from codeassist.review.engine import check_text
from codeassist.review.selection import Selection

CASES = [
    # (id, language, source, expected rules)
    ("js clean", "javascript", """
        /**
         * Add.
         * @param {number} a - First.
         * @param {number} b - Second.
         * @returns {number} The sum.
         */
        function add(a, b) { return a + b; }
        """, []),
    ("js renamed", "javascript", """
        /**
         * Add.
         * @param {number} a - First.
         * @param {number} c - Second.
         */
        function add(a, b) { return a + b; }
        """, ["CA101", "CA102"]),
    ("js returns nothing", "javascript", """
        /**
         * Log.
         * @param {string} msg
         * @returns {boolean} Whether it was logged.
         */
        const log = (msg) => { console.log(msg); };
        """, ["CA103"]),
    ("js arrow expression returns", "javascript", """
        /**
         * Double.
         * @param {number} x
         * @returns {number}
         */
        const double = (x) => x * 2;
        """, []),
    ("js destructured params not judged", "javascript", """
        /**
         * Draw.
         * @param {Object} opts
         * @param {number} opts.width
         */
        function draw({ width, height }) {}
        """, []),
    ("js reads undeclared parameters through arguments", "javascript", """
        /**
         * Merge objects.
         * @param {Object} obj1 - The first object.
         * @returns {Object} The result.
         */
        function merge(/* obj1, obj2, ... */) { return Object.assign({}, ...arguments); }
        """, []),
    ("js constructor function returns its instance", "javascript", """
        /**
         * An error for cancelled requests.
         * @param {string} message - The message.
         * @returns {CanceledError} The created error.
         */
        function CanceledError(message) { this.message = message; }
        """, []),
    ("js undocumented throw", "javascript", """
        /**
         * Parse.
         * @param {string} s
         * @throws {TypeError} When s is not a string.
         */
        function parse(s) { if (!s) { throw new RangeError("empty"); } }
        """, ["CA104"]),
    ("ts void", "typescript", """
        /**
         * Save.
         * @param record - The record.
         * @returns The new id.
         */
        export function save(record: Row): void { db.insert(record); }
        """, ["CA103"]),
    ("ts method added param", "typescript", """
        class Store {
          /**
           * Get a value.
           * @param key - The key.
           */
          get(key: string, fallback?: string): string { return this.m[key] ?? fallback; }
        }
        """, ["CA102"]),
    ("ts abstract method is a stub", "typescript", """
        abstract class Shape {
          /**
           * Area.
           * @returns The area.
           */
          abstract area(): number;
        }
        """, []),
    ("java void with @return", "java", """
        class A {
          /**
           * Apply.
           * @param x the value
           * @return the result
           */
          public void apply(int x) { this.v = x; }
        }
        """, ["CA103"]),
    ("java removed param", "java", """
        class A {
          /**
           * Apply.
           * @param x the value
           * @param y gone
           * @param <T> a type parameter is not a parameter
           */
          public <T> int apply(int x) { return x; }
        }
        """, ["CA101"]),
    ("java interface method is a stub", "java", """
        interface A {
          /**
           * Size.
           * @return the size
           */
          int size();
        }
        """, []),
    ("rust removed argument", "rust", """
        /// Parse.
        ///
        /// # Arguments
        ///
        /// * `code` - The code.
        /// * `strict` - Gone.
        pub fn parse(code: &str) -> String { code.to_string() }
        """, ["CA101"]),
    ("rust returns section without return type", "rust", """
        /// Store.
        ///
        /// # Arguments
        ///
        /// * `value` - The value.
        ///
        /// # Returns
        ///
        /// The previous value.
        pub fn store(&mut self, value: u32) { self.v = value; }
        """, ["CA103"]),
    ("rust self is not documented", "rust", """
        impl Counter {
            /// Add.
            ///
            /// # Arguments
            ///
            /// * `n` - How many.
            pub fn add(&mut self, n: u32) -> u32 { self.v += n; self.v }
        }
        """, []),
    ("go has no parameter sections", "go", """
        // Scale multiplies value by factor and returns it.
        func Scale(value int, factor int) int { return value * factor }
        """, []),
]

SUFFIX = {"javascript": "js", "typescript": "ts", "java": "java", "rust": "rs", "go": "go"}


@pytest.mark.parametrize(("case", "language", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rules(case, language, source, expected):
    findings, _, problems = check_text(
        textwrap.dedent(source), language, f"x.{SUFFIX[language]}", Selection(["CA1"])
    )
    assert problems == []
    assert sorted(f.rule for f in findings) == expected


def test_suppression_in_a_line_comment():
    source = textwrap.dedent("""
        // codeassist: ignore[CA101]
        /**
         * Add.
         * @param {number} c - Gone.
         */
        function add() { return 1; }  // codeassist: ignore[CA101]
        """)
    findings, suppressed, _ = check_text(source, "javascript", "x.js", Selection(["CA"]))
    assert suppressed == 1
    assert [(f.rule, f.line) for f in findings] == [("CA001", 2)]  # the first one covers nothing
