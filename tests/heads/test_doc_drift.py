"""Structural drift features, explanations, and the drift head through the one loader."""

from __future__ import annotations

import numpy as np
import pytest

from codeassist.heads.asset import Head, save_head
from codeassist.heads.doc_drift.explain import explain
from codeassist.heads.doc_drift.features import facts, structural_features
from codeassist.heads.doc_drift.head import FAMILY, load_head, trained_on
from codeassist.parsing.doc_values import newly_contradicted_in_prose

DOC = """Fetch a page.

    Args:
        url: The address.
        timeout: Seconds to wait for `session`.

    Returns:
        The body.

    Raises:
        TimeoutError: When the server is slow.
    """
OLD = """def fetch(url, timeout):
    if slow(url):
        raise TimeoutError(url)
    return session.get(url, timeout=timeout)
"""


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (OLD.replace("url, timeout)", "url, deadline)").replace("timeout=timeout", "timeout=deadline"),
         {"doc_params_gone": 1, "added_params_undocumented": 1}),
        (OLD.replace("return session.get(url, timeout=timeout)", "session.get(url, timeout=timeout)"),
         {"return_value_lost": 1.0, "doc_returns_without_value": 1.0}),
        (OLD.replace("        raise TimeoutError(url)\n", "        return None\n"), {"doc_raises_gone": 1, "raises_removed": 1}),
        (OLD.replace("session.get", "client.get"), {"vanished_doc_identifiers": 1, "calls_added": 0}),
        (OLD, {"doc_params_gone": 0, "edit_size": 0.0, "return_value_lost": 0.0}),
    ],
)
def test_structural_features(new, expected):
    features = structural_features(DOC, facts(OLD, "python"), facts(new, "python"), "python")
    for name, value in expected.items():
        assert features[name] == pytest.approx(value), name


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (OLD.replace("url, timeout)", "url, deadline)"), "parameter `timeout`, renamed to `deadline`"),
        (OLD.replace("def fetch(url, timeout)", "def fetch(url)"), "parameter `timeout`, removed in this change"),
        (OLD.replace("return session.get(url, timeout=timeout)", "session.get(url, timeout=timeout)"),
         "the code no longer returns one"),
        (OLD.replace("        raise TimeoutError(url)\n", "        return None\n"), "raises `TimeoutError`, which the code no longer raises"),
        (OLD.replace("session.get", "client.get"), "mentions `session`, which the code no longer uses"),
    ],
)
def test_explanations_name_the_change(new, message):
    assert message in explain(DOC, OLD, new, "python")


RETRY_DOC = """Fetch a URL, retrying failed attempts.

    Tries up to 3 times and waits 5 seconds between attempts.

    >>> fetch("http://x", retries=3)  # 3 tries
    'body'
    """
RETRY = "def fetch(url, retries=3, pause=5):\n    return get(url, retries, pause)\n"


@pytest.mark.parametrize(
    ("new", "found"),
    [
        (RETRY.replace("retries=3", "retries=7"), [("retries", 3, "7")]),
        (RETRY.replace("pause=5", "pause=2.5"), [("pause", 5, "2.5")]),
        (RETRY.replace("retries=3, pause=5", "retries=3, pause=5.0"), []),  # the same value
        (RETRY.replace("retries=3", "retries=RETRIES"), []),                 # not a literal: not judged
        (RETRY.replace("return get", "return fetch_all"), []),               # no default moved
    ],
)
def test_a_prose_count_that_a_default_held_is_contradicted_by_its_change(new, found):
    contradictions = newly_contradicted_in_prose(RETRY_DOC, facts(RETRY, "python").unit.params,
                                                 facts(new, "python").unit.params)
    assert [(c.stated.param, c.stated.value, c.code_default) for c in contradictions] == found


def test_doctest_lines_versions_and_shared_defaults_are_not_prose_counts():
    old = facts("def f(a=3, b=3, c=4):\n    return a\n", "python").unit.params
    new = facts("def f(a=7, b=7, c=9):\n    return a\n", "python").unit.params
    assert newly_contradicted_in_prose("Runs 3 passes.", old, new) == []         # a and b both held 3
    assert newly_contradicted_in_prose(">>> f()  # 4 calls\n", old, new) == []   # a doctest
    assert newly_contradicted_in_prose("Changed in version 4 of the API.", old, new) == []
    assert [c.stated.param for c in newly_contradicted_in_prose("Keeps 4 copies.", old, new)] == ["c"]


def test_a_contradicted_prose_count_is_explained_with_its_sentence_and_the_new_value():
    message = explain(RETRY_DOC, RETRY, RETRY.replace("retries=3", "retries=7"), "python")
    assert "“Tries up to 3 times and waits 5 seconds between attempts.”" in message
    assert "`retries=3`" in message and "`retries=7`" in message


def _head(**trained: object) -> Head:
    return Head(FAMILY, "linear", {"features": ["sim_doc_old", "sim_drop"], "vector_features": False, **trained},
                0.5, np.zeros(2, np.float32), np.ones(2, np.float32), (np.array([[1.0], [0.0]], np.float32),),
                (np.zeros(1, np.float32),), shift=-1.0)


def test_head_round_trip_and_shift(tmp_path):
    head = _head(**trained_on())
    save_head(tmp_path, head)
    loaded = load_head(tmp_path)
    rows = np.array([[1.0, 5.0], [0.5, 5.0]], np.float32)
    assert np.array_equal(loaded.probabilities(rows), head.probabilities(rows))
    assert loaded.probabilities(rows)[0] == pytest.approx(0.5)  # the shift moves the decision to a = 1
    assert loaded.trained_on["features"] == ["sim_doc_old", "sim_drop"] and loaded.kind == "linear"


@pytest.mark.parametrize(("trained", "key"), [
    ({"features": ["sim_doc_old", "sim_gone"]}, "features"),  # a feature this version does not compute
    ({"code_encoder": "another-adapter"}, "code_encoder"),
])
def test_a_head_for_other_features_is_refused(tmp_path, trained, key):
    save_head(tmp_path, _head(**{**trained_on(), **trained}))
    with pytest.raises(ValueError, match=key):
        load_head(tmp_path)
