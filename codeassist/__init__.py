"""codeassist: a local code reviewer that reads code and documentation as two modalities."""

from __future__ import annotations

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # Lazy re-exports: `import codeassist` must not import torch (the static rules never need it).
    if name in ("encode_docs", "encode_code"):
        from codeassist import encoders
        return getattr(encoders, name)
    if name == "drift_score":
        from codeassist.heads.doc_drift.score import drift_score
        return drift_score
    if name == "generate_docstring":
        from codeassist.generate.docstrings import generate_docstring
        return generate_docstring
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
