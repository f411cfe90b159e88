"""`codeassist search QUERY`: find units by what they do (BM25 + code encoder)."""

from __future__ import annotations

import json
from pathlib import Path

from codeassist.errors import EXIT_CLEAN, CodeassistError


def search(*, query: str, k: int = 10, as_json: bool = False, path: Path = Path("."), rerank: int = 0) -> int:
    """Rank the indexed units of the project by hybrid retrieval and print them.

    Args:
        query: What the code does, in words.
        k: The number of results.
        as_json: Print the results as JSON instead of one per line.
        path: A directory inside the project.
        rerank: How many of the best candidates the cross-encoder reorders (0: none).

    Returns:
        0.

    Raises:
        CodeassistError: When `k` or `rerank` is out of range.
    """
    from codeassist.changes import files
    from codeassist.search import index
    if k <= 0:
        raise CodeassistError("-k must be positive", "pass the number of results, e.g. -k 10")
    if rerank < 0:
        raise CodeassistError("--rerank must be 0 or more", "pass how many candidates to rerank, e.g. --rerank 20")
    hits = index.search(files.find_root(path), query, k=k, rerank=rerank)
    if as_json:
        from dataclasses import asdict

        print(json.dumps([asdict(hit) for hit in hits], indent=2))
    else:
        for hit in hits:
            print(hit)
    return EXIT_CLEAN
