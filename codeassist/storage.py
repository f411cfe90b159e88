"""Where codeassist keeps things, and writing files without ever leaving one half-written.

Three homes, each found in one place: the user cache (`cache_root`: parse results,
embeddings, converted models), the trained artifacts shipped inside the package
(`asset_dir`), and the atomic writer every command and cache uses (`write_atomic`).
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path


def cache_root() -> Path:
    """Return codeassist's cache directory: `$CODEASSIST_CACHE_DIR`, else the user cache dir.

    Returns:
        The directory (not created yet).
    """
    base = os.environ.get("CODEASSIST_CACHE_DIR")
    if not base:
        from platformdirs import user_cache_dir

        base = user_cache_dir("codeassist")
    return Path(base)


def asset_dir(name: str) -> Path:
    """Return the directory of a shipped artifact, e.g. "code-encoder" or "doc-drift-head".

    Args:
        name: The folder's name under codeassist/assets.

    Returns:
        The directory inside the installed package (it may not exist).
    """
    return Path(str(resources.files("codeassist").joinpath("assets", name)))


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
        # mkstemp makes the file 0600; a rewritten file keeps its mode, a new one follows the umask.
        os.chmod(temporary, _mode_for(path))
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


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
