"""The Python docstring conventions, one module each: `google`, `numpy` and `sphinx`.

Each convention module has the same two verbs: `matches(lines)` says whether a docstring's
lines use that convention, and `parse(lines, text)` reads its sections into a `Sections`
collector (`sections.py`). `common` holds the line and name helpers they share.
`codeassist.parsing.docstrings` picks the convention and is the entry point.
"""
