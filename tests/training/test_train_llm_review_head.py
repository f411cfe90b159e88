"""The CA501 line-head recipe's threshold choice and metrics."""

from __future__ import annotations

import numpy as np

from training.recipes.thresholds import rate_threshold
from training.recipes.train_llm_review_head import at_threshold, busy_scores, hunk_tops, threshold_for

# (best line's score, best line is the bug, added lines, hunk is buggy)
TOPS = [(0.95, True, 2, True), (0.9, False, 3, False), (0.8, True, 1, True), (0.6, False, 4, True), (0.3, False, 2, False)]


def test_metrics_count_one_comment_per_hunk() -> None:
    metrics = at_threshold(TOPS, 0.7)
    assert metrics["precision"] == 2 / 3 and metrics["recall"] == 2 / 3
    assert metrics["fp_per_1000_lines"] == 1000 / 12 and metrics["clean_hunks_flagged"] == 0.5


def test_threshold_for_a_precision_takes_the_most_recall() -> None:
    assert threshold_for(TOPS, 0.6) == 0.8  # 2 of 3 comments right
    assert threshold_for(TOPS, 1.0) == 0.95
    assert threshold_for([(0.5, False, 1, False)], 0.5) == float("inf")


def test_rate_threshold_flags_at_most_that_share_of_clean_hunks() -> None:
    clean = [0.9, 0.8, 0.7, 0.2]
    cut = rate_threshold(clean, 0.25)
    assert sum(score >= cut for score in clean) == 1
    assert sum(score >= rate_threshold(clean, 0.0) for score in clean) == 0
    assert rate_threshold(clean, 1.0) == -float("inf")


def test_hunk_tops_and_the_busy_baseline() -> None:
    arrays = {"hunk": np.array([0, 0, 1]), "line": np.array([3, 4, 9]), "y": np.array([0, 1, 0])}
    rows = [{"view": "    3 +     x = 1\n    4 +     y = a[i + 1] - b\n    5       pass"},
            {"view": "    9 +     return"}]
    busy = busy_scores(arrays, rows)
    assert busy.tolist() == [2.0, 6.0, 0.0]  # "=", "1" | "=", "[", "+", "1", "]", "-"
    assert hunk_tops(arrays, busy) == [(6.0, True, 2, True), (0.0, False, 1, False)]
