"""Writing files without ever leaving one half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write text or bytes to `path` through a temporary file and a rename.

    Args:
        path: The destination.
        content: The text (written as UTF-8) or bytes to write.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        if isinstance(content, bytes):
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
