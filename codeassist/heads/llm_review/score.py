"""Which added line of a hunk has the bug: the line head on the LLM's reading of it.

`score_lines` reads the hunk once with the model (features.py) and gives each added line the
head's probability that it is the bug; comments.py comments on the best line when it clears
the head's threshold.
"""

from __future__ import annotations

from typing import Any

from codeassist.heads.asset import Head
from codeassist.heads.llm_review.features import design, line_features


def score_lines(lm: Any, head: Head, path: str, view: str, added: set[int]) -> list[tuple[int, float]]:
    """Score each added line of one hunk.

    Args:
        lm: A loaded model (the default base: the head was trained on its states).
        head: The line head.
        path: The file's path.
        view: The hunk as `hunkview.render_hunk` shows it.
        added: The added line numbers.

    Returns:
        (line, probability that it is the bug), best first; [] when no added line is shown.
    """
    if not added:
        return []
    numbers, rows = line_features(lm, path, view, added)
    if not numbers:
        return []
    probabilities = head.probabilities(design(rows))
    return sorted(zip(numbers, probabilities.tolist()), key=lambda pair: -pair[1])
