"""Which added line of a hunk has the bug: a logistic head on the LLM's own reading of it.

Asked to *write* the buggy line's number, the 135M model (even with the review adapter) never
names one on held-out code. Its reading of the hunk knows more: one forward pass of the base
model over an instruction line and the rendered hunk gives, per added line, the hidden states
of two layers (mean over the line's tokens, and at its last token) and the surprisal of its
tokens; the same relative to the hunk's other added lines says which line stands out. A
logistic head over these (training/recipes/probe_line_scorer.py, shipped in
codeassist/assets/llm-review-head) gives each added line the probability that it is the bug.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from codeassist.heads import logistic
from codeassist.llm.generation import without_adapters
from codeassist.changes.hunkview import line_spans
from codeassist.heads.logistic import LogisticHead

PREFIX = "Review this change to {path}. Lines marked + were added; one of them may have a bug.\n"
LAYERS = (15, 30)  # hidden-state layers read (0 = embeddings; 30 = the last of SmolLM2-135M)
SURPRISAL = 4  # per-line columns after the hidden states: mean, max, sum of surprisal; token count
MAX_TOKENS = 2048  # a longer view (minified or generated code) is not read: no line is scored


def line_features(lm: Any, path: str, view: str, added: set[int]) -> tuple[list[int], np.ndarray]:
    """Read one hunk with the model; per added line, its hidden states and surprisal.

    Args:
        lm: A loaded model (`codeassist.llm.models.LoadedModel`).
        path: The file's path (named in the instruction line).
        view: The hunk as `hunkview.render_hunk` shows it.
        added: The added line numbers.

    Returns:
        The added lines' numbers and their rows: per layer in LAYERS, the mean over the
        line's code tokens and the state at its last token; then SURPRISAL columns. Rows are
        rounded to float16, as the head's training data was stored. No lines when the text
        is longer than MAX_TOKENS.
    """
    import torch

    head = PREFIX.format(path=path)
    encoded = lm.tokenizer(head + view, return_offsets_mapping=True, return_tensors="pt")
    if encoded["input_ids"].shape[1] > MAX_TOKENS:
        return _no_lines(lm)
    offsets = encoded.pop("offset_mapping")[0].tolist()
    encoded = {name: tensor.to(lm.device) for name, tensor in encoded.items()}
    with torch.inference_mode(), without_adapters(lm.model):  # features come from the base model
        out = lm.model(**encoded, output_hidden_states=True)
    ids = encoded["input_ids"][0]
    logprobs = torch.log_softmax(out.logits[0, :-1].float(), dim=-1)
    surprisal = np.concatenate([[0.0], (-logprobs.gather(1, ids[1:, None])[:, 0]).cpu().numpy()])
    states = [out.hidden_states[layer][0].float().cpu().numpy() for layer in LAYERS]
    starts = np.array([start for start, _ in offsets])
    ends = np.array([end for _, end in offsets])
    numbers, rows = [], []
    for number, start, end in line_spans(view, len(head), added):
        tokens = np.nonzero((ends > start) & (starts < end))[0]
        if len(tokens) == 0:  # an empty added line: the token after it, or the last one at the end
            tokens = np.nonzero(starts >= end)[0][:1]
            tokens = tokens if len(tokens) else np.array([len(starts) - 1])
        parts = [part for state in states for part in (state[tokens].mean(0), state[tokens[-1]])]
        scores = surprisal[tokens]
        parts.append(np.array([scores.mean(), scores.max(), scores.sum(), len(tokens)], dtype=np.float32))
        numbers.append(number)
        rows.append(np.concatenate(parts))
    if not rows:
        return _no_lines(lm)
    return numbers, np.stack(rows).astype(np.float16).astype(np.float32)


def _no_lines(lm: Any) -> tuple[list[int], np.ndarray]:
    return [], np.zeros((0, 2 * len(LAYERS) * lm.model.config.hidden_size + SURPRISAL), dtype=np.float32)


def design(rows: np.ndarray) -> np.ndarray:
    """Add to one hunk's line rows what sets each line apart from the hunk's others.

    The question is *which* line, so a line's offset from its hunk's mean matters more than
    its own state; mean and max surprisal also get their rank within the hunk.

    Args:
        rows: The `line_features` rows of one hunk's added lines.

    Returns:
        [rows | rows − hunk mean | surprisal ranks (2) | 1 / lines].
    """
    ranks = np.stack([(rows[:, column].argsort().argsort() + 1) / len(rows)
                      for column in (-SURPRISAL, -SURPRISAL + 1)], axis=1).astype(np.float32)
    count = np.full((len(rows), 1), 1 / len(rows), dtype=np.float32)
    return np.hstack([rows, rows - rows.mean(0), ranks, count])


def load_head(path: Path) -> LogisticHead:
    """Load a line head (a `LogisticHead` stored with its LAYERS and PREFIX).

    Args:
        path: The head.json file.

    Returns:
        The head; its threshold is the probability at or above which a hunk's best line is reported.

    Raises:
        ValueError: When it was trained on other layers or another instruction line.
    """
    return logistic.load(path, layers=list(LAYERS), prefix=PREFIX)


def head_path() -> Path:
    """Return where the shipped head lives (codeassist/assets/llm-review-head/head.json)."""
    return Path(str(resources.files("codeassist").joinpath("assets", "llm-review-head", "head.json")))


@cache
def shipped_head() -> LogisticHead | None:
    """Return the shipped head (loaded once), or None when this install has none."""
    path = head_path()
    return load_head(path) if path.is_file() else None


def score_lines(lm: Any, head: LogisticHead, path: str, view: str, added: set[int]) -> list[tuple[int, float]]:
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
