"""CA501's features: the LLM's own reading of each added line of a hunk.

Asked to *write* the buggy line's number, the 135M model (even with the review adapter) never
names one on held-out code. Its reading of the hunk knows more: one forward pass of the base
model over an instruction line and the rendered hunk gives, per added line, the hidden states
of two layers (mean over the line's tokens, and at its last token) and the surprisal of its
tokens (`line_features`); the same relative to the hunk's other added lines says which line
stands out (`design`). The recipe (training/recipes/train_llm_review_head.py) and the rule
read the same rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from codeassist.changes.hunkview import line_spans
from codeassist.llm.generation import without_adapters

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
