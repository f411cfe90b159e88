"""`codeassist index [PATH]`: build or refresh the project's semantic search index."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from codeassist.errors import EXIT_CLEAN, CodeassistError


def index(*, path: Path = Path(".")) -> int:
    """Build or refresh the search index of the project that holds `path`.

    Args:
        path: A directory inside the project.

    Returns:
        0.

    Raises:
        CodeassistError: When `path` is not a directory.
    """
    from codeassist.changes import files
    from codeassist.search import index as search_index
    if not path.is_dir():
        raise CodeassistError(f"not a directory: {path}", "pass a directory inside the project")
    root = files.find_root(path)
    with _progress() as progress:
        stats = search_index.build(root, progress=progress)
    for skipped in stats.skipped:
        print(f"codeassist: skipped {skipped}", file=sys.stderr)
    print(f"codeassist: indexed {stats.units} units in {stats.files} files "
          f"({stats.reparsed_files} re-embedded) into {search_index.index_dir(root)}", file=sys.stderr)
    return EXIT_CLEAN


@contextmanager
def _progress() -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """Yield an `index.Progress`: one bar per stage on stderr, drawn only on a terminal."""
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bars:

        def stage(description: str, total: int) -> Callable[[int], None]:
            task = bars.add_task(description, total=total)
            return lambda n: bars.advance(task, n)

        yield stage
