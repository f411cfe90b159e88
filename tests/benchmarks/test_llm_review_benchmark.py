"""benchmarks/llm_review.py scoring: line-level precision, recall and false positives per 1000 lines."""

from __future__ import annotations

import pytest

from tests.benchmarks.conftest import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("llm_review")


def test_score_counts_wrong_lines_and_clean_comments_as_false_positives(bench):
    bug = {"label": 1, "bug_line": 10, "added": [9, 10, 11]}
    clean = {"label": 0, "bug_line": 0, "added": [20, 21]}
    outcomes = [
        (bug, (10, "Wrong operator.", "")),   # TP
        (bug, (11, "Wrong line.", "")),       # FP (and a miss)
        (bug, None),                          # miss
        (clean, (20, "Not a bug.", "")),      # FP
        (clean, None),                        # quiet: right
    ]
    metrics = bench.score(outcomes)
    assert (metrics["tp"], metrics["fp"], metrics["bugs"], metrics["added_lines"]) == (1, 2, 3, 13)
    assert metrics["precision"] == pytest.approx(1 / 3) and metrics["recall"] == pytest.approx(1 / 3)
    assert metrics["fp_per_1000_lines"] == pytest.approx(2000 / 13)
    assert bench.score([(clean, None)])["precision"] == 0.0
