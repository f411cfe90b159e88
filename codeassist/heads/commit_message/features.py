"""CA401's features: how well a commit message matches the summary of a change.

A change is summarised the way its diff shows it (`summary.py`): the changed paths, the
function context of each hunk, and the removed and added lines. The message is compared with
that summary lexically (its words that the change's identifiers, paths and strings contain)
and semantically (the documentation encoder's cosine between the message and the summary,
and between the message and the names alone). The recipe and the rule build the same rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from codeassist.encoders.lexical import lexical_tokens
from codeassist.heads.commit_message.summary import DiffSummary, names_text, summary_text

FEATURES = ("cos_change", "cos_names", "overlap", "shared_log", "message_words_log",
            "change_lines_log", "path_hit")
_URL = re.compile(r"https?://\S+")
_TRAILER = re.compile(r"^[A-Z][A-Za-z-]+: .*$", re.M)
# Words every change "contains" or every message uses; they carry no evidence of a match.
_FILLER = frozenset(
    "add added adds fix fixed fixes fixing use used uses using make makes remove removed removes "
    "update updated updates change changed changes support new now also when not don all can "
    "instead should would could patch debian upstream code file files none true false "
    "return def class import none var let const func function python".split()
)


def message_text(message: str) -> str:
    """Return the part of a message that describes the change: subject and first paragraph.

    Args:
        message: The commit message (git comment lines are dropped).

    Returns:
        Subject and first body paragraph, without URLs and trailers, at most 600 characters.
    """
    kept = "\n".join(line for line in message.splitlines() if not line.startswith("#"))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", kept) if p.strip()]
    text = "\n".join(paragraphs[:2])
    return _TRAILER.sub("", _URL.sub("", text)).strip()[:600]


def _words(text: str) -> set[str]:
    return {w for w in lexical_tokens(text) if len(w) > 2 and not w.isdigit() and w not in _FILLER}


def feature_rows(
    pairs: Sequence[tuple[str, DiffSummary]], encode: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """Compute FEATURES for (message, change) pairs.

    Args:
        pairs: Messages with the summaries of the changes they are compared with.
        encode: The documentation encoder (texts → L2-normalised rows).

    Returns:
        A float32 array of shape (len(pairs), len(FEATURES)).
    """
    if not pairs:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    messages = [message_text(message) for message, _ in pairs]
    vectors = encode(messages + [summary_text(s) for _, s in pairs] + [names_text(s) for _, s in pairs])
    count = len(pairs)
    cos_change = np.sum(vectors[:count] * vectors[count:2 * count], axis=1)
    cos_names = np.sum(vectors[:count] * vectors[2 * count:], axis=1)
    rows = []
    for (_, summary), text, change_cos, names_cos in zip(pairs, messages, cos_change, cos_names):
        said = _words(text)
        shown = _words("\n".join((*summary.paths, *summary.contexts, *summary.removed, *summary.added)))
        path_words = _words(" ".join(summary.paths))
        shared = said & shown
        rows.append([
            float(change_cos), float(names_cos), len(shared) / max(len(said), 1),
            math.log1p(len(shared)), math.log1p(len(said)),
            math.log1p(len(summary.removed) + len(summary.added)), float(bool(said & path_words)),
        ])
    return np.asarray(rows, dtype=np.float32)
