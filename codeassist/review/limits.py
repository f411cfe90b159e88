"""Defaults of `codeassist review`, kept apart so `--help` imports nothing heavy."""

from __future__ import annotations

# reviewdog's filter modes; see diffreview.py for what each keeps.
FILTER_MODES = ("added", "diff_context", "file", "nofilter")
DEFAULT_MAX_FILES = 300
DEFAULT_MAX_DIFF_LINES = 5000
