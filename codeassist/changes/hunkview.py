"""The numbered hunk view the review model reads: written once, read back by its readers.

CA501 shows the model each changed hunk with its lines numbered and the added ones marked
"+" (`render_hunk`, `numbered_hunk`); the review corpus (training/data/mine_review.py) renders
its examples with the same function, so the model is trained on exactly the view it is shown.
The line head needs each added line's position in the text (`line_spans`), the explanation
check and the benchmarks need each line's code (`shown_lines`): both read the view with VIEW_LINE.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from codeassist.changes.gitdiff import Hunk

CONTEXT = 3  # unchanged lines shown around a hunk's added lines
MAX_VIEW_LINES = 40  # a longer hunk is shown on its first lines only (prompt length)
VIEW_LINE = re.compile(r"^\s*(\d+) ([+ ]) (.*)$")  # number, marker, code


def render_hunk(lines: Sequence[str], first: int, added: set[int]) -> str:
    """Number lines for the prompt, marking the added ones with "+".

    Args:
        lines: The lines to show, in order.
        first: The line number of `lines[0]`.
        added: The line numbers the change added.

    Returns:
        One line per input line: number, marker, text.
    """
    return "\n".join(f"{n:>5} {'+' if n in added else ' '} {line}" for n, line in enumerate(lines, first))


def numbered_hunk(text: str, hunk: Hunk) -> tuple[str, set[int]]:
    """Render one hunk as CA501 shows it: its lines with CONTEXT around, at most MAX_VIEW_LINES.

    Args:
        text: The file's new text.
        hunk: The hunk.

    Returns:
        The view and the added line numbers it shows.
    """
    lines = text.splitlines()
    added = set(range(hunk.new_start, hunk.new_start + hunk.new_count))
    first = max(1, hunk.new_start - CONTEXT)
    last = min(len(lines), hunk.new_start + hunk.new_count - 1 + CONTEXT, first + MAX_VIEW_LINES - 1)
    added &= set(range(first, last + 1))
    return render_hunk(lines[first - 1 : last], first, added), added


def shown_lines(view: str) -> dict[int, str]:
    """Read a view back: line number → code.

    Args:
        view: The rendered hunk.

    Returns:
        The code of each numbered line.
    """
    return {int(m.group(1)): m.group(3) for m in map(VIEW_LINE.match, view.splitlines()) if m}


def line_spans(view: str, offset: int, added: set[int]) -> list[tuple[int, int, int]]:
    """Return (line number, code start, line end) character spans of a view's added lines.

    Args:
        view: The rendered hunk.
        offset: Where the view starts in the text the model reads.
        added: The added line numbers.

    Returns:
        One span per added line shown, in order.
    """
    spans = []
    position = offset
    for line in view.split("\n"):
        match = VIEW_LINE.match(line)
        if match and int(match.group(1)) in added:
            spans.append((int(match.group(1)), position + match.start(3), position + len(line)))
        position += len(line) + 1
    return spans
