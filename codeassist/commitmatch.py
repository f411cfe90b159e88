"""Does a commit message describe its change? Features and the learned head behind CA401.

A change is summarised the way its diff shows it: the changed paths, the function context of
each hunk (what git prints after `@@`: the nearest line above the hunk that starts at column
0 — a `def`, `class`, `function` or `func` line for most code), and the removed and added
lines. The message is compared with that summary lexically (its words that the change's
identifiers, paths and strings contain) and semantically (the documentation encoder's cosine
between the message and the summary, and between the message and the names alone).

A logistic head over those features (training/recipes/train_message_head.py, trained on
Debian's patches: real messages with their diffs, against the same messages paired with
another patch's diff) gives the probability that the message describes a different change.
Its threshold is set on held-out packages so that only a small share of real messages is
flagged; `codeassist/assets/message-head/MODEL_CARD.md` has the data and numbers.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from codeassist.gitdiff import CONTEXT_LINES, ChangeSet
from codeassist.matching import lexical_tokens
from codeassist.parsing.languages import language_for_path

FEATURES = ("cos_change", "cos_names", "overlap", "shared_log", "message_words_log",
            "change_lines_log", "path_hit")
MAX_SUMMARY_LINES = 40
_FUNCNAME = re.compile(r"^[A-Za-z_$]")
_DEFINITION = re.compile(r"\b(?:def|class|function|func|fn|struct|interface|enum|impl|type)\s+"
                         r"(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)")
_URL = re.compile(r"https?://\S+")
_TRAILER = re.compile(r"^[A-Z][A-Za-z-]+: .*$", re.M)
# Words every change "contains" or every message uses; they carry no evidence of a match.
_FILLER = frozenset(
    "add added adds fix fixed fixes fixing use used uses using make makes remove removed removes "
    "update updated updates change changed changes support new now also when not don all can "
    "instead should would could patch debian upstream code file files none true false "
    "return def class import none var let const func function python".split()
)


@dataclass(frozen=True)
class ChangeSummary:
    """What a diff shows of a change.

    Attributes:
        paths: The changed source files.
        contexts: Each hunk's function context, as git prints it after `@@`.
        removed: Removed lines.
        added: Added lines.
    """

    paths: tuple[str, ...]
    contexts: tuple[str, ...]
    removed: tuple[str, ...]
    added: tuple[str, ...]


def summary_from_files(files: Iterable[dict]) -> ChangeSummary:
    """Build a summary from mined diff rows (training/data/mine_commits.py's FileDiff dicts).

    Args:
        files: Dicts with path, contexts, removed, added.

    Returns:
        The summary of the source files among them.
    """
    files = [f for f in files if language_for_path(f["path"]) is not None]
    return ChangeSummary(
        tuple(f["path"] for f in files),
        tuple(c for f in files for c in f["contexts"]),
        tuple(line for f in files for line in f["removed"]),
        tuple(line for f in files for line in f["added"]),
    )


def summary_from_changeset(changes: ChangeSet) -> ChangeSummary:
    """Build a summary from a ChangeSet, with git's default function context per hunk.

    Args:
        changes: The change.

    Returns:
        The summary of its source files in languages codeassist parses.
    """
    paths: list[str] = []
    contexts: list[str] = []
    removed: list[str] = []
    added: list[str] = []
    for change in changes.files:
        if language_for_path(change.path) is None or change.unreadable:
            continue
        old = (change.old_text or "").splitlines()
        new = (change.new_text or "").splitlines()
        paths.append(change.path)
        last_old = -2 * CONTEXT_LINES - 1  # old-side line where the previous git hunk's changes end
        for hunk in change.hunks:
            first = hunk.old_start if hunk.old_count else hunk.old_start + 1
            if first - last_old - 1 > 2 * CONTEXT_LINES:  # git joins hunks whose contexts touch
                context = _function_context(old, first - CONTEXT_LINES)
                if context:
                    contexts.append(context)
            last_old = first + hunk.old_count - 1
            removed += old[hunk.old_start - 1: hunk.old_start - 1 + hunk.old_count]
            added += new[hunk.new_start - 1: hunk.new_start - 1 + hunk.new_count]
    return ChangeSummary(tuple(paths), tuple(contexts), tuple(removed), tuple(added))


def _function_context(lines: list[str], hunk_start: int) -> str:
    """Git's default funcname: the nearest line above the hunk that starts with a letter, _ or $.

    The hunk starts CONTEXT_LINES above its first change, as in the 3-line diffs of training.
    """
    for index in range(min(hunk_start - 1, len(lines)) - 1, -1, -1):
        if _FUNCNAME.match(lines[index]):
            return lines[index].strip()[:80]
    return ""


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


def summary_text(summary: ChangeSummary) -> str:
    """Render a summary for the text encoder: paths, contexts, then changed lines.

    Args:
        summary: The change.

    Returns:
        A short text, at most MAX_SUMMARY_LINES changed lines.
    """
    lines = [line.strip() for line in (*summary.removed, *summary.added) if line.strip()]
    return "\n".join([" ".join(summary.paths), *dict.fromkeys(summary.contexts), *lines[:MAX_SUMMARY_LINES]])


def names_text(summary: ChangeSummary) -> str:
    """Render the change's names as words: path parts and function contexts, split into words.

    Args:
        summary: The change.

    Returns:
        Space-separated sub-words.
    """
    return " ".join(dict.fromkeys(lexical_tokens(" ".join((*summary.paths, *summary.contexts)))))


def context_names(summary: ChangeSummary) -> list[str]:
    """Return the names of the definitions around the hunks (`def parse(` → `parse`).

    Args:
        summary: The change.

    Returns:
        Names in hunk order, repeats included.
    """
    return [m.group(1) for context in summary.contexts if (m := _DEFINITION.search(context))]


def changed_names(summary: ChangeSummary) -> list[str]:
    """Return the names a reader would say the change touched, most direct first.

    Definitions on added or removed lines come before the definitions around the hunks (git's
    context of an insertion is the function above it, not the one inserted).

    Args:
        summary: The change.

    Returns:
        Distinct names.
    """
    defined = [m.group(1) for line in (*summary.added, *summary.removed) if (m := _DEFINITION.search(line))]
    return list(dict.fromkeys(defined + context_names(summary)))


def _words(text: str) -> set[str]:
    return {w for w in lexical_tokens(text) if len(w) > 2 and not w.isdigit() and w not in _FILLER}


def feature_rows(
    pairs: Sequence[tuple[str, ChangeSummary]], encode: Callable[[list[str]], np.ndarray]
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


@dataclass(frozen=True)
class MessageHead:
    """A logistic head over standardised FEATURES.

    Attributes:
        mean: Per-feature mean used to standardise.
        scale: Per-feature standard deviation used to standardise.
        coef: Weights.
        intercept: Bias.
        threshold: Probability at or above which CA401 reports.
    """

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Return P(message describes another change) per feature row.

        Args:
            rows: Feature rows in FEATURES order.

        Returns:
            Probabilities in [0, 1].
        """
        logits = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def to_json(self) -> dict:
        """Return the head as a JSON-ready dict (with the feature names)."""
        return {"features": list(FEATURES), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept, "threshold": self.threshold}


def load_head(path: Path) -> MessageHead:
    """Load a head written by `MessageHead.to_json`.

    Args:
        path: The head.json file.

    Returns:
        The head.

    Raises:
        ValueError: When its features are not this version's FEATURES.
    """
    data = json.loads(path.read_text())
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path} was trained on features {data['features']}, not {list(FEATURES)}")
    return MessageHead(np.asarray(data["mean"], dtype=np.float32), np.asarray(data["scale"], dtype=np.float32),
                       np.asarray(data["coef"], dtype=np.float32), float(data["intercept"]),
                       float(data["threshold"]))


@cache
def shipped_head() -> MessageHead:
    """Return the head shipped in codeassist/assets/message-head (loaded once)."""
    return load_head(Path(str(resources.files("codeassist").joinpath("assets", "message-head", "head.json"))))
