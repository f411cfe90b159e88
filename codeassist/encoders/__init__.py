"""The two encoders (documentation, code) into one vector space, and their cache.

`encode_docs` and `encode_code` are re-exported lazily from `codeassist`; importing this
package does not import torch.
"""

from __future__ import annotations

from typing import Any

__all__ = ["encode_code", "encode_docs"]


def __getattr__(name: str) -> Any:
    if name == "encode_docs":
        from codeassist.encoders.text import encode_docs
        return encode_docs
    if name == "encode_code":
        from codeassist.encoders.code import encode_code
        return encode_code
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
