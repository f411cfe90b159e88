"""CA103/CA104 false positives found on real code (the JDK, requests, marshmallow)."""

from __future__ import annotations

import textwrap

import pytest

from codeassist.parsing.parse import parse_source
from codeassist.review.engine import check_text
from codeassist.review.rules.exceptions import ancestors
from codeassist.review.selection import Selection

SUFFIX = {"python": "py", "java": "java", "typescript": "ts", "rust": "rs"}

CASES = [
    # (id, language, source, expected rules)
    ("java non-void body only throws", "java", """
        interface Num {
            /**
             * Returns the value as a long.
             * @return the value
             */
            default long longValue() { throw new UnsupportedOperationException(); }
        }
        """, []),
    ("java void with @return", "java", """
        class A {
            /**
             * Runs.
             * @return nothing really
             */
            void run() { System.out.println(); }
        }
        """, ["CA103"]),
    ("ts body only throws still judged", "typescript", """
        /**
         * Size.
         * @returns The size.
         */
        function size(): number { throw new Error("no"); }
        """, ["CA103"]),
    ("java errors and NPE not for callers", "java", """
        class A {
            /**
             * Reads.
             * @throws java.io.IOException on failure
             */
            void read(Object o) throws java.io.IOException {
                if (o == null) throw new NullPointerException();
                if (o == this) throw new InternalError("bug");
                if (o == "") throw new AssertionError();
                throw new java.io.IOException();
            }
        }
        """, []),
    ("java undocumented checked exception", "java", """
        class A {
            /**
             * Reads.
             * @throws IllegalStateException when closed
             */
            void read() { throw new IllegalArgumentException(); }
        }
        """, ["CA104"]),
    ("java subclass of documented", "java", """
        class A {
            /**
             * Reads.
             * @throws IndexOutOfBoundsException if out of range
             * @throws java.io.IOException on failure
             */
            char at(int i) throws java.io.IOException {
                if (i < 0) throw new StringIndexOutOfBoundsException(i);
                if (i == 0) throw new NotActiveException();
                throw new FileNotFoundException("x");
            }
        }
        """, []),
    ("java local exception class", "java", """
        class A {
            static class MyError extends java.io.IOException {}
            /**
             * Reads.
             * @throws IOException on failure
             */
            void read() throws IOException { throw new MyError(); }
        }
        """, []),
    ("java exception named in prose", "java", """
        interface A {
            /**
             * Removes. The default implementation throws
             * UnsupportedOperationException.
             * @throws IllegalStateException when closed
             */
            default void remove() { throw new UnsupportedOperationException("remove"); }
        }
        """, []),
    ("java inheritDoc body", "java", """
        class A extends B {
            /**
             * {@inheritDoc}
             * @throws IllegalStateException when closed
             */
            @Override
            public void close() { throw new IllegalArgumentException(); }
        }
        """, []),
    ("java throws clause with inheritDoc", "java", """
        class A extends B {
            /**
             * Closes.
             * @throws IOException {@inheritDoc}
             */
            @Override
            public void close() throws IOException, SQLException { throw new SQLException(); }
        }
        """, []),
    ("java override inherits the clause's @throws", "java", """
        class A extends B {
            /**
             * Transfers.
             * @throws NullPointerException if null
             */
            @Override
            public void transfer(Object e) throws InterruptedException { throw new InterruptedException(); }
        }
        """, []),
    ("python local exception class", "python", '''
        class RegistryError(ValueError):
            pass


        def get(name):
            """Get.

            Raises:
                ValueError: When unknown.
            """
            raise RegistryError(name)
        ''', []),
    ("python builtin subclass", "python", '''
        def get(mapping, name):
            """Get.

            Raises:
                LookupError: When unknown.
            """
            raise KeyError(name)
        ''', []),
    ("python undocumented", "python", '''
        def get(mapping, name):
            """Get.

            Raises:
                KeyError: When unknown.
            """
            raise TypeError(name)
        ''', ["CA104"]),
    ("python documented Exception does not cover everything", "python", '''
        def map(fn, chunksize=1):
            """Map.

            Raises:
                Exception: If fn raises for any value.
            """
            if chunksize < 1:
                raise ValueError("chunksize must be >= 1.")
        ''', ["CA104"]),
    ("python bare sphinx raises", "python", '''
        def get_class(name):
            """Get a class.

            :param name: The name.
            :raises: marshmallow.exceptions.RegistryError if the class cannot be found
            """
            raise RegistryError(name)
        ''', []),
    ("java checked exception declared by the throws clause", "java", """
        class Q {
            /**
             * Transfers.
             * @throws NullPointerException if e is null
             */
            public boolean tryTransfer(E e, long timeout) throws InterruptedException {
                if (Thread.interrupted()) throw new InterruptedException();
                return true;
            }
        }
        """, []),
    ("java private method not judged", "java", """
        class L {
            /**
             * Resolves.
             * @throws ReflectiveOperationException if the lookup fails
             */
            @SuppressWarnings("unchecked")
            private Object readResolve() {
                if (x) throw new RuntimeException("wrapped");
                return this;
            }
        }
        """, []),
    ("java fail-fast modification check", "java", """
        class V {
            /**
             * @throws NullPointerException {@inheritDoc}
             */
            public void forEach(Consumer<? super E> action) {
                if (modCount != expected) throw new ConcurrentModificationException();
            }
        }
        """, []),
    ("rust async fn returns a future", "rust", """
        impl Sender {
            /// Waits for the receiver to close.
            ///
            /// # Returns
            ///
            /// A future that completes when the receiver is dropped.
            pub async fn closed(&mut self) {
                poll_fn(|cx| self.poll_closed(cx)).await
            }
        }
        """, []),
    ("rust plain fn without a return type", "rust", """
        /// Close.
        ///
        /// # Returns
        ///
        /// Whether it was open.
        pub fn close(&mut self) {
            self.open = false;
        }
        """, ["CA103"]),
    ("ts subclass of Error", "typescript", """
        /**
         * Parse.
         * @throws {Error} On bad input.
         */
        function parse(text: string): number { if (!text) { throw new TypeError("empty"); } return 1; }
        """, []),
]


@pytest.mark.parametrize(("case", "language", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rules(case, language, source, expected):
    findings, _, problems = check_text(
        textwrap.dedent(source), language, f"x.{SUFFIX[language]}", Selection(["CA103", "CA104"])
    )
    assert problems == []
    assert sorted(f.rule for f in findings) == expected


@pytest.mark.parametrize(
    ("language", "source", "bases"),
    [
        ("java", "class A extends java.io.IOException implements Foo<X>, Bar {}",
         ("java.io.IOException", "Foo", "Bar")),
        ("java", "interface I extends J, K {}", ("J", "K")),
        ("python", "class E(errors.Base, ValueError, metaclass=M):\n    pass\n",
         ("errors.Base", "ValueError")),
    ],
)
def test_class_bases(language, source, bases):
    units = parse_source(source, language, f"x.{SUFFIX[language]}").units
    assert units[0].bases == bases


def test_ancestors():
    assert {"IndexOutOfBoundsException", "RuntimeException", "Throwable"} <= ancestors(
        "java.lang.StringIndexOutOfBoundsException", "java"
    )
    assert {"OSError", "Exception", "BaseException"} <= ancestors("FileNotFoundError", "python")
    assert ancestors("TypeError", "typescript") == {"TypeError", "Error"}
    assert "ValueError" in ancestors("RegistryError", "python", {"RegistryError": ("ValueError",)})
