"""codeassist: a local code reviewer that reads code and documentation as two modalities."""

from __future__ import annotations

__version__ = "0.1.0"
