"""The CA501 line head reads each added line of a hunk, and the shipped head loads and scores."""

from __future__ import annotations

import numpy as np
import pytest

from codeassist.changes.hunkview import line_spans, render_hunk
from codeassist.heads.asset import Head, save_head
from codeassist.heads.llm_review import features, head, score

BUGGY = ["def last(items):", "    if not items:", "        return None", "    return items[len(items)]", ""]


def test_line_spans_point_at_the_code_of_added_lines() -> None:
    view = render_hunk(BUGGY, 10, {12, 13, 14})
    spans = line_spans(view, 5, {12, 13, 14})
    text = "x" * 5 + view
    assert [(n, text[a:b]) for n, a, b in spans] == [
        (12, "        return None"), (13, "    return items[len(items)]"), (14, "")]


def test_design_sets_each_line_apart_from_its_hunk() -> None:
    rows = np.array([[1.0, 0.0, 2.0, 5.0, 9.0, 3.0], [3.0, 0.0, 1.0, 7.0, 4.0, 3.0]], dtype=np.float32)
    out = features.design(rows)
    assert out.shape == (2, 2 * 6 + 3)
    assert np.allclose(out[:, 6:12], rows - rows.mean(0))
    assert out[:, 12].tolist() == [1.0, 0.5] and out[:, 13].tolist() == [0.5, 1.0]  # ranks of mean, max surprisal
    assert np.allclose(out[:, 14], 0.5)


def test_shipped_head_scores_every_added_line_of_a_real_hunk(lm) -> None:  # noqa: ANN001
    shipped = head.shipped_head()
    assert shipped is not None and 0 < shipped.threshold < 1
    view = render_hunk(BUGGY, 1, {2, 3, 4, 5})  # the last added line is empty and ends the text
    numbers, rows = features.line_features(lm, "m.py", view, {2, 3, 4, 5})
    assert numbers == [2, 3, 4, 5]
    assert rows.shape == (4, 2 * len(features.LAYERS) * lm.model.config.hidden_size + features.SURPRISAL)
    assert features.design(rows).shape[1] == shipped.mean.shape[0]
    scored = score.score_lines(lm, shipped, "m.py", view, {2, 3, 4, 5})
    assert sorted(n for n, _ in scored) == [2, 3, 4, 5]
    assert all(0 <= p <= 1 for _, p in scored) and scored == sorted(scored, key=lambda pair: -pair[1])
    assert score.score_lines(lm, shipped, "m.py", view, set()) == []
    huge = render_hunk(["x = [" + ", ".join(map(str, range(3000))) + "]"], 1, {1})  # minified or generated
    assert score.score_lines(lm, shipped, "m.py", huge, {1}) == []


def _head(**trained: object) -> Head:
    return Head(head.FAMILY, "logistic", trained, 0.5, np.zeros(3, np.float32), np.ones(3, np.float32),
                (np.ones(3, np.float32),), (np.zeros(1, np.float32),))


def test_a_head_for_other_features_is_refused(tmp_path) -> None:  # noqa: ANN001
    save_head(tmp_path, _head(**head.trained_on()))
    assert head.load_head(tmp_path).threshold == 0.5
    assert head.load_head(tmp_path).probabilities(np.zeros((1, 3), np.float32)).tolist() == [0.5]
    for key, value in (("layers", [3]), ("prefix", "Review this."), ("model", "another-model")):
        save_head(tmp_path, _head(**{**head.trained_on(), key: value}))
        with pytest.raises(ValueError, match=key):
            head.load_head(tmp_path)
