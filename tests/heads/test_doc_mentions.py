"""Prose chunks of Markdown/reST and the lexical side of CA301's semantic matcher."""

from __future__ import annotations

import pytest

from codeassist.heads.doc_mentions.targets import doc_changes, is_prose_doc, name_words, text_words
from codeassist.heads.doc_mentions.score import best_matches
from codeassist.parsing.markup import prose_chunks
from codeassist.parsing.pairing import pair_units
from codeassist.parsing.parse import parse_source
MARKDOWN = """# Title

Use `fetch(url)` to download a page; it waits up to
timeout seconds.

```python
fetch(url, timeout=3)
```

- the first item says something about retries
- short item
| a table | row |

## Usage
<!-- a comment line -->
Plain prose in the usage section, long enough.
"""
RST = """Title
=====

Call ``fetch(url)`` like this to get a page::

    fetch(url, timeout=3)

Back to prose with timeout and some more words.

.. code-block:: python

    fetch(url, timeout=3) is code, not prose

.. note::

   The note body is prose and long enough.

Sub
---
Paragraph in the sub section with enough words.

>>> fetch(url, timeout=3)  # a doctest is code, not prose
'page'
"""


def test_markdown_chunks():
    assert [(c.line, c.end_line, c.text, c.section) for c in prose_chunks(MARKDOWN, ".md")] == [
        (3, 4, "Use `fetch(url)` to download a page; it waits up to timeout seconds.", "Title"),
        (10, 10, "the first item says something about retries", "Title"),
        (16, 16, "Plain prose in the usage section, long enough.", "Usage"),
    ]


def test_rst_chunks():
    assert [(c.line, c.text, c.section) for c in prose_chunks(RST, ".rst")] == [
        (4, "Call ``fetch(url)`` like this to get a page:", "Title"),
        (8, "Back to prose with timeout and some more words.", "Title"),
        (16, "The note body is prose and long enough.", "Title"),
        (20, "Paragraph in the sub section with enough words.", "Sub"),
    ]


@pytest.mark.parametrize(("name", "words"), [
    ("parse_date", ["parse", "date"]), ("parseDate", ["parse", "date"]),
    ("HTTPClient.get_json", ["http", "client", "get", "json"]),
])
def test_name_words(name, words):
    assert name_words(name) == words


@pytest.mark.parametrize(("path", "prose"), [
    ("README.md", True), ("docs/guide/usage.rst", True), ("docs/changelog.rst", False),
    ("CHANGES.md", False), ("src/pkg/notes.md", False), ("docs/conf.py", False),
])
def test_which_documents_are_matched(path, prose):
    assert is_prose_doc(path) is prose


OLD = '''def fetch_page(url, timeout=10):
    """Download a web page."""


def _helper(x):
    pass


def moved(a):
    pass


def grown(a):
    pass
'''
NEW = '''def fetch_page(url, deadline=10):
    """Download a web page."""


def grown(a, b=1):
    pass
'''


def test_doc_changes_keep_renamed_and_removed_public_units():
    old = parse_source(OLD, "python", "net/client.py").units
    new = parse_source(NEW, "python", "net/client.py").units
    elsewhere = parse_source("def moved(a):\n    pass\n", "python", "net/other.py").units
    units = [("net/client.py", c) for c in pair_units(old, new, frozenset())]
    units += [("net/other.py", c) for c in pair_units([], elsewhere, frozenset())]
    changes = {c.qualname: c for c in doc_changes(units)}
    assert sorted(changes) == ["fetch_page"]  # private, moved and widened units are left out
    change = changes["fetch_page"]
    assert change.what == "parameter `timeout` of `fetch_page` was renamed to `deadline`"
    assert change.words == {"fetch", "page"} and change.params == {"timeout"} and change.module == "client"
    assert change.query.startswith("fetch page — fetch_page(url, timeout): Download a web page.")
    assert {"timeout", "pages", "page", "fetch"} <= text_words("Fetch pages with fetch_page and a timeout")


def test_chunks_sharing_no_word_are_never_encoded():
    old = parse_source(OLD, "python", "net/client.py").units
    new = parse_source(NEW, "python", "net/client.py").units
    changes = doc_changes(("net/client.py", c) for c in pair_units(old, new, frozenset()))
    chunks = prose_chunks("The project is released under the MIT licence for everyone.\n", ".md")

    def encode(texts):
        raise AssertionError(f"encoded {texts}")

    assert best_matches(changes, chunks, encode) == []
    assert best_matches(changes, [], encode) == []


def test_an_overload_added_in_the_middle_removes_nothing():
    # click 8.2 `edit`: overloads pair up in order, so one seemed to lose `filename`.
    old = '''@overload
def edit(text: str) -> str: ...
@overload
def edit(filename: str) -> None: ...
def edit(text=None, filename=None):
    pass
'''
    new = old.replace("@overload\ndef edit(filename", "@overload\ndef edit(text: bytes) -> bytes: ...\n@overload\ndef edit(filename")
    pairs = pair_units(parse_source(old, "python", "t.py").units, parse_source(new, "python", "t.py").units, frozenset())
    assert any(p.signature for p in pairs)
    assert doc_changes(("t.py", p) for p in pairs) == []
