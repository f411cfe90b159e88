"""Code spans and blocks in Markdown and reST."""

from __future__ import annotations

from codeassist.parsing.markup import code_lines
MARKDOWN = """# Title

Use `fetch(url)` and ``double `tick` span``.

```python
fetch(url, timeout=3)
```

~~~
--verbose
~~~
Plain timeout prose.
"""

RST = """Title
=====

Call ``fetch(url)`` like this::

    fetch(url, timeout=3)

Back to prose with timeout.
"""


def test_markdown():
    found = {(c.line, c.code.strip(), c.block) for c in code_lines(MARKDOWN, ".md")}
    assert found == {(3, "fetch(url) double `tick` span", 0), (6, "fetch(url, timeout=3)", 5), (10, "--verbose", 9)}


def test_rst():
    found = {(c.line, c.code.strip(), c.block) for c in code_lines(RST, ".rst")}
    assert found == {(4, "fetch(url)", 0), (6, "fetch(url, timeout=3)", 5)}
